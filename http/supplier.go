package http

// Skeleton: the supplier routes of issue 5 are being written.

func (s *Server) registerSupplierRoutes() {}

var supplierOps = []apiOp{}

var supplierParams = map[string]map[string]any{}
