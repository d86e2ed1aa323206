package http

// Skeleton: the guidance routes of issue 6 are being written.

func (s *Server) registerGuidanceRoutes() {}

var guidanceOps = []apiOp{}

var guidanceParams = map[string]map[string]any{}
