package ui

import "net/http"

// Skeleton: the alert pages of issue 5 are being written.

func (h *Handler) registerAlertRoutes(mux *http.ServeMux) {}
