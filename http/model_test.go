package http

import "testing"

// modelAccess returns the access table's rows for the model routes.
func modelAccess(t *testing.T, e *env) []accessCase { return nil }
