package assess_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/assess"
	"github.com/cordonsec/cordon/sqlite"
)

// TestRunner_ExceptionControls records a verified segmentation control on
// an exposed pump: its score falls, the factors say which control of which
// exception, and the score rises back when the exception is revoked, or
// when a later one expires on the injected clock.
func TestRunner_ExceptionControls(t *testing.T) {
	ctx := context.Background()
	alice := cordon.NewContextWithUser(ctx, &cordon.User{Name: "alice", Role: cordon.RoleAnalyst})
	now := runNow
	clock := func() time.Time { return now }
	db := mustOpenDB(t)
	db.Now = clock
	intel := sqlite.NewIntelService(db)
	findings := sqlite.NewFindingService(db)
	devices := sqlite.NewDeviceService(db)
	models := sqlite.NewModelService(db)
	exceptions := sqlite.NewExceptionService(db)
	importIntel(t, intel)

	mac := func(s string) cordon.MAC { m, err := cordon.ParseMAC(s); must(t, err); return m }
	pump := &cordon.Device{MAC: mac("00:11:22:33:44:55"), IPs: []string{"10.1.20.5"}, Manufacturer: "Acme Medical", Model: "FlowMax 3",
		Category: cordon.CategoryInfusionPump, Medical: true, OS: cordon.OS{Name: "Windows 7", Version: "6.1.7601"},
		Software:  []cordon.Software{{CPE: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", Source: "os"}},
		FirstSeen: runNow.Add(-2 * time.Hour), LastSeen: runNow.Add(-time.Hour)}
	key := cordon.DeviceKey(pump)
	// One peer: nothing in traffic contradicts the segmentation.
	ingest(t, db, map[string]*cordon.Device{key: pump}, []cordon.Conversation{{Client: "ip:10.1.20.9", Server: key, Proto: "tcp", Port: 445,
		App: "smb", Hour: runNow.Add(-time.Hour).Truncate(time.Hour), Flows: 1, Packets: 2, Bytes: 100}})
	recs, _, err := devices.FindDevices(ctx, cordon.DeviceFilter{Keys: []string{key}})
	must(t, err)
	id := recs[0].ID

	r := &assess.Runner{Intel: intel, Devices: devices, Conversations: sqlite.NewConversationService(db), Findings: findings,
		Exceptions: exceptions, Models: models, Now: clock}
	score := func() cordon.Risk {
		t.Helper()
		must(t, r.Assess(ctx, []int64{id}))
		x, err := findings.FindExposure(ctx, id)
		must(t, err)
		return x.Risk
	}
	base := score()
	if base.Controls != 0 || factorNamed(base, "exception_control") {
		t.Fatalf("before any exception: %+v", base)
	}

	day := cordon.Day(now)
	e := &cordon.Exception{DeviceID: id, Reason: cordon.ExceptionNoValidatedPatch, RiskRef: "RR-12", Owner: "EBME",
		Expires: day.AddDate(0, 2, 0), Controls: []cordon.Control{
			{Kind: "segmented", Class: cordon.ControlImpact, Status: cordon.ControlVerified, Evidence: "FW rule 7", ReviewDate: day.AddDate(0, 1, 0)},
			{Kind: "no_email", Class: cordon.ControlLikelihood, Status: cordon.ControlPlanned, ReviewDate: day.AddDate(0, 1, 0)},
		}}
	must(t, exceptions.CreateException(alice, e))
	with := score()
	if with.Score >= base.Score {
		t.Fatalf("score with a verified segmentation %d, want below %d", with.Score, base.Score)
	}
	f := factor(with, "exception_control")
	if f == nil || f.Value != "segmented" || f.Part != "controls" || f.Weight != 0.3 ||
		!strings.Contains(f.Why, "exception "+strconv.FormatInt(e.ID, 10)) || !strings.Contains(f.Why, "verified") {
		t.Errorf("control factor %+v", f)
	}
	for _, f := range with.Factors {
		if f.Value == "no_email" {
			t.Errorf("a planned control counts: %+v", f)
		}
	}

	_, err = exceptions.RevokeException(alice, e.ID, "The pump was replaced by the ward's spare.")
	must(t, err)
	if got := score(); got.Score != base.Score || factorNamed(got, "exception_control") {
		t.Errorf("after revoke: %d (want %d) %+v", got.Score, base.Score, got.Factors)
	}

	// An exception of the pump's model covers it too; in place but not
	// verified, its air gap counts at 60%.
	m := &cordon.DeviceModel{Manufacturer: "Acme Medical", Model: "FlowMax 3", Version: "3.2"}
	must(t, models.CreateModel(alice, m))
	must(t, models.AssignDevices(alice, m.ID, []int64{id}))
	me := &cordon.Exception{ModelID: m.ID, Reason: cordon.ExceptionEndOfSupport, RiskRef: "RR-13", Owner: "EBME",
		Expires: day.AddDate(0, 0, 1), Controls: []cordon.Control{
			{Kind: "air_gapped", Class: cordon.ControlImpact, Status: cordon.ControlInPlace, ReviewDate: day.AddDate(0, 0, 1)},
		}}
	must(t, exceptions.CreateException(alice, me))
	got := score()
	if f := factor(got, "exception_control"); f == nil || f.Value != "air_gapped" || f.Weight != 0.24 || !strings.Contains(f.Why, "model") {
		t.Errorf("model exception factor %+v", f)
	}
	if got.Score >= base.Score {
		t.Errorf("with the model's exception %d, want below %d", got.Score, base.Score)
	}
	// Two days on, the model's exception has expired: the score is back.
	now = now.Add(48 * time.Hour)
	if got := score(); got.Score != base.Score || factorNamed(got, "exception_control") {
		t.Errorf("after expiry: %d (want %d) %+v", got.Score, base.Score, got.Factors)
	}
}

func factor(r cordon.Risk, name string) *cordon.RiskFactor {
	for i := range r.Factors {
		if r.Factors[i].Name == name {
			return &r.Factors[i]
		}
	}
	return nil
}
