package detect

import (
	"net/netip"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sensor"
)

// Bounds on what a Detector keeps, so a hostile or huge capture cannot make
// it grow without limit.
const (
	maxCandidates = 1 << 16 // distinct (kind, endpoint, subject) candidates
	maxNames      = 1 << 16 // server names remembered by address
	maxEvidence   = 5       // evidence lines kept per candidate
	maxPatient    = 1 << 14 // endpoints with patient data remembered
)

// What a live capture's detector remembers from batch to batch (Carry).
const (
	beaconWindow  = 24 * time.Hour // connection starts, for beaconing
	patientWindow = 4 * time.Hour  // where patient data was seen
)

// Detector is a sensor.Sink that passes everything on to the next sink and
// collects detection candidates on the way. It is not safe for concurrent
// use, like the sensor that calls it.
type Detector struct {
	next    sensor.Sink
	cfg     *compiled
	cands   map[candKey]*cand
	names   map[netip.Addr]string
	patient map[netip.Addr]*span
	beacons map[beaconKey]*beacon
	dropped int       // candidates refused once maxCandidates was reached
	latest  time.Time // the last packet time of a flow seen
}

// New returns a Detector reporting to next, checking traffic against cfg
// (nil for the zero Config). cfg must have come through ParseConfig or be
// valid; an invalid one is an EINVALID error.
func New(next sensor.Sink, cfg *Config) (*Detector, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	c, err := compile(cfg)
	if err != nil {
		return nil, err
	}
	return &Detector{
		next: next, cfg: c,
		cands:   map[candKey]*cand{},
		names:   map[netip.Addr]string{},
		patient: map[netip.Addr]*span{},
		beacons: map[beaconKey]*beacon{},
	}, nil
}

// endpoint names one side of a flow or the subject of a fact.
type endpoint struct {
	mac cordon.MAC
	ip  netip.Addr
}

type candKey struct {
	kind    string
	ep      endpoint
	subject string
}

// scope says which devices a candidate applies to once they are known.
type scope uint8

const (
	anyDevice   scope = iota
	medicalOnly       // only medical devices (unless Config.AllDevices)
	medicalPeer       // internal remote access: only to medical devices
)

// cand is a detection before the device it is about is known.
type cand struct {
	kind, subject, title string
	ep                   endpoint
	severity             string // before the device's category raises it
	scope                scope
	first, last          time.Time
	count                int
	evidence             []string
	// For the checks Finish makes against the device: the peer (the
	// server of an outbound flow) and the name it was known by.
	peer      netip.Addr
	peerName  string
	kindFile  bool // file share: approved servers and server peers pass
	allowable bool // to the internet: the allow-list may approve it
}

// span is when patient data was seen at an endpoint.
type span struct {
	first, last time.Time
	kind        string
}

// add records one sighting of a candidate, at one moment.
func (d *Detector) add(c cand, at time.Time, evidence string) *cand {
	return d.addSpan(c, at, at, evidence)
}

// addSpan records one sighting of a candidate that went on from first to
// last: a flow, which may last hours.
func (d *Detector) addSpan(c cand, first, last time.Time, evidence string) *cand {
	k := candKey{kind: c.kind, ep: c.ep, subject: c.subject}
	if have := d.cands[k]; have != nil {
		have.count++
		if first.Before(have.first) {
			have.first = first
		}
		if last.After(have.last) {
			have.last = last
		}
		if len(have.evidence) < maxEvidence && evidence != "" && !contains(have.evidence, evidence) {
			have.evidence = append(have.evidence, evidence)
		}
		return have
	}
	if len(d.cands) >= maxCandidates {
		d.dropped++
		return nil
	}
	c.first, c.last, c.count = first, last, 1
	if evidence != "" {
		c.evidence = []string{evidence}
	}
	p := &c
	d.cands[k] = p
	return p
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Observe passes the fact on and looks at the few facts detections use.
func (d *Detector) Observe(o cordon.Observation) {
	d.next.Observe(o)
	dot := strings.IndexByte(o.Fact, '.')
	var proto string
	if dot > 0 {
		proto = o.Fact[:dot]
	} else {
		proto = o.Fact
	}
	switch proto {
	case "smb", "http", "tls", "dns", "snmp", "patient_data", "exploit", "credential":
		d.fact(o)
	}
}

// Flow passes the flow on and checks it.
func (d *Detector) Flow(f cordon.FlowRecord) {
	d.next.Flow(f)
	if f.Last.After(d.latest) {
		d.latest = f.Last
	}
	d.flow(f)
}

// Carry returns the detector for the next batch of a live capture,
// reporting to next and checking against cfg, and hands it what outlasts
// a batch: server names learned from DNS and TLS, where patient data was
// seen, and connection starts, since a beacon that calls every few
// minutes needs more connections than one batch holds. It settles this
// batch's beacons first and keeps nothing shared, so Finish may run on
// another goroutine while the new detector works; d takes no more
// traffic. Memory stays bounded: old starts and spans are dropped, and a
// full name table starts over.
func (d *Detector) Carry(next sensor.Sink, cfg *Config) (*Detector, error) {
	n, err := New(next, cfg)
	if err != nil {
		return nil, err
	}
	d.beaconCands()
	horizon := d.latest.Add(-beaconWindow).UnixNano()
	for k, b := range d.beacons {
		if b.starts[len(b.starts)-1] < horizon {
			delete(d.beacons, k)
		}
	}
	for a, sp := range d.patient {
		if sp.last.Before(d.latest.Add(-patientWindow)) {
			delete(d.patient, a)
		}
	}
	n.beacons, n.patient, n.latest = d.beacons, d.patient, d.latest
	if len(d.names) < maxNames {
		n.names = d.names
	}
	d.beacons, d.patient, d.names = nil, nil, nil
	return n, nil
}

var _ sensor.Sink = (*Detector)(nil)
