package main

import (
	"context"
	"errors"
	"io"
)

// Skeleton: "cordon alerts" of issue 5 is being written.
func runAlerts(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("alerts: not built yet")
}
