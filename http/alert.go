package http

// Skeleton: the alert routes of issue 5 are being written.

func (s *Server) registerAlertRoutes() {}

var alertOps = []apiOp{}

var alertParams = map[string]map[string]any{}
