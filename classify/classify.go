// Package classify turns a device's evidence into conclusions: its category,
// manufacturer, model, modality, operating system and software, each with a
// confidence and the facts behind it.
//
// Two kinds of knowledge drive it, both data rather than code: the device
// profile library (classify/data/profiles.json, extended by a user's file) and
// the DICOM tables (implementation UID roots of manufacturers, SOP classes and
// the modalities they imply). Operating systems and software versions are
// read from protocol strings by the rules in os.go and software.go.
package classify

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/cordonsec/cordon"
)

// minProfileScore is the combined rule weight a profile needs to be chosen.
const minProfileScore = 0.5

// Classifier holds the knowledge used to classify devices. It is safe for
// concurrent use once built.
type Classifier struct {
	profiles []Profile
	byFact   map[string][]ruleRef
	dicom    dicomTables
}

type ruleRef struct{ profile, rule int }

// New returns a Classifier with the embedded knowledge plus the extra
// profiles, which take precedence over embedded ones with the same id.
func New(extra []Profile) (*Classifier, error) {
	base, err := embeddedProfiles()
	if err != nil {
		return nil, err
	}
	tables, err := loadDICOMTables()
	if err != nil {
		return nil, err
	}
	c := &Classifier{byFact: map[string][]ruleRef{}, dicom: tables}
	override := map[string]bool{}
	for _, p := range extra {
		override[p.ID] = true
	}
	for _, p := range base {
		if !override[p.ID] {
			c.profiles = append(c.profiles, p)
		}
	}
	c.profiles = append(c.profiles, extra...)
	for i, p := range c.profiles {
		for j, r := range p.Rules {
			c.byFact[r.Fact] = append(c.byFact[r.Fact], ruleRef{i, j})
		}
	}
	return c, nil
}

// LoadProfiles reads a user's profile file.
func LoadProfiles(path string) ([]Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, cordon.Errorf(cordon.EINVALID, "cannot read profiles: %v", err)
	}
	return ParseProfiles(path, data)
}

// Profiles returns the profiles in use.
func (c *Classifier) Profiles() []Profile { return c.profiles }

// match is a profile's score on one device.
type match struct {
	profile *Profile
	score   float64
	facts   []string
	rules   int
}

// scoreProfiles returns the profiles the evidence supports, best first.
func (c *Classifier) scoreProfiles(ev []cordon.Evidence) []match {
	type state struct {
		miss    float64 // Π(1-w) over matched rules
		matched map[int]bool
		facts   []string
	}
	states := map[int]*state{}
	for _, e := range ev {
		for _, ref := range c.byFact[e.Fact] {
			r := &c.profiles[ref.profile].Rules[ref.rule]
			if !r.Match(e.Value) {
				continue
			}
			st := states[ref.profile]
			if st == nil {
				st = &state{miss: 1, matched: map[int]bool{}}
				states[ref.profile] = st
			}
			if !st.matched[ref.rule] {
				st.matched[ref.rule] = true
				st.miss *= 1 - r.Weight
				st.facts = append(st.facts, e.Fact+"="+e.Value)
			}
		}
	}
	var out []match
	for i, st := range states {
		p := &c.profiles[i]
		ok := true
		for j, r := range p.Rules {
			if r.Required && !st.matched[j] {
				ok = false
			}
		}
		if !ok {
			continue
		}
		out = append(out, match{profile: p, score: 1 - st.miss, facts: st.facts, rules: len(st.matched)})
	}
	sort.Slice(out, func(a, b int) bool {
		if math.Abs(out[a].score-out[b].score) > 1e-9 {
			return out[a].score > out[b].score
		}
		if out[a].rules != out[b].rules {
			return out[a].rules > out[b].rules
		}
		return out[a].profile.ID < out[b].profile.ID
	})
	return out
}

// Classify fills d's conclusions from d.Evidence and d.Services.
func (c *Classifier) Classify(d *cordon.Device) {
	ev := d.Evidence
	ms := c.scoreProfiles(ev)
	best := choose(ms)
	img := c.dicom.analyse(d)

	osv, osr := inferOS(ev, d)
	d.OS = osv
	cat := c.category(d, ev, best, img, osr)
	d.Category, d.Confidence = cat.Value, cat.Confidence
	d.Medical = cordon.IsMedicalCategory(d.Category)
	d.Reasons = append(d.Reasons[:0], cat)

	maker := makerProfile(ms, best, d.Category)
	switch {
	case maker != nil:
		d.Manufacturer = maker.profile.Manufacturer
		d.Reasons = append(d.Reasons, cordon.Reason{Field: "manufacturer", Value: d.Manufacturer, Confidence: round(maker.score), Facts: maker.facts, Rule: "profile " + maker.profile.ID})
	case img.manufacturer != "":
		d.Manufacturer = img.manufacturer
		d.Reasons = append(d.Reasons, cordon.Reason{Field: "manufacturer", Value: d.Manufacturer, Confidence: 0.8, Facts: img.rootFacts, Rule: "DICOM implementation class UID root"})
	}
	if best != nil && best.profile.Model != "" {
		d.Model = best.profile.Model
		d.Profile = best.profile.ID
		d.Reasons = append(d.Reasons, cordon.Reason{Field: "model", Value: d.Model, Confidence: round(best.score), Facts: best.facts, Rule: "profile " + best.profile.ID})
	}
	if best != nil {
		d.Profile = best.profile.ID
	}
	d.Modality = ""
	if d.Category == cordon.CategoryImagingModality {
		switch {
		case img.modality != "":
			d.Modality = img.modality
			d.Reasons = append(d.Reasons, cordon.Reason{Field: "modality", Value: img.modality, Confidence: 0.9, Facts: img.modalityFacts, Rule: "DICOM storage SOP classes sent"})
		case best != nil && best.profile.Modality != "":
			d.Modality = best.profile.Modality
			d.Reasons = append(d.Reasons, cordon.Reason{Field: "modality", Value: d.Modality, Confidence: round(best.score), Facts: best.facts, Rule: "profile " + best.profile.ID})
		}
	}

	if osv.Name == "" && best != nil && best.profile.OS != nil {
		d.OS = *best.profile.OS
		osr = cordon.Reason{Field: "os", Value: d.OS.Name, Confidence: round(best.score * 0.8), Facts: best.facts, Rule: "profile " + best.profile.ID}
	}
	if d.OS.Name != "" {
		d.Reasons = append(d.Reasons, osr)
	}
	d.Software = software(d, ev, best)
	if d.Software == nil {
		d.Software = []cordon.Software{}
	}
}

// choose picks the profile that explains a device: the best-scoring medical
// profile when one reaches the threshold, since device-specific evidence (a
// manufacturer's DICOM root, an HL7 application) is more telling than the
// general-purpose operating system many medical devices run on; otherwise the
// best profile overall.
func choose(ms []match) *match {
	for i := range ms {
		if ms[i].score < minProfileScore {
			break
		}
		if cordon.IsMedicalCategory(ms[i].profile.Category) {
			return &ms[i]
		}
	}
	if len(ms) > 0 && ms[0].score >= minProfileScore {
		return &ms[0]
	}
	return nil
}

// makerProfile returns the profile that names the device's manufacturer: the
// chosen one if it names one, else the best other profile of the same
// category that does (a Windows 10 workstation is made by Dell, not by the
// maker of its OS).
func makerProfile(ms []match, best *match, category string) *match {
	if best == nil {
		return nil
	}
	if best.profile.Manufacturer != "" {
		return best
	}
	for i := range ms {
		if ms[i].score < minProfileScore {
			break
		}
		if ms[i].profile.Manufacturer != "" && ms[i].profile.Category == category {
			return &ms[i]
		}
	}
	return nil
}

func round(f float64) float64 { return math.Round(f*100) / 100 }

// combine merges independent confidences: 1-Π(1-c).
func combine(cs ...float64) float64 {
	miss := 1.0
	for _, c := range cs {
		miss *= 1 - c
	}
	return round(1 - miss)
}

func factString(e cordon.Evidence) string { return fmt.Sprintf("%s=%s", e.Fact, e.Value) }

func hasFact(ev []cordon.Evidence, fact string, pred func(string) bool) (cordon.Evidence, bool) {
	for _, e := range ev {
		if e.Fact == fact && (pred == nil || pred(e.Value)) {
			return e, true
		}
	}
	return cordon.Evidence{}, false
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
