package classify

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/classify/data"
)

// dicomRoot is a UID root under which an organisation registers its UIDs.
type dicomRoot struct {
	Root         string `json:"root"`
	Organization string `json:"organization"`
	Manufacturer string `json:"manufacturer"`
	Toolkit      string `json:"toolkit"`
	Source       string `json:"source"`
}

// sopClass is one SOP class of DICOM PS3.6 Annex A.
type sopClass struct {
	UID      string `json:"uid"`
	Name     string `json:"name"`
	Modality string `json:"modality"`
	Kind     string `json:"kind"`
}

type dicomTables struct {
	roots []dicomRoot // longest root first
	sop   map[string]sopClass
}

// decodeList reads a JSON file that is either an array or an object holding
// one array, so the data files may carry a top-level comment field.
func decodeList(name string, b []byte, v any) error {
	if err := json.Unmarshal(b, v); err == nil {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return fmt.Errorf("classify: %s: %w", name, err)
	}
	for _, raw := range obj {
		if len(raw) > 0 && raw[0] == '[' {
			if err := json.Unmarshal(raw, v); err != nil {
				return fmt.Errorf("classify: %s: %w", name, err)
			}
			return nil
		}
	}
	return fmt.Errorf("classify: %s: no list found", name)
}

func embeddedProfiles() ([]Profile, error) {
	b, err := data.FS.ReadFile("profiles.json")
	if err != nil {
		return nil, fmt.Errorf("classify: %w", err)
	}
	return ParseProfiles("profiles.json", b)
}

func loadDICOMTables() (dicomTables, error) {
	var t dicomTables
	b, err := data.FS.ReadFile("dicom_roots.json")
	if err != nil {
		return t, fmt.Errorf("classify: %w", err)
	}
	if err := decodeList("dicom_roots.json", b, &t.roots); err != nil {
		return t, err
	}
	sort.Slice(t.roots, func(i, j int) bool { return len(t.roots[i].Root) > len(t.roots[j].Root) })
	b, err = data.FS.ReadFile("dicom_sop.json")
	if err != nil {
		return t, fmt.Errorf("classify: %w", err)
	}
	var sops []sopClass
	if err := decodeList("dicom_sop.json", b, &sops); err != nil {
		return t, err
	}
	t.sop = make(map[string]sopClass, len(sops))
	for _, s := range sops {
		t.sop[s.UID] = s
	}
	return t, nil
}

// root finds the registered root of uid.
func (t *dicomTables) root(uid string) (dicomRoot, bool) {
	for _, r := range t.roots {
		if uid == r.Root || strings.HasPrefix(uid, r.Root+".") {
			return r, true
		}
	}
	return dicomRoot{}, false
}

// imaging is what a device's DICOM traffic says about it.
type imaging struct {
	manufacturer  string
	rootFacts     []string
	modality      string
	modalityFacts []string
	storageSCU    bool     // proposes storage of images: a modality or a PACS forwarding
	modalities    int      // distinct primary modalities among storage classes
	observed      []string // those modalities
	querySCU      bool     // queries/retrieves or asks for a worklist
	scp           bool     // accepts associations
	storageSCP    bool
}

// secondary modalities accompany a primary one (dose reports, screenshots,
// presentation states) and do not identify a device.
var secondary = map[string]bool{"OT": true, "SR": true, "PR": true, "KO": true, "SC": true, "": true}

func (t *dicomTables) analyse(d *cordon.Device) imaging {
	var im imaging
	for _, s := range d.Services {
		if s.App == "dicom" && s.Role == "server" {
			im.scp = true
		}
	}
	counts := map[string][]string{}
	for _, e := range d.Evidence {
		switch e.Fact {
		case "dicom.implementation_class_uid":
			if r, ok := t.root(e.Value); ok && r.Manufacturer != "" && r.Toolkit == "" {
				im.manufacturer = r.Manufacturer
				im.rootFacts = append(im.rootFacts, factString(e))
			}
		case "dicom.sop_class":
			s, ok := t.sop[e.Value]
			if !ok {
				continue
			}
			switch s.Kind {
			case "storage":
				if im.scp {
					im.storageSCP = true
				} else {
					im.storageSCU = true
				}
				if !secondary[s.Modality] {
					counts[s.Modality] = append(counts[s.Modality], factString(e))
				}
			case "query", "worklist", "retrieve":
				if !im.scp {
					im.querySCU = true
				}
			}
		}
	}
	im.modalities = len(counts)
	for m := range counts {
		im.observed = append(im.observed, m)
	}
	if !im.scp && len(counts) > 0 && len(counts) <= 2 {
		best := ""
		for m, f := range counts {
			if best == "" || len(f) > len(counts[best]) || (len(f) == len(counts[best]) && m < best) {
				best = m
			}
		}
		im.modality, im.modalityFacts = best, counts[best]
	}
	return im
}
