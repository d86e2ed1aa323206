package ui

import "net/http"

// Skeleton: the lifecycle pages of issue 5 are being written.

func (h *Handler) registerLifecycleRoutes(mux *http.ServeMux) {}
