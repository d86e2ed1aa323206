package ui

import "net/http"

// Skeleton: the policy pages of issue 6 are being written.

func (h *Handler) registerPolicyRoutes(mux *http.ServeMux) {}
