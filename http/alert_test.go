package http

import "testing"

// alertAccess returns the access table's rows for the alert routes.
func alertAccess(t *testing.T, e *env) []accessCase { return nil }
