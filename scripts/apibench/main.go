// Command apibench measures the device-list API of a Cordon server on this
// machine. It has two steps, run by scripts/bench-server.sh:
//
//	apibench populate --data DIR [--devices 50000] [--batch 10000]
//	apibench load --url http://127.0.0.1:PORT [--requests 300] [--concurrency 1] [--timeout 2m]
//
// populate fills a data directory's register with synthetic devices, each a
// copy of a device that a real analysis of a simulated hospital found (so
// each carries realistic evidence), under a new MAC, address and host name,
// committed through the ingest service in a few large batches.
//
// load sends GET /api/v1/devices with a handful of queries (a plain page, a
// category filter, a text search, a sort, …) and prints the median, 90th
// and 99th percentile latency of each as a Markdown table. It reads the API
// token from $APIBENCH_TOKEN, so that the token does not show in the
// process list, and talks to the loopback interface only: it is a
// benchmark, not a load-testing tool for other people's servers.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "apibench:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: apibench populate|load [options] (-h for the options)")
	}
	switch args[0] {
	case "populate":
		return runPopulate(ctx, args[1:], stdout, stderr)
	case "load":
		return runLoad(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("unknown step %q: populate or load", args[0])
}
