package storetest

import "testing"

// Skeleton: the conformance tests of the alert store are being written.
func testAlerts(t *testing.T, open func(tb testing.TB) *Store) {}
