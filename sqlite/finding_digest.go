package sqlite

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"time"

	"github.com/cordonsec/cordon"
)

// Digests let ReplaceFindings tell, without reading or re-encoding the
// stored rows, that the matcher produced what is already stored: almost
// every re-assessment does, and writing 2.5 million unchanged rows (and
// their three priority index entries each) would take minutes.
//
// A finding's digest covers everything ReplaceFindings stores of it (the
// columns and the document); a device's set digest combines the digests
// of all the findings it was assessed with. Both are the first 8 bytes of
// SHA-256 over a binary encoding of the fields, not over the JSON
// document: encoding 2.5 million documents costs seconds that an
// unchanged re-assessment does not have. TestFindingDigestCoversFields
// fails when a field is added to cordon.Finding (or the types it holds)
// without being added here.

// digestVersion starts every digest: changing the encoding below must
// change it, so that stored digests no longer match and every finding is
// rewritten once in the new form.
const digestVersion = 1

// digester encodes fields into a reused buffer.
type digester struct{ buf []byte }

func (d *digester) reset() { d.buf = append(d.buf[:0], digestVersion) }

func (d *digester) str(s string) {
	d.buf = binary.AppendUvarint(d.buf, uint64(len(s)))
	d.buf = append(d.buf, s...)
}

func (d *digester) strs(ss []string) {
	d.buf = binary.AppendUvarint(d.buf, uint64(len(ss)))
	for _, s := range ss {
		d.str(s)
	}
}

func (d *digester) bool(b bool) {
	if b {
		d.buf = append(d.buf, 1)
	} else {
		d.buf = append(d.buf, 0)
	}
}

func (d *digester) float(f float64) {
	d.buf = binary.LittleEndian.AppendUint64(d.buf, math.Float64bits(f))
}

// time encodes the instant only: the stored document keeps the zone it was
// written with, and a time that moved zone but not instant is unchanged.
func (d *digester) time(t time.Time) {
	d.bool(t.IsZero())
	if !t.IsZero() {
		d.buf = binary.AppendVarint(d.buf, t.Unix())
		d.buf = binary.AppendUvarint(d.buf, uint64(t.Nanosecond()))
	}
}

func (d *digester) sum() int64 {
	h := sha256.Sum256(d.buf)
	return int64(binary.LittleEndian.Uint64(h[:8]))
}

// finding returns the digest of what ReplaceFindings stores of f, given its
// normalized CVE and severity.
func (d *digester) finding(f *cordon.Finding, cve, severity string) int64 {
	d.reset()
	d.str(cve)
	d.str(f.Match)
	d.str(severity)
	d.str(f.Title)
	d.str(f.Criteria)
	d.str(f.Software)
	d.strs(f.Evidence)
	d.strs(f.Sources)
	d.bool(f.KEV)
	d.time(f.KEVDateAdded)
	d.time(f.KEVDueDate)
	d.bool(f.KEVRansomware)
	d.bool(f.EPSS != nil)
	if e := f.EPSS; e != nil {
		d.float(e.Score)
		d.float(e.Percentile)
		d.time(e.Date)
		d.str(e.Model)
	}
	d.bool(f.CVSS != nil)
	if c := f.CVSS; c != nil {
		d.str(c.Version)
		d.str(c.Vector)
		d.float(c.BaseScore)
		d.str(c.Severity)
		d.str(c.Source)
		d.bool(c.Primary)
	}
	d.bool(f.Fix.Available)
	d.time(f.Fix.Since)
	d.str(f.Fix.Category)
	d.str(f.Fix.Details)
	d.str(f.Fix.URL)
	d.str(f.Fix.Source)
	return d.sum()
}

// setDigest combines the digests of a device's findings, in any order:
// the matcher need not produce them in the same order twice. Each finding
// digest is already a uniform hash of its CVE and content, so their sum
// (with the count) changes whenever a finding is added, removed or
// changed, but for a 2^-64 chance.
func setDigest(digests []int64) int64 {
	var sum uint64
	for _, x := range digests {
		sum += uint64(x)
	}
	var b [17]byte
	b[0] = digestVersion
	binary.LittleEndian.PutUint64(b[1:], sum)
	binary.LittleEndian.PutUint64(b[9:], uint64(len(digests)))
	h := sha256.Sum256(b[:])
	return int64(binary.LittleEndian.Uint64(h[:8]))
}
