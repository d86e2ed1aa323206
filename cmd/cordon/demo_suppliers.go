package main

import (
	"context"
	"io"

	"github.com/cordonsec/cordon/simulate"
)

// Skeleton: the demo's suppliers records of issue 5 are being written.
func demoSuppliers(ctx context.Context, st *store, truth *simulate.Truth, stdout io.Writer) error {
	return nil
}
