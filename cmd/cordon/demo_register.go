package main

import (
	"context"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/simulate"
)

// recordDemoRegister fills the recorded fields of the simulated hospital's
// devices from the simulation's ground truth, as a trust's asset register
// would: site, ward, zone, the team that owns each device and, for medical
// devices, its clinical criticality. Owners are teams, never people.
func recordDemoRegister(ctx context.Context, devices cordon.DeviceService, truth *simulate.Truth) (int, error) {
	byKey := make(map[string]*simulate.TruthDevice, len(truth.Devices))
	for i := range truth.Devices {
		t := &truth.Devices[i]
		switch {
		case t.MAC != "" && !t.Routed:
			byKey["mac:"+strings.ToLower(t.MAC)] = t
		case len(t.IPs) > 0:
			byKey["ip:"+t.IPs[0]] = t
		}
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	n := 0
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 1000)]
		keys = keys[len(chunk):]
		recs, _, err := devices.FindDevices(ctx, cordon.DeviceFilter{Keys: chunk, Limit: len(chunk)})
		if err != nil {
			return n, err
		}
		for _, rec := range recs {
			t := byKey[rec.Key]
			r := rec.Recorded
			r.Site, r.Ward, r.Zone = t.Site, t.Ward, t.Zone
			r.Department, r.Owner = demoOwner(t)
			if t.Medical {
				r.Manufacturer, r.Model = t.Manufacturer, t.Model
				r.Criticality = demoCriticality(t)
			}
			if _, err := devices.UpdateRecorded(ctx, rec.ID, r); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// demoOwner names the department and team that answer for a device.
func demoOwner(t *simulate.TruthDevice) (department, owner string) {
	switch t.Category {
	case cordon.CategoryImagingModality:
		return "Radiology", "Radiology PACS team"
	case cordon.CategoryLabAnalyzer:
		return "Pathology", "Pathology IT"
	case cordon.CategoryInfusionPump, cordon.CategoryPatientMonitor, cordon.CategoryOtherMedical:
		return "Clinical Engineering", "EBME (medical equipment) team"
	case cordon.CategoryMedicalWorkstation, cordon.CategoryMedicalServer:
		return "Clinical Systems", "Clinical applications team"
	case cordon.CategoryNetwork:
		return "IT", "Network team"
	}
	return "IT", "IT service desk"
}

// demoCriticality grades a medical device as a clinical engineering team
// would: what keeps a patient alive, what watches them, what else.
func demoCriticality(t *simulate.TruthDevice) string {
	m := strings.ToLower(t.Manufacturer + " " + t.Model)
	for _, w := range []string{"evita", "servo", "hamilton", "5008", "lifepak", "perseus"} {
		if strings.Contains(m, w) {
			return cordon.CriticalityLifeSustaining
		}
	}
	switch t.Category {
	case cordon.CategoryInfusionPump, cordon.CategoryPatientMonitor:
		return cordon.CriticalityHigh
	case cordon.CategoryImagingModality, cordon.CategoryLabAnalyzer, cordon.CategoryMedicalServer:
		return cordon.CriticalityMedium
	}
	return cordon.CriticalityLow
}
