package policy

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// TestStoreRoundTripAndChecker converts a suggestion to the store's types
// and back, approves one rule, and checks flow violations against it.
func TestStoreRoundTripAndChecker(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	devs := []Device{
		{Key: "mac:ct", IPs: []string{"10.1.2.3"}, Category: cordon.CategoryImagingModality},
		{Key: "mac:pacs", IPs: []string{"10.1.10.5"}, Category: cordon.CategoryMedicalServer},
	}
	hour := now.Add(-2 * time.Hour)
	dicom := cordon.Conversation{Client: "mac:ct", Server: "mac:pacs", Proto: "tcp", Port: 104, App: "dicom", Hour: hour, Flows: 5}
	smb := cordon.Conversation{Client: "mac:ct", Server: "mac:pacs", Proto: "tcp", Port: 445, App: "smb", Hour: hour, Flows: 1}
	mail := cordon.Conversation{Client: "mac:ct", Server: "ip:198.51.100.25", Proto: "tcp", Port: 25, App: "smtp", Hour: hour, Flows: 1}
	p, err := Suggest(devs, []cordon.Conversation{dicom, mail}, Options{Now: now, Baselines: true})
	if err != nil {
		t.Fatal(err)
	}
	l, err := ToStore(p, nil, 7, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Rules) != 1 || len(l.Review) != 1 || !l.Review[0].Forbidden || len(l.Baselines) == 0 {
		t.Fatalf("stored = %d rules, %d review, %d baselines", len(l.Rules), len(l.Review), len(l.Baselines))
	}
	l.Learning.LearnedAt = now
	// Nothing approved: every in-scope flow violates.
	back, err := FromStore(l.Learning, l.Rules)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Zones) != len(p.Zones) || back.Rules[0].State != StateSuggested {
		t.Fatalf("round trip = %+v", back)
	}
	ct, pacs, mta := netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("10.1.10.5"), netip.MustParseAddr("198.51.100.25")
	if NewEnforcer(back, true).Holds() != 0 {
		t.Error("a suggested rule held a device to the policy")
	}
	if _, _, bad := NewEnforcer(back, false).Forbids(ct, pacs, "tcp", 104, hour); bad {
		t.Error("a policy file's rule did not allow its own traffic")
	}
	l.Rules[0].ID, l.Rules[0].State, l.Rules[0].Justification = 7, cordon.PolicyRuleApproved, "studies to PACS"
	exp := now.Add(time.Hour)
	l.Rules[0].Expires = &exp
	back, err = FromStore(l.Learning, l.Rules)
	if err != nil {
		t.Fatal(err)
	}
	k := NewEnforcer(back, true)
	_, _, dicomBad := k.Forbids(ct, pacs, "tcp", 104, now)
	smbRule, onServer, smbBad := k.Forbids(ct, pacs, "tcp", 445, now)
	_, _, mailBad := k.Forbids(ct, mta, "tcp", 25, now)
	if dicomBad || !smbBad || !mailBad {
		t.Errorf("violations: dicom %v smb %v mail %v", dicomBad, smbBad, mailBad)
	}
	if onServer || !strings.Contains(smbRule, " → ") {
		t.Errorf("smb violation = %q on server %v, want the CT's, named by zones", smbRule, onServer)
	}
	if _, _, bad := k.Forbids(ct, pacs, "tcp", 104, exp); !bad {
		t.Error("an expired rule still allowed traffic")
	}
	// The same verdicts as the simulator's over the conversations.
	rep := Simulate(back, slices.Values([]cordon.Conversation{dicom, smb, mail}), SimOptions{Devices: devs, Now: now, ApprovedOnly: true})
	if rep.Blocked != smb.Flows+mail.Flows {
		t.Errorf("simulation blocked %d flows, want %d", rep.Blocked, smb.Flows+mail.Flows)
	}
	if back.Rules[0].ID != "r7" || back.Rules[0].Justification != "studies to PACS" {
		t.Errorf("approved rule = %+v", back.Rules[0])
	}
}
