package classify

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/cordonsec/cordon"
)

// Profile describes one family of devices by the evidence that reveals it.
// Profiles are data (classify/data/profiles.json, extended by a user's own
// file with --profiles), never code, so that clinical engineers can add the
// devices of their own estate.
type Profile struct {
	ID           string `json:"id"`           // stable, kebab-case: "ge-carescape-b450"
	Category     string `json:"category"`     // a cordon.Category* identifier
	Manufacturer string `json:"manufacturer"` // canonical maker name
	Model        string `json:"model,omitempty"`
	Modality     string `json:"modality,omitempty"` // DICOM modality code for imaging
	// OS is the operating system the family is known to run, used only when
	// traffic shows nothing better.
	OS *cordon.OS `json:"os,omitempty"`
	// CPE is a CPE 2.3 name of the device's firmware or platform, if known.
	CPE    string `json:"cpe,omitempty"`
	Rules  []Rule `json:"rules"`
	Source string `json:"source"` // public basis for the rules
}

// Rule matches one fact. Weight is the probability that a device showing the
// fact belongs to the profile; matched rules combine as 1-Π(1-w). A Required
// rule must match for the profile to apply at all.
type Rule struct {
	Fact     string  `json:"fact"`
	Op       string  `json:"op"` // equals, prefix, suffix, contains, regex (all case-insensitive)
	Value    string  `json:"value"`
	Weight   float64 `json:"weight"`
	Required bool    `json:"required,omitempty"`

	re    *regexp.Regexp
	lower string
}

// ParseProfiles decodes and validates a profile file. name is used in error
// messages.
func ParseProfiles(name string, data []byte) ([]Profile, error) {
	var f struct {
		Profiles []Profile `json:"profiles"`
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, cordon.Errorf(cordon.EINVALID, "%s: %v", name, err)
	}
	seen := map[string]bool{}
	for i := range f.Profiles {
		p := &f.Profiles[i]
		if err := p.compile(); err != nil {
			return nil, cordon.Errorf(cordon.EINVALID, "%s: profile %d (%q): %v", name, i, p.ID, err)
		}
		if seen[p.ID] {
			return nil, cordon.Errorf(cordon.EINVALID, "%s: profile %q defined twice", name, p.ID)
		}
		seen[p.ID] = true
	}
	return f.Profiles, nil
}

func (p *Profile) compile() error {
	if p.ID == "" {
		return fmt.Errorf("missing id")
	}
	known := false
	for _, c := range cordon.Categories {
		known = known || c == p.Category
	}
	if !known {
		return fmt.Errorf("unknown category %q", p.Category)
	}
	if len(p.Rules) == 0 {
		return fmt.Errorf("no rules")
	}
	for j := range p.Rules {
		r := &p.Rules[j]
		if r.Fact == "" || r.Value == "" {
			return fmt.Errorf("rule %d: fact and value are required", j)
		}
		if r.Weight <= 0 || r.Weight >= 1 {
			return fmt.Errorf("rule %d: weight %v is not between 0 and 1", j, r.Weight)
		}
		r.lower = strings.ToLower(r.Value)
		switch r.Op {
		case "equals", "prefix", "suffix", "contains":
		case "regex":
			re, err := regexp.Compile("(?i)" + r.Value)
			if err != nil {
				return fmt.Errorf("rule %d: %v", j, err)
			}
			r.re = re
		default:
			return fmt.Errorf("rule %d: unknown op %q", j, r.Op)
		}
	}
	return nil
}

// Match reports whether value satisfies the rule.
func (r *Rule) Match(value string) bool {
	if r.re != nil {
		return r.re.MatchString(value)
	}
	v := strings.ToLower(value)
	switch r.Op {
	case "equals":
		return v == r.lower
	case "prefix":
		return strings.HasPrefix(v, r.lower)
	case "suffix":
		return strings.HasSuffix(v, r.lower)
	case "contains":
		return strings.Contains(v, r.lower)
	}
	return false
}
