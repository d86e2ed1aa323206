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
	"slices"
	"sort"

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
	score   float64 // with corroboration by behaviour
	raw     float64 // from the profile's own rules alone
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
		out = append(out, match{profile: p, score: 1 - st.miss, raw: 1 - st.miss, facts: st.facts, rules: len(st.matched)})
	}
	sortMatches(out)
	return out
}

// sortMatches orders matches best first: by score, then by how many rules
// matched, then by id so that the order is stable.
func sortMatches(ms []match) {
	sort.Slice(ms, func(a, b int) bool {
		if math.Abs(ms[a].score-ms[b].score) > 1e-9 {
			return ms[a].score > ms[b].score
		}
		if ms[a].rules != ms[b].rules {
			return ms[a].rules > ms[b].rules
		}
		return ms[a].profile.ID < ms[b].profile.ID
	})
}

// Classify fills d's conclusions from d.Evidence and d.Services.
func (c *Classifier) Classify(d *cordon.Device) {
	ev := d.Evidence
	img := c.dicom.analyse(d)
	osv, osr := inferOS(ev, d)
	d.OS = osv
	behaved := behaviourCategory(d, ev, img, osr)
	ms := corroborate(c.scoreProfiles(ev), behaved)
	best := choose(ms)
	cat := category(best, img, behaved)
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
	if best != nil && best.profile.Model != "" && best.raw >= minMakerScore {
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
		case best != nil && best.profile.Modality != "" && slices.Contains(img.observed, best.profile.Modality):
			// The device sends images of several kinds (a DX room also
			// sends CR); the profile knows which one it is.
			d.Modality = best.profile.Modality
			d.Reasons = append(d.Reasons, cordon.Reason{Field: "modality", Value: d.Modality, Confidence: round(best.score), Facts: best.facts, Rule: "profile " + best.profile.ID})
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

// corroboration is how much a behavioural conclusion adds to a profile of
// the same category: a host name suggesting a monitor gateway counts for
// more when the host also answers HL7 like one.
const corroboration = 0.5

// corroborate raises the score of profiles whose category the device's
// behaviour independently suggests, and re-sorts.
func corroborate(ms []match, behaved cordon.Reason) []match {
	if behaved.Confidence == 0 {
		return ms
	}
	for i := range ms {
		if ms[i].profile.Category == behaved.Value {
			ms[i].score = 1 - (1-ms[i].score)*(1-corroboration*behaved.Confidence)
			for _, f := range behaved.Facts {
				if !slices.Contains(ms[i].facts, f) {
					ms[i].facts = append(ms[i].facts, f)
				}
			}
		}
	}
	sortMatches(ms)
	return ms
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

// minMakerScore is how much a profile's own rules must score (behaviour
// aside) for it to name the maker. Rules any device of the category meets (an
// IPP service, DHCP vendor class MSFT 5.0) weigh 0.3 or less in the library,
// so they never name a maker on their own.
const minMakerScore = 0.4

// makerProfile returns the profile that names the device's manufacturer:
// the chosen one, or else the best other profile of the same category that
// reaches the threshold, as long as its own rules (not behaviour, which says
// nothing of the maker) reach minMakerScore. A Windows 10 workstation is made
// by Dell, not by the maker of its OS; a printer that only announces IPP has
// no known maker.
func makerProfile(ms []match, best *match, category string) *match {
	if best == nil {
		return nil
	}
	if best.profile.Manufacturer != "" && best.raw >= minMakerScore {
		return best
	}
	for i := range ms {
		m := &ms[i]
		if m.profile.Manufacturer != "" && m.profile.Category == category && m.score >= minProfileScore && m.raw >= minMakerScore {
			return m
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
