package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/simulate"
)

// TestLiveLoopDetections feeds a capture through the live loop in one
// batch and requires the detections `cordon analyze` reports for the file
// to be raised as alerts, as ingest raises them; a config approving every
// internet endpoint keeps internet_web out.
func TestLiveLoopDetections(t *testing.T) {
	path, _ := simulateCapture(t, simulate.Config{Seed: 1, Devices: 120})
	want := analyzeAlerts(t, path)
	if want[detect.KindSMBv1] == 0 || want[detect.KindInternetWeb] == 0 {
		t.Fatalf("the simulated hospital raises no smbv1 or internet_web: %v", want)
	}
	for _, tt := range []struct {
		name string
		cfg  *detect.Config
	}{
		{"Default", nil},
		{"AllApproved", &detect.Config{Internet: []detect.Allow{{Match: "*", Hosts: []string{"0.0.0.0/0", "::/0"}}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, err := openStore(filepath.Join(t.TempDir(), "data"), slog.New(slog.DiscardHandler), "")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			f, err := capture.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			l := newLiveLoop(st, "eth9", f, 24*time.Hour, slog.New(slog.DiscardHandler))
			l.detect = tt.cfg
			if sum, err := l.run(context.Background()); err != nil || sum.Batches != 1 {
				t.Fatalf("run: %+v, %v", sum, err)
			}
			as, _, err := st.alerts.FindAlerts(context.Background(), cordon.AlertFilter{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, a := range as {
				got[a.Kind]++
			}
			if got[detect.KindSMBv1] != want[detect.KindSMBv1] {
				t.Errorf("smbv1 alerts: %d, analyze reports %d", got[detect.KindSMBv1], want[detect.KindSMBv1])
			}
			if approved := tt.cfg != nil; approved != (got[detect.KindInternetWeb] == 0) {
				t.Errorf("internet_web alerts: %d (config %v)", got[detect.KindInternetWeb], approved)
			}
			if got[detect.KindNewDevice] != 0 {
				t.Errorf("a first batch is the baseline, yet %d new_device alerts", got[detect.KindNewDevice])
			}
		})
	}
}
