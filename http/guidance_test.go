package http

import "testing"

// guidanceAccess returns the access table's rows for the guidance routes.
func guidanceAccess(t *testing.T, e *env) []accessCase { return nil }
