package sqlite

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"

	"github.com/cordonsec/cordon"
)

// ready is one device's assessment with what can be worked out before the
// write transaction begins, so that the writer is held only for writing.
type ready struct {
	a         *cordon.DeviceAssessment
	cves      []string // normalized, by finding
	sevs      []string // "unknown" for none, by finding
	digests   []int64  // by finding
	set       int64    // setDigest(digests)
	exposure  exposureRow
	expDigest int64
}

// exposureRow is what the exposures row holds of an assessment besides
// the tally of its findings.
type exposureRow struct {
	score               int
	unsupported, ending bool
	doc                 string
}

func makeReady(set []cordon.DeviceAssessment) ([]ready, error) {
	rs := make([]ready, len(set))
	var d digester
	for i := range set {
		a := &set[i]
		r := &rs[i]
		r.a = a
		r.cves = make([]string, len(a.Findings))
		r.sevs = make([]string, len(a.Findings))
		r.digests = make([]int64, len(a.Findings))
		for j := range a.Findings {
			f := &a.Findings[j]
			r.cves[j] = normCVE(f.CVE)
			r.sevs[j] = f.Severity
			if r.sevs[j] == "" {
				r.sevs[j] = cordon.SeverityUnknown
			}
			r.digests[j] = d.finding(f, r.cves[j], r.sevs[j])
		}
		r.set = setDigest(r.digests)

		e := &a.Exposure
		r.exposure.score = e.Risk.Score
		for _, sp := range e.Support {
			r.exposure.unsupported = r.exposure.unsupported || sp.State == cordon.SupportUnsupported
			r.exposure.ending = r.exposure.ending || sp.State == cordon.SupportEnding
		}
		doc, err := json.Marshal(exposureDoc{Risk: e.Risk, Support: e.Support})
		if err != nil {
			return nil, cordon.Errorf(cordon.EINVALID, "Device %d: the exposure cannot be stored: %v.", a.DeviceID, err)
		}
		r.exposure.doc = string(doc)
		// The document is what varies; score and flags are derived from it
		// but go in too, so the digest is of the whole row.
		b := make([]byte, 0, 16+len(doc))
		b = append(b, digestVersion)
		b = binary.AppendVarint(b, int64(r.exposure.score))
		b = append(b, boolByte(r.exposure.unsupported), boolByte(r.exposure.ending))
		h := sha256.Sum256(append(b, doc...))
		r.expDigest = int64(binary.LittleEndian.Uint64(h[:8]))
	}
	return rs, nil
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}
