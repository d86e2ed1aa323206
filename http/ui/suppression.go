package ui

import "net/http"

// Skeleton: the suppression pages of issue 6 are being written.

func (h *Handler) registerSuppressionRoutes(mux *http.ServeMux) {}
