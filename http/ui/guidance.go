package ui

import "net/http"

// Skeleton: the guidance pages of issue 6 are being written.

func (h *Handler) registerGuidanceRoutes(mux *http.ServeMux) {}
