package storetest

import "testing"

// Skeleton: the conformance tests of the exception store are being written.
func testExceptions(t *testing.T, open func(tb testing.TB) *Store) {}
