package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/cordonsec/cordon/classify"
)

// runSensor captures from a live interface until interrupted: the same
// loop `cordon serve --interface` runs, without the web server, for a
// sensor box next to a SPAN port. It writes into a local register
// (--data), or, with --server, ships each batch to the central server
// through a spool on local disk (sensor_remote.go).
func runSensor(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("sensor", "--interface IFACE [--filter EXPR] [--flush 60s] [--data DIR | --server URL --token-file FILE [--spool DIR]]", stderr)
	data := dataFlag(fs)
	cfg := liveFlags(fs)
	profiles := fs.String("profiles", "", "JSON `file` of extra device profiles")
	var remote remoteConfig
	remote.flags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case cfg.iface == "":
		return &usageError{msg: "sensor needs --interface IFACE (see `ip link`)"}
	case fs.NArg() > 0:
		return &usageError{msg: fmt.Sprintf("sensor takes no arguments, not %q", fs.Arg(0))}
	case cfg.flush <= 0:
		return &usageError{msg: "--flush must be positive"}
	}
	if err := remote.check(fs); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	// Open the interface before anything else: a wrong name or a missing
	// privilege is reported before anything is created.
	h, err := cfg.open()
	if err != nil {
		return err
	}
	defer h.Close()
	stop := context.AfterFunc(ctx, func() { h.Close() })
	defer stop()
	if remote.server != "" {
		return runRemoteSensor(ctx, cfg, &remote, h, *profiles, stdout, logger)
	}
	st, err := openStore(*data, logger, *profiles)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "Capturing on %s into %s; writing every %s. Ctrl-C to stop.\n", cfg.iface, *data, cfg.flush)
	l := cfg.loop(st, h, logger)
	return finishSensor(cliContext(ctx), l, stdout)
}

// finishSensor runs l and says what it did.
func finishSensor(ctx context.Context, l *liveLoop, stdout io.Writer) error {
	sum, err := l.run(ctx)
	fmt.Fprintf(stdout, "%s: %d packets, %d bytes, %d dropped by the kernel; %d batches written, %d merged, %d failed\n",
		l.iface, sum.Packets, sum.Bytes, sum.Drops, sum.Batches, sum.Merged, sum.Failed)
	if err != nil {
		return err
	}
	if sum.Failed > 0 {
		return fmt.Errorf("%d batches could not be written", sum.Failed)
	}
	return nil
}

// newClassifier returns the classifier with the profiles of file added.
func newClassifier(file string) (*classify.Classifier, error) {
	var extra []classify.Profile
	if file != "" {
		var err error
		if extra, err = classify.LoadProfiles(file); err != nil {
			return nil, err
		}
	}
	return classify.New(extra)
}

// readToken reads an API token from a file (whitespace trimmed), or from
// $CORDON_TOKEN when file is "". The token is never printed.
func readToken(file string) (string, error) {
	if file == "" {
		if t := strings.TrimSpace(os.Getenv("CORDON_TOKEN")); t != "" {
			return t, nil
		}
		return "", &usageError{msg: "--server needs --token-file FILE (or $CORDON_TOKEN): a sensor-scoped token of an analyst (cordon token create --scope sensor)"}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("cannot read the token: %w", err)
	}
	t := strings.TrimSpace(string(b))
	if t == "" {
		return "", fmt.Errorf("%s holds no token", file)
	}
	return t, nil
}
