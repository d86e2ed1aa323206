package http

import "testing"

// remediationAccess returns the access table's rows for the remediation routes.
func remediationAccess(t *testing.T, e *env) []accessCase { return nil }
