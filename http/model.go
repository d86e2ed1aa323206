package http

// Skeleton: the model routes of issue 5 are being written.

func (s *Server) registerModelRoutes() {}

var modelOps = []apiOp{}

var modelParams = map[string]map[string]any{}
