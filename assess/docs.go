package assess

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// ModelDocs is what a device model's manufacturer documents add to the
// assessment of each of its devices. Build it with NewModelDocs; it is
// shared, read-only, by every device of the model.
type ModelDocs struct {
	// Software is the current SBOM's components that have a CPE, each
	// citing the SBOM and the component as its source.
	Software []cordon.Software
	// VEX is the finding status the model's VEX statements give, by CVE:
	// the last statement that applies to the model wins.
	VEX map[string]cordon.FindingStatus

	components []cordon.ModelComponent
	source     string // "sbom:<file>"
}

// NewModelDocs works out what a model's documents say for its devices.
func NewModelDocs(ev *cordon.ModelEvidence) *ModelDocs {
	md := &ModelDocs{VEX: map[string]cordon.FindingStatus{}}
	if ev.SBOM != nil {
		md.source = "sbom:" + ev.SBOM.FileName
		md.components = ev.Software
		for _, c := range ev.Software {
			if c.CPE == "" {
				continue
			}
			md.Software = append(md.Software, cordon.Software{CPE: c.CPE,
				Source: md.source + " component " + strings.TrimSpace(c.Name+" "+c.Version)})
		}
	}
	for _, s := range ev.Statements {
		if !StatementApplies(&ev.Model, ev.Software, s) {
			continue
		}
		md.VEX[s.CVE] = vexStatus(s)
	}
	return md
}

// support returns the support state of each component whose SBOM entry
// says anything about its support, as of now.
func (md *ModelDocs) support(now time.Time) []cordon.SupportStatus {
	var out []cordon.SupportStatus
	for i := range md.components {
		c := &md.components[i]
		state := c.SupportState(now)
		if state == "" {
			continue
		}
		st := cordon.SupportStatus{Subject: "software", Name: strings.TrimSpace(c.Name + " " + c.Version), State: state, Source: md.source}
		level := ""
		if c.LevelOfSupport != "" {
			level = " (level of support: " + c.LevelOfSupport + ")"
		}
		switch {
		case !c.EndOfSupport.IsZero() && state == cordon.SupportUnsupported && !now.Before(c.EndOfSupport):
			st.Since = c.EndOfSupport
			st.Reason = "The manufacturer's SBOM gives its end of support as " + c.EndOfSupport.Format(time.DateOnly) + level + "."
		case !c.EndOfSupport.IsZero():
			st.Until = c.EndOfSupport
			st.Reason = "The manufacturer's SBOM gives its end of support as " + c.EndOfSupport.Format(time.DateOnly) + level + "."
		case state == cordon.SupportUnsupported:
			st.Reason = "The manufacturer's SBOM says" + level + " that it is not supported."
		case c.EndOfSupportRaw != "":
			st.Reason = "The manufacturer's SBOM gives no end-of-support date: it says " + quote(c.EndOfSupportRaw) + level + "."
		default:
			st.Reason = "The manufacturer's SBOM gives no end-of-support date" + level + "."
		}
		out = append(out, st)
	}
	return out
}

func quote(s string) string { return "\u201c" + s + "\u201d" }

// vexStatus is the finding status a statement gives, recorded as by
// "vex:<file>". Affected and under investigation keep the finding open,
// with a note; not affected without a justification also stays open,
// since the workflow requires one to close a finding that way.
func vexStatus(s cordon.VEXStatement) cordon.FindingStatus {
	by := "vex:" + s.File
	note := func(what string) string {
		r := "VEX " + s.File + ": " + what
		if s.Detail != "" {
			r += " " + s.Detail
		}
		return clip(r, 4000)
	}
	switch s.Status {
	case cordon.VEXNotAffected:
		for _, j := range cordon.VEXJustifications {
			if j == s.Justification {
				return cordon.FindingStatus{Status: cordon.FindingNotAffected, Justification: j, Reason: note("not affected."), By: by}
			}
		}
		return cordon.FindingStatus{Status: cordon.FindingOpen, Reason: note("not affected, but the statement gives no justification, so the finding stays open."), By: by}
	case cordon.VEXFixed:
		return cordon.FindingStatus{Status: cordon.FindingFixed, Reason: note("fixed."), By: by}
	case cordon.VEXUnderInvestigation:
		return cordon.FindingStatus{Status: cordon.FindingOpen, Reason: note("under investigation by the manufacturer."), By: by}
	}
	return cordon.FindingStatus{Status: cordon.FindingOpen, Reason: note("affected."), By: by}
}

// StatementApplies reports whether a VEX statement applies to the model:
// a statement without a version applies; one naming a component of the
// model's SBOM applies when that component is at the version named; one
// naming anything else (the product itself) applies when the version
// named is the model's, or the model's version is not known. A version
// range cannot be checked here, so it may only keep findings open
// (affected, under investigation), never close them.
func StatementApplies(m *cordon.DeviceModel, software []cordon.ModelComponent, s cordon.VEXStatement) bool {
	v := normVersion(s.Version)
	if v == "" {
		return true
	}
	if strings.HasPrefix(v, "vers:") || strings.ContainsAny(v, "<>|*") {
		return s.Status == cordon.VEXAffected || s.Status == cordon.VEXUnderInvestigation
	}
	product := strings.ToLower(strings.TrimSpace(s.Product))
	named := false
	for _, c := range software {
		if product != "" && (strings.ToLower(c.Name) == product || c.Ref == s.Product || c.CPE == s.Product || c.PURL == s.Product) {
			named = true
			if normVersion(c.Version) == v {
				return true
			}
		}
	}
	if named {
		return false
	}
	return m.Version == "" || normVersion(m.Version) == v
}

func normVersion(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if len(v) > 1 && v[0] == 'v' && v[1] >= '0' && v[1] <= '9' {
		v = v[1:]
	}
	return v
}

// modelDocs loads the documents' evidence once per run, by device.
func (r *Runner) modelDocs(ctx context.Context) (map[int64]*ModelDocs, error) {
	if r.Documents == nil {
		return nil, nil
	}
	evs, err := r.Documents.FindModelEvidence(ctx)
	if err != nil {
		return nil, fmt.Errorf("assess: model documents: %w", err)
	}
	out := map[int64]*ModelDocs{}
	for i := range evs {
		md := NewModelDocs(&evs[i])
		for _, id := range evs[i].Devices {
			out[id] = md
		}
	}
	return out, nil
}

// withVEX returns the device's statuses with the model's VEX statuses in
// place of those no person set, so that the device's open count and risk
// reflect them in this run.
func withVEX(statuses map[string]cordon.FindingStatus, md *ModelDocs) map[string]cordon.FindingStatus {
	if md == nil || len(md.VEX) == 0 {
		return statuses
	}
	out := make(map[string]cordon.FindingStatus, len(statuses)+len(md.VEX))
	for k, v := range statuses {
		out[k] = v
	}
	for cve, st := range md.VEX {
		if cur, ok := statuses[cve]; ok && cur.By != "" && !strings.HasPrefix(cur.By, "vex:") {
			continue // a person decided
		}
		out[cve] = st
	}
	return out
}

// appendVEX adds the VEX statuses for the findings of an assessment.
func appendVEX(dst []cordon.VEXFinding, a cordon.DeviceAssessment, md *ModelDocs) []cordon.VEXFinding {
	if md == nil || len(md.VEX) == 0 {
		return dst
	}
	for i := range a.Findings {
		if st, ok := md.VEX[a.Findings[i].CVE]; ok {
			dst = append(dst, cordon.VEXFinding{DeviceID: a.DeviceID, CVE: a.Findings[i].CVE, Status: st})
		}
	}
	return dst
}
