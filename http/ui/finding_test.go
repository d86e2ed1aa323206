package ui

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func TestFindingStatusChange(t *testing.T) {
	tests := []struct {
		name string
		form url.Values
		want cordon.FindingStatus
	}{
		{"RiskAccepted", url.Values{"status": {"risk_accepted"}, "reason": {"  Scanner replaced in March; isolated until then.  "}, "expires": {"2027-03-31"},
			"controls": {"left over"}, "justification": {"component_not_present"}},
			cordon.FindingStatus{Status: "risk_accepted", Reason: "Scanner replaced in March; isolated until then.", Expires: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)}},
		{"Mitigated", url.Values{"status": {"mitigated"}, "controls": {"SMB blocked at the ward firewall\r\n\r\n  Modality VLAN 40 only  \n"}},
			cordon.FindingStatus{Status: "mitigated", Controls: []string{"SMB blocked at the ward firewall", "Modality VLAN 40 only"}}},
		{"NotAffected", url.Values{"status": {"not_affected"}, "justification": {"vulnerable_code_not_in_execute_path"}, "reason": {"SMBv1 disabled by the vendor image."}},
			cordon.FindingStatus{Status: "not_affected", Justification: "vulnerable_code_not_in_execute_path", Reason: "SMBv1 disabled by the vendor image."}},
		{"Fixed", url.Values{"status": {"fixed"}}, cordon.FindingStatus{Status: "fixed"}},
		{"Reopened", url.Values{"status": {"open"}, "expires": {"2027-01-01"}}, cordon.FindingStatus{Status: "open"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, w := newVulnEnv(t)
			r := e.post("analyst1", "/findings/1", tt.form)
			if r.status != http.StatusSeeOther || r.header.Get("Location") != "/findings/1?saved=1#status" {
				t.Fatalf("status %d location %q:\n%s", r.status, r.header.Get("Location"), r.body)
			}
			got := w.status(1)
			want := tt.want
			want.By, want.At = "analyst1", testNow
			if got.Status != want.Status || got.Reason != want.Reason || !got.Expires.Equal(want.Expires) || !slices.Equal(got.Controls, want.Controls) ||
				got.Justification != want.Justification || got.By != want.By {
				t.Errorf("stored %+v\nwant   %+v", got, want)
			}
			// The device's risk is recomputed, and only the device's.
			if a := w.assessCalls(); !slices.Equal(a, []string{formatInt(e.ids[keyCT])}) {
				t.Errorf("assessed %v", a)
			}
			page := e.get("viewer1", "/findings/1?saved=1").body
			if !strings.Contains(page, "The status was saved") || strings.Contains(page, "could not be recomputed") {
				t.Errorf("no confirmation")
			}
		})
	}
}

func TestFindingStatusValidation(t *testing.T) {
	e, w := newVulnEnv(t)
	tests := []struct {
		name    string
		form    url.Values
		field   string
		message string
	}{
		{"NoStatus", url.Values{}, "status", "Choose a status."},
		{"UnknownStatus", url.Values{"status": {"closed"}}, "status", "Choose a status."},
		{"AcceptNoReason", url.Values{"status": {"risk_accepted"}, "expires": {"2027-01-01"}}, "reason", "needs a reason"},
		{"AcceptNoExpiry", url.Values{"status": {"risk_accepted"}, "reason": {"Replaced soon."}}, "expires", "needs an expiry date"},
		{"AcceptBadDate", url.Values{"status": {"risk_accepted"}, "reason": {"Replaced soon."}, "expires": {"31/03/2027"}}, "expires", "is not a date like 2027-03-31"},
		{"AcceptPast", url.Values{"status": {"risk_accepted"}, "reason": {"Replaced soon."}, "expires": {"2026-11-02"}}, "expires", "must be after today"},
		{"MitigatedNoControls", url.Values{"status": {"mitigated"}, "controls": {"  \n \n"}}, "controls", "one per line"},
		{"MitigatedLongControl", url.Values{"status": {"mitigated"}, "controls": {strings.Repeat("x", 300)}}, "controls", "1 to 256 characters"},
		{"NotAffectedNoJustification", url.Values{"status": {"not_affected"}, "justification": {"trust_me"}}, "justification", "needs a justification"},
		{"LongReason", url.Values{"status": {"fixed"}, "reason": {strings.Repeat("r", 5000)}}, "reason", "longer than 4096"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.post("analyst1", "/findings/1", tt.form)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d", r.status)
			}
			if !strings.Contains(r.body, tt.message) || !strings.Contains(r.body, "Nothing was saved.") {
				t.Errorf("no message %q", tt.message)
			}
			if tt.field == "status" {
				if !strings.Contains(r.body, `<fieldset class="invalid">`) {
					t.Errorf("status group not marked")
				}
			} else if !regexp.MustCompile(`class="field( wide)? invalid">\s*<label for="s-` + tt.field + `"`).MatchString(r.body) {
				t.Errorf("field %s not marked", tt.field)
			}
		})
	}
	if st := w.status(1); st.Status != cordon.FindingOpen || st.By != "" {
		t.Errorf("an invalid form changed the status: %+v", st)
	}
	if a := w.assessCalls(); len(a) != 0 {
		t.Errorf("assessed after invalid forms: %v", a)
	}
	// What was typed comes back.
	r := e.post("analyst1", "/findings/1", url.Values{"status": {"risk_accepted"}, "reason": {"Typed but not saved"}, "expires": {"soon"}})
	if !strings.Contains(r.body, ">Typed but not saved</textarea>") || !strings.Contains(r.body, `value="soon"`) || !strings.Contains(r.body, `value="risk_accepted" checked`) {
		t.Errorf("typed values lost")
	}
}

// TestFindingStatusAssessFails: the status is saved even when the
// reassessment fails, and the page says the score lags.
func TestFindingStatusAssessFails(t *testing.T) {
	e, w := newVulnEnv(t)
	w.assessErr = errors.New("assess: database is locked")
	r := e.post("analyst1", "/findings/2", url.Values{"status": {"fixed"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/findings/2?saved=1&assess=failed#status" {
		t.Fatalf("status %d location %q", r.status, r.header.Get("Location"))
	}
	if w.status(2).Status != cordon.FindingFixed {
		t.Errorf("not saved")
	}
	if page := e.get("viewer1", "/findings/2?saved=1&assess=failed").body; !strings.Contains(page, "could not be recomputed now") {
		t.Errorf("failure not said")
	}
}

func TestParseFindingStatusDropsOtherFields(t *testing.T) {
	today := testNow.Truncate(24 * time.Hour)
	st, _, err := parseFindingStatus(url.Values{"status": {"fixed"}, "expires": {"2027-01-01"}, "controls": {"a"}, "justification": {"component_not_present"}}, today)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Expires.IsZero() || st.Controls != nil || st.Justification != "" {
		t.Errorf("kept fields of other statuses: %+v", st)
	}
}

func FuzzParseFindingStatus(f *testing.F) {
	f.Add("risk_accepted", "Replaced in March.", "2027-03-31", "", "")
	f.Add("mitigated", "", "", "SMB blocked\nVLAN 40", "")
	f.Add("not_affected", "", "", "", "component_not_present")
	f.Add("fixed", strings.Repeat("r", 4097), "", "", "")
	f.Add("risk_accepted", "x", "2027-02-30", "", "")
	f.Add("\x00", "\xff", "9999-99-99", "\n\n", "inline_mitigations_already_exist")
	today := testNow.Truncate(24 * time.Hour)
	f.Fuzz(func(t *testing.T, status, reason, expires, controls, justification string) {
		form := url.Values{"status": {status}, "reason": {reason}, "expires": {expires}, "controls": {controls}, "justification": {justification}}
		st, sf, err := parseFindingStatus(form, today)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID || sf.Field == "" {
				t.Fatalf("error %v with field %q", err, sf.Field)
			}
			return
		}
		// Whatever is accepted, the store accepts too.
		if err := st.Validate(); err != nil {
			t.Fatalf("accepted %+v that does not validate: %v", st, err)
		}
		if st.Status == cordon.FindingRiskAccepted && !st.Expires.After(today) {
			t.Fatalf("accepted an expiry of %v", st.Expires)
		}
	})
}
