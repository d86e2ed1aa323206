package simulate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
)

// Score compares what an analysis found with the ground truth.
type Score struct {
	Devices  int            `json:"devices"` // devices in the truth
	Found    int            `json:"found"`   // truth devices the analysis has a device for
	Correct  int            `json:"correct"` // found with every checked field right
	Extra    int            `json:"extra"`   // analysed devices not in the truth
	ByField  map[string]int `json:"wrong_by_field"`
	Mistakes []Mistake      `json:"mistakes"`
}

// Mistake is one truth device the analysis got wrong.
type Mistake struct {
	Key    string   `json:"key"` // MAC, or IP for a routed device
	Family string   `json:"family"`
	Fields []string `json:"fields"` // "category: want infusion_pump, got unknown"
}

// Accuracy is Correct/Devices.
func (s *Score) Accuracy() float64 {
	if s.Devices == 0 {
		return 0
	}
	return float64(s.Correct) / float64(s.Devices)
}

// Compare scores devices against the truth on the fields the truth records:
// category, manufacturer, OS name (where the traffic shows one), modality,
// AE titles and HL7 applications.
func Compare(t *Truth, devices []*cordon.Device) *Score {
	byMAC := map[string]*cordon.Device{}
	byIP := map[string]*cordon.Device{}
	for _, d := range devices {
		if !d.MAC.IsZero() {
			byMAC[d.MAC.String()] = d
		}
		for _, ip := range d.IPs {
			if d.MAC.IsZero() || byIP[ip] == nil {
				byIP[ip] = d
			}
		}
	}
	s := &Score{Devices: len(t.Devices), ByField: map[string]int{}}
	matched := map[*cordon.Device]bool{}
	for _, td := range t.Devices {
		key := td.MAC
		d := byMAC[strings.ToLower(td.MAC)]
		if td.MAC == "" {
			for _, ip := range td.IPs {
				if d = byIP[ip]; d != nil {
					key = ip
					break
				}
			}
		}
		if d == nil {
			s.Mistakes = append(s.Mistakes, Mistake{Key: key, Family: td.Family, Fields: []string{"not found"}})
			s.ByField["not_found"]++
			continue
		}
		s.Found++
		matched[d] = true
		var wrong []string
		check := func(field, want, got string) {
			if want != got {
				wrong = append(wrong, fmt.Sprintf("%s: want %q, got %q", field, want, got))
				s.ByField[field]++
			}
		}
		check("category", td.Category, d.Category)
		check("manufacturer", td.Manufacturer, d.Manufacturer)
		check("modality", td.Modality, d.Modality)
		if td.OS.Name != "" {
			check("os", td.OS.Name, d.OS.Name)
		}
		var aes, apps []string
		if d.DICOM != nil {
			aes = d.DICOM.AETitles
		}
		if d.HL7 != nil {
			apps = d.HL7.Applications
		}
		for _, ae := range td.AETitles {
			if !slices.Contains(aes, ae) {
				check("ae_titles", ae, strings.Join(aes, ","))
			}
		}
		for _, app := range td.HL7Applications {
			if !slices.Contains(apps, app) {
				check("hl7_applications", app, strings.Join(apps, ","))
			}
		}
		if len(wrong) == 0 {
			s.Correct++
		} else {
			s.Mistakes = append(s.Mistakes, Mistake{Key: key, Family: td.Family, Fields: wrong})
		}
	}
	s.Extra = len(devices) - len(matched)
	return s
}
