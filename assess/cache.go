package assess

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/cordonsec/cordon"
)

// DefaultCacheFindings bounds the Engine's cache of finished findings, in
// findings held (about 750 bytes each, so some 200 MB).
const DefaultCacheFindings = 1 << 18

// SetCacheFindings bounds the cache of finished findings per distinct
// device (0 turns it off). Call it before the Engine is shared.
func (e *Engine) SetCacheFindings(n int) { e.cache.limit = int64(n) }

// findingCache remembers the merged, enriched findings of each distinct
// device image. A trust's devices are copies of a few thousand images
// (one per model, firmware and desktop build), and a Windows image has
// hundreds of findings: merging and enriching them once per image, then
// copying, is what makes a 50,000-device register fast. Cached findings
// carry no device and an open status; their slices and pointers (Evidence,
// Sources, CVSS, EPSS) are shared with every device of the image, so
// callers must treat them as read-only.
type findingCache struct {
	m     sync.Map // image key → []cordon.Finding, never modified once stored
	n     atomic.Int64
	limit int64
}

func (c *findingCache) get(key string) ([]cordon.Finding, bool) {
	v, ok := c.m.Load(key)
	if !ok {
		return nil, false
	}
	return v.([]cordon.Finding), true
}

func (c *findingCache) put(key string, fs []cordon.Finding) {
	cost := int64(len(fs)) + 1
	if c.n.Load()+cost > c.limit {
		return
	}
	if _, loaded := c.m.LoadOrStore(key, fs); !loaded {
		c.n.Add(cost)
	}
}

// imageKey encodes everything the matchers read of a device and its
// record: OS, software names and sources, SMBv1 evidence, manufacturer and
// model, the versions advisories are compared with (DICOM implementation
// version, LLDP-MED revisions, the recorded OS text). Fields are
// length-prefixed so that no two different devices share a key.
func imageKey(d *cordon.Device, rec *cordon.Recorded) string {
	b := make([]byte, 0, 256)
	field := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	field(d.OS.Name)
	field(d.OS.Version)
	b = strconv.AppendInt(b, int64(len(d.Software)), 10)
	for _, sw := range d.Software {
		field(sw.CPE)
		field(sw.Source)
	}
	field(d.Manufacturer)
	field(d.Model)
	field(rec.Manufacturer)
	field(rec.Model)
	field(rec.OS)
	if d.DICOM != nil {
		field(d.DICOM.ImplementationVersion)
	} else {
		field("")
	}
	for _, e := range d.Evidence {
		switch {
		case e.Fact == "smb.dialect" && e.Value == "NT LM 0.12", e.Fact == "smb.version" && e.Value == "1",
			e.Fact == "lldp.med.software_revision", e.Fact == "lldp.med.firmware_revision":
			field(e.Fact)
			field(e.Value)
		}
	}
	return string(b)
}
