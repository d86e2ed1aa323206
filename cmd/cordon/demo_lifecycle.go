package main

import (
	"context"
	"io"

	"github.com/cordonsec/cordon/simulate"
)

// Skeleton: the demo's lifecycle records of issue 5 are being written.
func demoLifecycle(ctx context.Context, st *store, truth *simulate.Truth, stdout io.Writer) error {
	return nil
}
