package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cordonsec/cordon/analysis"
	"github.com/cordonsec/cordon/classify"
	"github.com/cordonsec/cordon/simulate"
)

// runDemo simulates a hospital network, analyses the capture and shows the
// inventory beside the ground truth: the quickest way to see what Cordon
// does without a capture of one's own.
func runDemo(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "[--devices N] [--seed N] [--keep DIR]", stderr)
	devices := fs.Int("devices", 150, "`number` of simulated devices")
	seed := fs.Uint64("seed", 1, "random `seed`")
	keep := fs.String("keep", "", "keep the capture and truth in this `directory`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *devices < 1 || *devices > 100_000 {
		return &usageError{msg: fmt.Sprintf("--devices %d is out of range (1 to 100000)", *devices)}
	}
	dir := *keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "cordon-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	pcap := filepath.Join(dir, "hospital.pcap")
	var truth *simulate.Truth
	err := writeAtomic(pcap, func(w io.Writer) error {
		var err error
		truth, err = simulate.Generate(simulate.Config{Seed: *seed, Devices: *devices}, w)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Simulated a hospital network of %d devices (seed %d): %s\n\n", len(truth.Devices), *seed, pcap)
	cl, err := classify.New(nil)
	if err != nil {
		return err
	}
	res, err := analysis.Run(ctx, []string{pcap}, analysis.Options{Classifier: cl})
	if err != nil {
		return err
	}
	if err := writeTable(stdout, res); err != nil {
		return err
	}
	score := simulate.Compare(truth, res.Devices)
	fmt.Fprintf(stdout, "\nAgainst the ground truth: %d of %d devices identified correctly (%.1f%%): category, manufacturer, OS, modality, AE titles and HL7 applications.\n",
		score.Correct, score.Devices, 100*score.Accuracy())
	for _, m := range score.Mistakes {
		fmt.Fprintf(stdout, "  %s (%s): %v\n", m.Key, m.Family, m.Fields)
	}
	fmt.Fprintln(stdout, "\nNext: cordon analyze --format json "+pcap+" shows the evidence behind every conclusion.")
	return nil
}
