package http

import (
	"net/http"

	"github.com/cordonsec/cordon"
)

func (s *Server) registerAuditRoutes() {
	s.handle("GET /api/v1/audit", cordon.RoleViewer, s.handleAuditIndex)
}

func (s *Server) handleAuditIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "object", "actor", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f := cordon.AuditFilter{Object: q.Get("object"), Actor: q.Get("actor")}
	if f.Offset, f.Limit, err = page(q); err != nil {
		Error(w, r, err)
		return
	}
	entries, total, err := s.AuditService.FindAuditEntries(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	if entries == nil {
		entries = []*cordon.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, list("entries", entries, total, f.Offset, f.Limit))
}
