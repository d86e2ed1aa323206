package http

import "testing"

// suppressionAccess returns the access table's rows for the suppression routes.
func suppressionAccess(t *testing.T, e *env) []accessCase { return nil }
