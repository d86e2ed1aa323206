package http

// Skeleton: the exception routes of issue 5 are being written.

func (s *Server) registerExceptionRoutes() {}

var exceptionOps = []apiOp{}

var exceptionParams = map[string]map[string]any{}
