package http

import "testing"

// policyAccess returns the access table's rows for the policy routes.
func policyAccess(t *testing.T, e *env) []accessCase { return nil }
