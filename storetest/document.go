package storetest

import "testing"

// Skeleton: the conformance tests of the document store are being written.
func testDocuments(t *testing.T, open func(tb testing.TB) *Store) {}
