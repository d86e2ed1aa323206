package http

// Skeleton: the policy routes of issue 6 are being written.

func (s *Server) registerPolicyRoutes() {}

var policyOps = []apiOp{}

var policyParams = map[string]map[string]any{}
