package ui

import "net/http"

// Skeleton: the exception pages of issue 5 are being written.

func (h *Handler) registerExceptionRoutes(mux *http.ServeMux) {}
