package ui

import "net/http"

// Skeleton: the model pages of issue 5 are being written.

func (h *Handler) registerModelRoutes(mux *http.ServeMux) {}
