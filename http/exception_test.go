package http

import "testing"

// exceptionAccess returns the access table's rows for the exception routes.
func exceptionAccess(t *testing.T, e *env) []accessCase { return nil }
