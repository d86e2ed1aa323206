package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon/simulate"
)

// simulated writes a simulated hospital capture and returns its path and
// ground truth.
func simulated(tb testing.TB, seed uint64, devices int) (string, *simulate.Truth) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "hospital.pcap")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	truth, err := simulate.Generate(simulate.Config{Seed: seed, Devices: devices}, f)
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path, truth
}

// TestSimulatedHospitalAccuracy is the end-to-end check of discovery: from
// the bytes of a simulated hospital network, recover each device's category,
// manufacturer, OS, modality, AE titles and HL7 applications.
func TestSimulatedHospitalAccuracy(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		path, truth := simulated(t, seed, 300)
		res, err := Run(context.Background(), []string{path}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := simulate.Compare(truth, res.Devices)
		t.Logf("seed %d: %d/%d correct (%.1f%%), %d extra devices, wrong fields %v",
			seed, s.Correct, s.Devices, 100*s.Accuracy(), s.Extra, s.ByField)
		for _, m := range s.Mistakes {
			t.Logf("  %s %s: %v", m.Key, m.Family, m.Fields)
		}
		if s.Accuracy() < 0.98 {
			t.Errorf("seed %d: accuracy %.3f is below 0.98", seed, s.Accuracy())
		}
		if len(res.Stats.Warnings) > 0 {
			t.Errorf("seed %d: warnings on a well-formed capture: %v", seed, res.Stats.Warnings)
		}
	}
}

// TestNoPatientData plants synthetic patient names and NHS numbers in HL7
// and DICOM traffic and checks they appear nowhere in the output, while the
// devices that carried them are flagged.
func TestNoPatientData(t *testing.T) {
	path, truth := simulated(t, 7, 200)
	if len(truth.PatientStrings) == 0 {
		t.Fatal("the simulator planted no patient data")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	planted := 0
	for _, s := range truth.PatientStrings {
		if bytes.Contains(raw, []byte(s)) {
			planted++
		}
	}
	if planted == 0 {
		t.Fatal("none of the planted strings is in the capture: the test would prove nothing")
	}
	res, err := Run(context.Background(), []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range truth.PatientStrings {
		if strings.Contains(string(out), s) {
			t.Errorf("patient data %q appears in the output", s)
		}
	}
	flagged := 0
	for _, d := range res.Devices {
		if d.PatientData {
			flagged++
		}
	}
	if flagged == 0 {
		t.Error("no device is flagged as handling patient data")
	}
}
