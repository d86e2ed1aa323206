package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
	"github.com/cordonsec/cordon/simulate"
)

// demoUser is the account the demo makes; its password is new each run.
const demoUser = "demo"

// runDemo starts the server over a simulated hospital: the quickest way to
// see Cordon without a capture of one's own. The data lives in a temporary
// directory unless --data names one.
func runDemo(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "[--addr 127.0.0.1:8080] [--devices N] [--seed N] [--data DIR]", stderr)
	addr := fs.String("addr", envOr("CORDON_ADDR", "127.0.0.1:8080"), "`address` to listen on")
	devices := fs.Int("devices", 450, "`number` of simulated devices")
	seed := fs.Uint64("seed", 1, "random `seed` of the simulated hospital")
	data := fs.String("data", "", "keep the demo's data in this `directory` (default: a temporary one, removed at exit)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *devices < 1 || *devices > 100_000 {
		return &usageError{msg: fmt.Sprintf("--devices %d is out of range (1 to 100000)", *devices)}
	}
	dir := *data
	if dir == "" {
		tmp, err := os.MkdirTemp("", "cordon-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	password, err := prepareDemo(cliContext(ctx), dir, *devices, *seed, logger, stdout)
	if err != nil {
		return err
	}
	cfg := serveConfig{data: dir, addr: *addr}
	return serve(ctx, cfg, logger, func(url string, _ *store) error {
		_, err := fmt.Fprintf(stdout, "\nCordon demo: open %s\n  user:     %s\n  password: %s\nPress Ctrl-C to stop.\n", url, demoUser, password)
		return err
	})
}

// prepareDemo fills dir with a simulated hospital's capture, ingested, and
// an admin account, returning its password.
func prepareDemo(ctx context.Context, dir string, devices int, seed uint64, logger *slog.Logger, stdout io.Writer) (string, error) {
	st, err := openStore(dir, logger, "")
	if err != nil {
		return "", err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "Simulating a hospital network of %d devices (seed %d)…\n", devices, seed)
	pcap := filepath.Join(dir, "simulated-hospital.pcap")
	var truth *simulate.Truth
	err = writeAtomic(pcap, func(w io.Writer) (err error) {
		truth, err = simulate.Generate(simulate.Config{Seed: seed, Devices: devices}, w)
		return err
	})
	if err != nil {
		return "", err
	}
	c, _, err := ingestFile(ctx, st, pcap)
	if err != nil {
		return "", err
	}
	os.Remove(pcap) // the register keeps its own copy under captures/
	fmt.Fprintf(stdout, "Ingested %s: %d devices from %d packets.\n", c.Name, c.Stats.Devices, c.Stats.Packets)
	n, err := recordDemoRegister(ctx, st.devices, truth)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(stdout, "Recorded site, ward, owner and criticality of %d devices, as an asset register would.\n", n)
	if n, err = importDemoIntel(ctx, st); err != nil {
		return "", err
	}
	if err := st.assessor.Assess(ctx, nil); err != nil {
		return "", err
	}
	sum, err := st.findings.ExposureSummary(ctx)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(stdout, "Imported %d files of real vulnerability and lifecycle records: %d devices exposed, %d with known exploited vulnerabilities, %d unsupported.\n",
		n, sum.Exposed, sum.KEVDevices, sum.Unsupported)
	if err := seedDemoGovernance(ctx, st, truth, stdout); err != nil {
		return "", err
	}

	// Letters and digits only, so that it is easy to copy from a terminal.
	password := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' {
			return -1
		}
		return r
	}, auth.NewSecret())[:20]
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", err
	}
	u, err := st.users.FindUserByName(ctx, demoUser)
	switch {
	case cordon.ErrorCode(err) == cordon.ENOTFOUND:
		err = st.users.CreateUser(ctx, &cordon.User{Name: demoUser, Role: cordon.RoleAdmin, PasswordHash: hash})
	case err == nil:
		u.PasswordHash = hash
		err = st.users.UpdateUser(ctx, u)
	}
	return password, err
}
