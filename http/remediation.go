package http

// Skeleton: the remediation routes of issue 5 are being written.

func (s *Server) registerRemediationRoutes() {}

var remediationOps = []apiOp{}

var remediationParams = map[string]map[string]any{}
