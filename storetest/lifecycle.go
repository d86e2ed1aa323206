package storetest

import "testing"

// Skeleton: the conformance tests of the lifecycle store are being written.
func testLifecycles(t *testing.T, open func(tb testing.TB) *Store) {}
