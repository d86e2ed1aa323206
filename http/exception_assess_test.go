package http

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/cordonsec/cordon"
)

// recordingAssessor records which devices the server asks to re-assess.
type recordingAssessor struct {
	mu    sync.Mutex
	calls [][]int64
}

func (a *recordingAssessor) Assess(_ context.Context, ids []int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, slices.Clone(ids))
	return nil
}

func (a *recordingAssessor) take() [][]int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.calls
	a.calls = nil
	return c
}

// TestException_Reassess checks that creating, updating and revoking an
// exception re-assesses the devices it covers, since its controls count in
// their risk: the device, or every device of the model; and that a
// refused change re-assesses nothing.
func TestException_Reassess(t *testing.T) {
	rec := &recordingAssessor{}
	e := MustOpenEnv(t, func(s *Server) { s.Assessor = rec })
	ctx := cordon.NewContextWithUser(context.Background(), e.users[cordon.RoleAnalyst])

	id := e.createException(exceptionJSON(e.device))
	if got := rec.take(); len(got) != 1 || !slices.Equal(got[0], []int64{e.device}) {
		t.Errorf("after create: %v, want [[%d]]", got, e.device)
	}
	resp := e.do(e.bearer(cordon.RoleAnalyst), jsonReq("PUT", fmt.Sprint("/api/v1/exceptions/", id), exceptionJSON(e.device)))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("update: %d", resp.StatusCode)
	}
	if got := rec.take(); len(got) != 1 || !slices.Equal(got[0], []int64{e.device}) {
		t.Errorf("after update: %v", got)
	}
	resp = e.do(e.bearer(cordon.RoleAnalyst), jsonReq("POST", fmt.Sprint("/api/v1/exceptions/", id, "/revoke"), `{"reason": "replaced"}`))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
	if got := rec.take(); len(got) != 1 || !slices.Equal(got[0], []int64{e.device}) {
		t.Errorf("after revoke: %v", got)
	}
	// Revoked twice: refused, nothing re-assessed.
	resp = e.do(e.bearer(cordon.RoleAnalyst), jsonReq("POST", fmt.Sprint("/api/v1/exceptions/", id, "/revoke"), `{"reason": "again"}`))
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict || len(rec.take()) != 0 {
		t.Errorf("second revoke: %d", resp.StatusCode)
	}

	// A model's exception re-assesses the model's devices.
	m := &cordon.DeviceModel{Manufacturer: "Siemens Healthineers", Model: "SOMATOM go.Up", Version: "VA40"}
	if err := e.s.ModelService.CreateModel(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := e.s.ModelService.AssignDevices(ctx, m.ID, []int64{e.device}); err != nil {
		t.Fatal(err)
	}
	rec.take()
	e.createException(fmt.Sprintf(`{"model_id": %d, "reason": "end_of_support", "risk_ref": "RR-8", "owner": "EBME",
		"expires": "2026-09-30", "controls": [{"kind": "segmented", "status": "verified", "review_date": "2026-06-01"}]}`, m.ID))
	if got := rec.take(); len(got) != 1 || !slices.Equal(got[0], []int64{e.device}) {
		t.Errorf("after a model's exception: %v, want [[%d]]", got, e.device)
	}
}
