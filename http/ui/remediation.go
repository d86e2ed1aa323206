package ui

import "net/http"

// Skeleton: the remediation pages of issue 5 are being written.

func (h *Handler) registerRemediationRoutes(mux *http.ServeMux) {}
