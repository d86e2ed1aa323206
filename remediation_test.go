package cordon_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func TestRemediationTransition(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	fresh := func() *cordon.RemediationRecord {
		return &cordon.RemediationRecord{ID: 1, CVE: "CVE-2019-0708", ModelID: 2, State: cordon.RemediationFixPublished,
			Devices: []cordon.RemediationDevice{{DeviceID: 10, State: "pending"}, {DeviceID: 11, Name: "ct02", State: "pending"}}}
	}
	approve := cordon.RemediationTransition{State: cordon.RemediationApproved, ApprovedVersion: "KB4499175",
		Evidence: "https://example.nhs.uk/letters/siemens-2025-04.pdf", At: now.AddDate(0, 0, -5)}
	tests := []struct {
		name  string
		steps []cordon.RemediationTransition
		want  string // part of the error, "" for success
	}{
		{"AwaitThenApprove", []cordon.RemediationTransition{{State: "awaiting_validation", At: now.AddDate(0, -3, 0)}, approve}, ""},
		{"SkipToApplied", []cordon.RemediationTransition{{State: "applied"}}, "can move to awaiting_validation or not_applicable, not to applied"},
		{"SkipToApproved", []cordon.RemediationTransition{approve}, "not to approved"},
		{"UnknownState", []cordon.RemediationTransition{{State: "done"}}, `Unknown remediation state "done"`},
		{"ApproveWithoutVersion", []cordon.RemediationTransition{{State: "awaiting_validation"}, {State: "approved", Evidence: "https://x.example/"}}, "version or patch identifier"},
		{"ApproveWithoutEvidence", []cordon.RemediationTransition{{State: "awaiting_validation"}, {State: "approved", ApprovedVersion: "VA50"}}, "link to the manufacturer's evidence"},
		{"RejectWithoutReason", []cordon.RemediationTransition{{State: "awaiting_validation"}, {State: "rejected"}}, "needs the reason"},
		{"FutureDate", []cordon.RemediationTransition{{State: "awaiting_validation", At: now.Add(48 * time.Hour)}}, "in the future"},
		{"BeforePreviousStep", []cordon.RemediationTransition{{State: "awaiting_validation", At: now.AddDate(0, 0, -1)},
			{State: "rejected", Reason: "No.", At: now.AddDate(0, 0, -3)}}, "before the step it follows"},
		{"ScheduleWithoutDate", []cordon.RemediationTransition{{State: "awaiting_validation", At: now.AddDate(0, -3, 0)}, approve, {State: "scheduled"}}, "date of the deployment"},
		{"AppliedBeforeDevices", []cordon.RemediationTransition{{State: "awaiting_validation", At: now.AddDate(0, -3, 0)}, approve, {State: "applied"}}, "device #10 is pending"},
		{"RejectedAskAgain", []cordon.RemediationTransition{{State: "awaiting_validation"}, {State: "rejected", Reason: "Breaks the DICOM stack."}, {State: "awaiting_validation"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fresh()
			var err error
			for _, s := range tt.steps {
				before := r.State
				if err = r.Transition(s, now, "alice"); err != nil {
					if r.State != before {
						t.Errorf("a failed step changed the state to %s", r.State)
					}
					break
				}
			}
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.want != "" && (cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(cordon.ErrorMessage(err), tt.want)):
				t.Fatalf("err = %v, want EINVALID containing %q", err, tt.want)
			case tt.want == "" && len(r.Events) != len(tt.steps):
				t.Errorf("timeline has %d events, want %d", len(r.Events), len(tt.steps))
			}
		})
	}
}

func TestRemediationChangeDevices(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	r := &cordon.RemediationRecord{ID: 1, CVE: "CVE-2019-0708", ModelID: 2, State: cordon.RemediationFixPublished,
		Devices: []cordon.RemediationDevice{{DeviceID: 10, State: "pending"}, {DeviceID: 11, State: "pending"}}}
	applied := []cordon.RemediationDeviceChange{{DeviceID: 10, State: "applied"}}
	if err := r.ChangeDevices(applied, now, "bob"); cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(err.Error(), "approved") {
		t.Fatalf("applying before approval: %v", err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.Transition(cordon.RemediationTransition{State: "awaiting_validation", At: now.AddDate(0, -4, 0)}, now, "alice"))
	must(r.Transition(cordon.RemediationTransition{State: "approved", ApprovedVersion: "VA50A", Evidence: "https://example.org/e", At: now.AddDate(0, -1, 0)}, now, "alice"))
	for name, cs := range map[string][]cordon.RemediationDeviceChange{
		"NotOfModel":     {{DeviceID: 99, State: "applied"}},
		"Future":         {{DeviceID: 10, State: "applied", Date: now.AddDate(0, 0, 2)}},
		"BeforeApproval": {{DeviceID: 10, State: "applied", Date: now.AddDate(0, -2, 0)}},
		"NoScheduleDate": {{DeviceID: 10, State: "scheduled"}},
		"BadState":       {{DeviceID: 10, State: "done"}},
		"None":           nil,
	} {
		if err := r.ChangeDevices(cs, now, "bob"); cordon.ErrorCode(err) != cordon.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
	must(r.ChangeDevices([]cordon.RemediationDeviceChange{{DeviceID: 10, State: "applied", Date: now.AddDate(0, 0, -3)},
		{DeviceID: 11, State: "scheduled", Date: now.AddDate(0, 0, 7)}}, now, "bob"))
	if r.State != cordon.RemediationApproved || r.Devices[0].AppliedBy != "bob" || r.Devices[1].Scheduled.IsZero() {
		t.Fatalf("after a partial deployment: %+v", r)
	}
	must(r.ChangeDevices([]cordon.RemediationDeviceChange{{DeviceID: 11, State: "applied", Date: now.AddDate(0, 0, -1)}}, now, "bob"))
	if r.State != cordon.RemediationApplied || !r.Applied.Equal(now.AddDate(0, 0, -1)) {
		t.Errorf("the last device applied should apply the record on its date: %s %v", r.State, r.Applied)
	}
}

func TestNormalizeRemediationSubject(t *testing.T) {
	for in, want := range map[string]string{" cve-2019-0708 ": "CVE-2019-0708", "icsma-23-145-01": "ICSMA-23-145-01"} {
		if got, err := cordon.NormalizeRemediationSubject(in); err != nil || got != want {
			t.Errorf("%q = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "CVE-19-1", "x y", "CVE-2019-0708; DROP"} {
		if _, err := cordon.NormalizeRemediationSubject(bad); cordon.ErrorCode(err) != cordon.EINVALID {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzNormalizeRemediationSubject checks the ID parser never panics and
// that what it accepts is upper case, trimmed and accepted again unchanged.
func FuzzNormalizeRemediationSubject(f *testing.F) {
	for _, s := range []string{"CVE-2019-0708", "icsma-23-145-01", "", "CVE-", "\x00", "CVE-2019-07080000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := cordon.NormalizeRemediationSubject(s)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("error code %q", cordon.ErrorCode(err))
			}
			return
		}
		if id != strings.ToUpper(id) || strings.TrimSpace(id) != id || len(id) > 120 {
			t.Fatalf("accepted %q as %q", s, id)
		}
		if again, err := cordon.NormalizeRemediationSubject(id); err != nil || again != id {
			t.Fatalf("not idempotent: %q → %q, %v", id, again, err)
		}
	})
}
