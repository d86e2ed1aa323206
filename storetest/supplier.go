package storetest

import "testing"

// Skeleton: the conformance tests of the supplier store are being written.
func testSuppliers(t *testing.T, open func(tb testing.TB) *Store) {}
