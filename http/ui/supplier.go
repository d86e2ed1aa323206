package ui

import "net/http"

// Skeleton: the supplier pages of issue 5 are being written.

func (h *Handler) registerSupplierRoutes(mux *http.ServeMux) {}
