package storetest

import "testing"

// Skeleton: the conformance tests of the remediation store are being written.
func testRemediations(t *testing.T, open func(tb testing.TB) *Store) {}
