package cordon_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func control(kind, class, status string) cordon.Control {
	return cordon.Control{Kind: kind, Class: class, Status: status, ReviewDate: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func TestCheckPlan(t *testing.T) {
	seg := control("segmented", cordon.ControlImpact, cordon.ControlInPlace)
	mail := control("no_email", cordon.ControlLikelihood, cordon.ControlVerified)
	usb := control("no_removable_media", cordon.ControlLikelihood, cordon.ControlPlanned)
	mon := control("monitored", cordon.ControlImpact, cordon.ControlPlanned)
	tests := []struct {
		name     string
		controls []cordon.Control
		complete bool
		problem  string
	}{
		{"Complete", []cordon.Control{seg, mail}, true, ""},
		{"None", nil, false, "No compensating control"},
		{"LikelihoodOnly", []cordon.Control{mail, usb}, false, "impact"},
		{"ImpactOnly", []cordon.Control{seg, mon}, false, "likelihood"},
		{"AllPlanned", []cordon.Control{usb, mon}, false, "in place"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := cordon.CheckPlan(tt.controls)
			if p.Complete != tt.complete {
				t.Errorf("complete = %v, want %v (%v)", p.Complete, tt.complete, p.Problems)
			}
			if tt.problem != "" && !strings.Contains(strings.Join(p.Problems, " "), tt.problem) {
				t.Errorf("problems %v lack %q", p.Problems, tt.problem)
			}
			if tt.complete && len(p.Problems) != 0 {
				t.Errorf("problems of a complete plan: %v", p.Problems)
			}
		})
	}
}

func TestExceptionState(t *testing.T) {
	e := &cordon.Exception{Expires: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}
	for _, tt := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), cordon.ExceptionActive},
		{time.Date(2026, 3, 31, 23, 59, 59, 0, time.UTC), cordon.ExceptionActive},
		{time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), cordon.ExceptionExpired},
	} {
		if got := e.StateAt(tt.now); got != tt.want {
			t.Errorf("StateAt(%s) = %s, want %s", tt.now, got, tt.want)
		}
	}
	e.RevokedAt = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	if got := e.StateAt(time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)); got != cordon.ExceptionRevoked {
		t.Errorf("revoked: %s", got)
	}
}

func TestExceptionDerive(t *testing.T) {
	e := &cordon.Exception{Expires: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC),
		Controls: []cordon.Control{control("segmented", cordon.ControlImpact, cordon.ControlInPlace)}}
	e.Controls[0].ReviewDate = time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC)
	e.Derive(time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)) // review in 31 days
	if e.DueForReview || !e.ReviewDue.Equal(e.Controls[0].ReviewDate) || e.Plan.Complete {
		t.Errorf("31 days ahead: due %v at %s, plan %+v", e.DueForReview, e.ReviewDue, e.Plan)
	}
	e.Derive(time.Date(2026, 3, 11, 8, 0, 0, 0, time.UTC)) // 30 days
	if !e.DueForReview {
		t.Error("30 days ahead: not due")
	}
}

func TestControlValidate(t *testing.T) {
	ok := control("segmented", cordon.ControlLikelihood, cordon.ControlPlanned) // segmentation does both
	if err := ok.Validate(1); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]cordon.Control{
		"UnknownKind":   control("firewall_magic", cordon.ControlImpact, cordon.ControlPlanned),
		"WrongClass":    control("no_removable_media", cordon.ControlImpact, cordon.ControlPlanned),
		"UnknownStatus": control("monitored", cordon.ControlImpact, "maybe"),
		"ReviewTime":    {Kind: "monitored", Class: cordon.ControlImpact, Status: cordon.ControlPlanned, ReviewDate: time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)},
	} {
		err := c.Validate(2)
		if cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(cordon.ErrorMessage(err), "Control 2") {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, k := range cordon.ControlKinds {
		if len(k.Classes) == 0 || k.Label == "" {
			t.Errorf("kind %s has no class or label", k.Kind)
		}
	}
}

func TestParseCVEList(t *testing.T) {
	got, err := cordon.ParseCVEList(" cve-2019-0708, CVE-2017-0144\nCVE-2019-0708;")
	if err != nil || !slices.Equal(got, []string{"CVE-2019-0708", "CVE-2017-0144"}) {
		t.Errorf("got %v, %v", got, err)
	}
	if got, err := cordon.ParseCVEList(""); err != nil || len(got) != 0 || got == nil {
		t.Errorf("empty: %#v, %v", got, err)
	}
	if _, err := cordon.ParseCVEList("CVE-2019-0708, MS17-010"); !strings.Contains(cordon.ErrorMessage(err), "MS17-010") {
		t.Errorf("bad ID: %v", err)
	}
}

func FuzzParseCVEList(f *testing.F) {
	f.Add("CVE-2019-0708, cve-2017-0144")
	f.Add("CVE-2019-07")
	f.Add("\u00a0CVE-2020-0601;;\n")
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := cordon.ParseCVEList(s)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("error code of %v", err)
			}
			return
		}
		e := &cordon.Exception{DeviceID: 1, Reason: cordon.ExceptionEndOfSupport, RiskRef: "R", Owner: "O",
			Expires: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), CVEs: ids}
		if err := e.Validate(); err != nil {
			t.Fatalf("parsed %q to %v, which Validate refuses: %v", s, ids, err)
		}
	})
}
