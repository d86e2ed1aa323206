package http

// Skeleton: the suppression routes of issue 6 are being written.

func (s *Server) registerSuppressionRoutes() {}

var suppressionOps = []apiOp{}

var suppressionParams = map[string]map[string]any{}
