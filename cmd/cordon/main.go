// Command cordon finds, identifies and protects connected medical devices on
// hospital networks. See README.md for the subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/cordonsec/cordon"
)

// Exit codes, one table for the whole command.
const (
	exitOK      = 0
	exitError   = 1 // the command failed; nothing (more) was written
	exitUsage   = 2 // the command line was wrong
	exitPartial = 3 // output written, but some input was damaged
)

// version is set by the linker for releases.
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"demo", "simulate a hospital network and show what Cordon finds on it", runDemo},
		{"analyze", "identify the devices in network captures", runAnalyze},
		{"serve", "run the server: web UI and API over the register", runServe},
		{"ingest", "add captures to the register in a data directory", runIngest},
		{"sensor", "capture live from a network interface into the register: sensor --interface IFACE", runSensor},
		{"user", "manage local users: user add NAME --role ROLE", runUser},
		{"token", "make API tokens: token create --user NAME", runToken},
		{"simulate", "write a simulated hospital network capture and its ground truth", runSimulate},
		{"feeds", "load vulnerability intelligence: feeds import FILE|DIR, feeds sync, feeds status", runFeeds},
		{"findings", "list the vulnerabilities found on devices, most urgent first", runFindings},
		{"affected", "say which devices, where and whose, a CVE affects: affected CVE-ID...", runAffected},
		{"worklist", "what to fix first: devices by risk, with the reasons", runWorklist},
		{"models", "device models (manufacturer, model, version): models list|sync", runModels},
		{"remediations", "track fixes through manufacturer validation to deployment: remediations list [--overdue]", runRemediations},
		{"exceptions", "devices that cannot be fixed and the controls that protect them: exceptions list", runExceptions},
		{"suppliers", "suppliers, their contracts and remote access: suppliers list", runSuppliers},
		{"lifecycle", "replacement and end-of-support forecast, decommissioning: lifecycle forecast", runLifecycle},
		{"alerts", "alerts to act on: alerts list", runAlerts},
		{"deliver", "alert delivery: deliver check|outbox|suppress", runDeliver},
		{"guidance", "guidance steps 3 and 4 per device from traffic and records: guidance [--state fail] [--format table|json|csv]", runGuidance},
		{"policy", "segmentation policy from captures: policy suggest --format json|csv|nftables|iptables|cisco|panos|fortigate CAPTURE...", runPolicy},
		{"version", "print the version", func(_ context.Context, _ []string, _ io.Reader, stdout, _ io.Writer) error {
			_, err := fmt.Fprintln(stdout, "cordon", version)
			return err
		}},
	}
}

// run is the whole program, testable in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return exitCode(stderr, c.run(ctx, args[1:], stdin, stdout, stderr))
		}
	}
	fmt.Fprintf(stderr, "cordon: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: cordon COMMAND [options]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'cordon COMMAND -h' for a command's options.")
}

// errPartial marks a command that wrote its output from damaged input.
var errPartial = errors.New("some input was damaged; the output covers what could be read")

// usageError is a command-line mistake.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitCode reports err on stderr and maps it to an exit code.
func exitCode(stderr io.Writer, err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "cordon: %s\n", ue.msg)
		return exitUsage
	case errors.Is(err, errPartial):
		fmt.Fprintf(stderr, "cordon: warning: %v\n", err)
		return exitPartial
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "cordon: interrupted")
		return exitError
	}
	msg := err.Error()
	if cordon.ErrorCode(err) != cordon.EINTERNAL {
		msg = cordon.ErrorMessage(err)
	}
	fmt.Fprintf(stderr, "cordon: %s\n", msg)
	return exitError
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: cordon %s %s\n\nOptions:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{msg: err.Error()}
	}
	return nil
}
