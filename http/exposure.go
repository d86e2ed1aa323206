package http

import (
	"net/http"
	"strconv"

	"github.com/cordonsec/cordon"
)

func (s *Server) registerExposureRoutes() {
	s.handle("GET /api/v1/worklist", cordon.RoleViewer, s.handleWorklist)
	s.handle("GET /api/v1/devices/{id}/exposure", cordon.RoleViewer, s.handleDeviceExposure)
	s.handle("GET /api/v1/exposure/summary", cordon.RoleViewer, s.handleExposureSummary)
}

// handleWorklist lists device exposures highest risk first: the order in
// which to work through the register.
func (s *Server) handleWorklist(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "site", "category", "medical", "unsupported", "kev", "min_score", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f := cordon.ExposureFilter{Site: q.Get("site"), Category: q.Get("category")}
	if f.Offset, f.Limit, err = page(q); err != nil {
		Error(w, r, err)
		return
	}
	if err := oneOf("category", f.Category, cordon.Categories); err != nil {
		Error(w, r, err)
		return
	}
	for _, b := range []struct {
		name string
		p    **bool
	}{{"medical", &f.Medical}, {"unsupported", &f.Unsupported}, {"kev", &f.KEV}} {
		if *b.p, err = boolParam(q, b.name); err != nil {
			Error(w, r, err)
			return
		}
	}
	if v := q.Get("min_score"); v != "" {
		if f.MinScore, err = strconv.Atoi(v); err != nil || f.MinScore < 0 || f.MinScore > 100 {
			Error(w, r, cordon.Errorf(cordon.EINVALID, "min_score must be a whole number from 0 to 100, not %q.", v))
			return
		}
	}
	svc, err := s.findings()
	if err != nil {
		Error(w, r, err)
		return
	}
	exps, total, err := svc.FindExposures(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	if exps == nil {
		exps = []*cordon.Exposure{}
	}
	writeJSON(w, http.StatusOK, list("exposures", exps, total, f.Offset, f.Limit))
}

func (s *Server) handleDeviceExposure(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "device")
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.findings()
	if err != nil {
		Error(w, r, err)
		return
	}
	e, err := svc.FindExposure(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) handleExposureSummary(w http.ResponseWriter, r *http.Request) {
	svc, err := s.findings()
	if err != nil {
		Error(w, r, err)
		return
	}
	sum, err := svc.ExposureSummary(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sum)
}
