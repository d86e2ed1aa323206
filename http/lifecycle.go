package http

// Skeleton: the lifecycle routes of issue 5 are being written.

func (s *Server) registerLifecycleRoutes() {}

var lifecycleOps = []apiOp{}

var lifecycleParams = map[string]map[string]any{}
