package http

import (
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/guidance"
)

// registerGuidanceRoutes serves the guidance checks (steps 3 and 4) per
// device: the trust-wide table and one device's.
func (s *Server) registerGuidanceRoutes() {
	s.handle("GET /api/v1/guidance", cordon.RoleViewer, s.handleGuidanceIndex)
	s.handle("GET /api/v1/devices/{id}/guidance", cordon.RoleViewer, s.handleDeviceGuidance)
}

// guidance returns the checks over the server's services. Conversations
// are required: the checks are about traffic.
func (s *Server) guidance() (*guidance.Service, error) {
	if s.DeviceService == nil || s.ConversationService == nil {
		return nil, errors.New("http: guidance needs the device and conversation services")
	}
	return &guidance.Service{Devices: s.DeviceService, Conversations: s.ConversationService,
		Exceptions: s.ExceptionService, Models: s.ModelService, Options: s.Guidance, Now: s.timeNow}, nil
}

// guidanceFilter reads the query of GET /guidance, naming the parameter at
// fault in any error.
func guidanceFilter(q url.Values) (guidance.Filter, error) {
	f := guidance.Filter{Site: q.Get("site"), Category: q.Get("category"), State: q.Get("state"), Check: q.Get("check")}
	var err error
	if f.Offset, f.Limit, err = page(q); err != nil {
		return f, err
	}
	if err := oneOf("format", q.Get("format"), []string{"json", "csv"}); err != nil {
		return f, err
	}
	return f, f.Validate()
}

func (s *Server) handleGuidanceIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "site", "category", "state", "check", "format", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f, err := guidanceFilter(q)
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.guidance()
	if err != nil {
		Error(w, r, err)
		return
	}
	csvOut := q.Get("format") == "csv"
	if csvOut {
		f.Offset, f.Limit = 0, 0 // every device that matches
	}
	reps, total, err := svc.Table(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	if csvOut {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="guidance.csv"`)
		cw := csv.NewWriter(w)
		cw.Write(guidance.CSVHeader())
		for i := range reps {
			cw.Write(guidance.CSVRow(&reps[i]))
		}
		cw.Flush()
		return
	}
	writeJSON(w, http.StatusOK, guidanceList{Devices: reps, Checks: guidance.Checks,
		pageInfo: pageInfo{Total: total, Offset: f.Offset, Limit: f.Limit}})
}

func (s *Server) handleDeviceGuidance(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "device")
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.guidance()
	if err != nil {
		Error(w, r, err)
		return
	}
	rep, err := svc.Device(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// guidanceList is the table's envelope: a page of devices' checks and the
// checks' descriptions, for column headings.
type guidanceList struct {
	Devices []guidance.DeviceReport `json:"devices"`
	Checks  []guidance.CheckInfo    `json:"checks"`
	pageInfo
}

var guidanceOps = []apiOp{
	{"GET /api/v1/guidance", "The guidance checks of steps 3 and 4 for every device, medical devices first: no email, no web browsing, no external file shares, no inbound remote access, removable media blocked, segmented, no internet; each pass, fail or unknown with its window (30 days of traffic) and evidence. ?format=csv gives every device that matches, one column per check.",
		cordon.RoleViewer, []string{"site", "category", "state:guidance", "check:guidance", "format:guidance", "offset", "limit"}, nil, 200, guidanceList{}},
	{"GET /api/v1/devices/{id}/guidance", "One device's guidance checks, each with its state, window and evidence.", cordon.RoleViewer, nil, nil, 200, guidance.DeviceReport{}},
}

var guidanceParams = map[string]map[string]any{
	"state:guidance":  {"description": "Only devices with a check in this state (the check's, with check; any check's without).", "schema": map[string]any{"type": "string", "enum": guidance.States}},
	"check:guidance":  {"description": "The check the state filter applies to; needs state.", "schema": map[string]any{"type": "string", "enum": guidanceCheckIDs()}},
	"format:guidance": {"description": "json (a page) or csv (every device that matches).", "schema": map[string]any{"type": "string", "enum": []string{"json", "csv"}, "default": "json"}},
}

func guidanceCheckIDs() []string {
	ids := make([]string, len(guidance.Checks))
	for i, c := range guidance.Checks {
		ids[i] = c.ID
	}
	return ids
}
