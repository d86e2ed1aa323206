package assess

import (
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// TestRisk_ExceptionControlWeights checks the weighting documented in
// doc.go: by status and class, halved when traffic contradicts the
// control, the zone and a segmentation control counted once, and the
// controls part capped.
func TestRisk_ExceptionControlWeights(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	exp := cordon.Day(now).AddDate(0, 1, 0)
	ctl := func(kind, class, status string) cordon.Control {
		return cordon.Control{Kind: kind, Class: class, Status: status, ReviewDate: exp}
	}
	exc := func(cs ...cordon.Control) []*cordon.Exception {
		return []*cordon.Exception{{ID: 7, DeviceID: 1, Subject: "device pump-1", Expires: exp, Controls: cs}}
	}
	dev := &cordon.Device{Category: cordon.CategoryInfusionPump}
	weights := func(in riskInput) (map[string]float64, cordon.Risk) {
		in.device, in.now = dev, now
		if in.rec == nil {
			in.rec = &cordon.Recorded{}
		}
		r := risk(in)
		out := map[string]float64{}
		for _, f := range r.Factors {
			if f.Part == "controls" {
				out[f.Name+":"+f.Value] = f.Weight
			}
		}
		return out, r
	}
	for _, tc := range []struct {
		name string
		in   riskInput
		want map[string]float64
	}{
		{"Verified", riskInput{exceptions: exc(ctl("segmented", cordon.ControlImpact, cordon.ControlVerified))},
			map[string]float64{"exception_control:segmented": 0.3}},
		{"InPlace", riskInput{exceptions: exc(ctl("segmented", cordon.ControlImpact, cordon.ControlInPlace))},
			map[string]float64{"exception_control:segmented": 0.18}},
		{"Planned", riskInput{exceptions: exc(ctl("segmented", cordon.ControlImpact, cordon.ControlPlanned))},
			map[string]float64{}},
		{"OtherClass", riskInput{exceptions: exc(ctl("segmented", cordon.ControlLikelihood, cordon.ControlVerified))},
			map[string]float64{"exception_control:segmented": 0.22}},
		{"StrongestOfAKind", riskInput{exceptions: exc(ctl("no_email", cordon.ControlLikelihood, cordon.ControlInPlace),
			ctl("no_email", cordon.ControlLikelihood, cordon.ControlVerified))},
			map[string]float64{"exception_control:no_email": 0.1}},
		{"TrafficContradicts", riskInput{traffic: Traffic{Peers: 40, Subnets: 3},
			exceptions: exc(ctl("segmented", cordon.ControlImpact, cordon.ControlVerified))},
			map[string]float64{"exception_control:segmented": 0.15}},
		{"InternetContradicts", riskInput{traffic: Traffic{InternetPeers: 2, Internet: []string{"203.0.113.9"}},
			exceptions: exc(ctl("no_internet", cordon.ControlLikelihood, cordon.ControlVerified))},
			map[string]float64{"exception_control:no_internet": 0.08}},
		{"ZoneAndSegmentedOnce", riskInput{rec: &cordon.Recorded{Zone: "ICU-MED"},
			exceptions: exc(ctl("segmented", cordon.ControlImpact, cordon.ControlVerified))},
			map[string]float64{"exception_control:segmented": 0.3}},
		{"ZoneStronger", riskInput{rec: &cordon.Recorded{Zone: "ICU-MED"},
			exceptions: exc(ctl("segmented", cordon.ControlImpact, cordon.ControlInPlace))},
			map[string]float64{"zone:ICU-MED": 0.3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, r := weights(tc.in)
			if len(got) != len(tc.want) {
				t.Fatalf("controls %v, want %v", got, tc.want)
			}
			for k, w := range tc.want {
				if got[k] != w {
					t.Errorf("%s = %v, want %v (all %v)", k, got[k], w, got)
				}
			}
			for _, f := range r.Factors {
				if f.Name == "exception_control" && !strings.Contains(f.Why, "exception 7 for device pump-1") {
					t.Errorf("why does not name the exception: %q", f.Why)
				}
			}
		})
	}

	t.Run("Capped", func(t *testing.T) {
		var cs []cordon.Control
		for _, k := range []string{"air_gapped", "segmented", "allowed_flows_only", "monitored", "no_internet", "no_email", "backup"} {
			cs = append(cs, ctl(k, cordon.FindControlKind(k).Classes[0], cordon.ControlVerified))
		}
		_, r := weights(riskInput{exceptions: exc(cs...)})
		if r.Controls != maxControls || !strings.Contains(r.Summary, "the most controls may remove") {
			t.Errorf("controls %v, want the cap %v; %s", r.Controls, maxControls, r.Summary)
		}
	})
	t.Run("ExpiredOrRevoked", func(t *testing.T) {
		old := exc(ctl("segmented", cordon.ControlImpact, cordon.ControlVerified))
		old[0].Expires = cordon.Day(now).AddDate(0, 0, -1)
		revoked := exc(ctl("segmented", cordon.ControlImpact, cordon.ControlVerified))
		revoked[0].RevokedAt = now.Add(-time.Hour)
		for _, es := range [][]*cordon.Exception{old, revoked} {
			if got, _ := weights(riskInput{exceptions: es}); len(got) != 0 {
				t.Errorf("controls of an inactive exception count: %v", got)
			}
		}
	})
}
