package simulate

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// MustGenerate runs Generate and returns the capture and the truth.
func MustGenerate(tb testing.TB, cfg Config) ([]byte, *Truth) {
	tb.Helper()
	var buf bytes.Buffer
	tr, err := Generate(cfg, &buf)
	if err != nil {
		tb.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return buf.Bytes(), tr
}

func TestGenerateDeterministic(t *testing.T) {
	cfg := Config{Seed: 7, Devices: 90, Duration: 4 * time.Minute}
	a, ta := MustGenerate(t, cfg)
	b, tb := MustGenerate(t, cfg)
	if sha256.Sum256(a) != sha256.Sum256(b) {
		t.Fatal("two runs with the same config wrote different captures")
	}
	ja, _ := json.Marshal(ta)
	jb, _ := json.Marshal(tb)
	if !bytes.Equal(ja, jb) {
		t.Fatal("two runs with the same config returned different truths")
	}
	cfg.Seed = 8
	c, _ := MustGenerate(t, cfg)
	if sha256.Sum256(a) == sha256.Sum256(c) {
		t.Fatal("different seeds wrote the same capture")
	}
}

func TestGenerateConfig(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"OK", Config{Seed: 1, Devices: 30, Duration: time.Minute}, false},
		{"OneDevice", Config{Seed: 1, Devices: 1, Duration: time.Minute}, false},
		{"ErrNoDevices", Config{Devices: 0}, true},
		{"ErrNegativeDuration", Config{Devices: 5, Duration: -time.Second}, true},
		{"ErrNegativeBulk", Config{Devices: 5, Bulk: -1}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			tr, err := Generate(tc.cfg, &buf)
			if tc.wantErr {
				if cordon.ErrorCode(err) != cordon.EINVALID {
					t.Fatalf("err = %v, want EINVALID", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Devices) != tc.cfg.Devices {
				t.Errorf("%d devices in truth, want %d", len(tr.Devices), tc.cfg.Devices)
			}
			if _, err := readPcap(buf.Bytes()); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestEveryCategoryPresent(t *testing.T) {
	_, tr := MustGenerate(t, Config{Seed: 3, Devices: 200, Duration: 10 * time.Minute})
	seen := map[string]bool{}
	for _, d := range tr.Devices {
		seen[d.Category] = true
	}
	for _, c := range cordon.Categories {
		if c != cordon.CategoryUnknown && !seen[c] {
			t.Errorf("category %s missing from a 200-device network", c)
		}
	}
	routed := 0
	for _, d := range tr.Devices {
		if d.Routed {
			routed++
		}
	}
	if routed == 0 {
		t.Error("no device behind a satellite router")
	}
}

// TestTruthIsConsistent checks each truth device against itself and
// against the capture: non-routed MACs and every IP appear as sources.
func TestTruthIsConsistent(t *testing.T) {
	raw, tr := MustGenerate(t, Config{Seed: 11, Devices: 150, Duration: 12 * time.Minute})
	pkts, err := readPcap(raw)
	if err != nil {
		t.Fatal(err)
	}
	srcMAC := map[string]bool{}
	srcIP := map[string]bool{}
	for _, p := range pkts {
		fi, _ := checkFrame(p.frame)
		srcMAC[cordon.MAC(fi.src).String()] = true
		if fi.ipv == 4 { // IPv4 source or ARP sender address
			srcIP[ipString(fi.srcIP)] = true
		}
	}
	for _, d := range tr.Devices {
		if d.Family == "" || d.CatalogID == "" || d.Category == "" {
			t.Errorf("%+v: family, catalog id and category are required", d)
		}
		if d.Medical != cordon.IsMedicalCategory(d.Category) {
			t.Errorf("%s: medical = %v for category %s", d.CatalogID, d.Medical, d.Category)
		}
		if (d.Category == "imaging_modality") != (d.Modality != "") {
			t.Errorf("%s: modality %q for category %s", d.CatalogID, d.Modality, d.Category)
		}
		if d.Routed != (d.MAC == "") {
			t.Errorf("%s: routed %v but MAC %q", d.CatalogID, d.Routed, d.MAC)
		}
		if !d.Routed && !srcMAC[d.MAC] {
			t.Errorf("%s: MAC %s never sends", d.CatalogID, d.MAC)
		}
		if len(d.IPs) == 0 {
			t.Errorf("%s %s: no IP address shown", d.CatalogID, d.MAC)
		}
		for _, ip := range d.IPs {
			if !srcIP[ip] {
				t.Errorf("%s: IP %s never sends", d.CatalogID, ip)
			}
		}
	}
	for _, s := range tr.PatientStrings {
		if !strings.HasPrefix(s, "ZZTEST") && !strings.HasPrefix(s, "999") && !strings.HasPrefix(s, "RXH") {
			t.Errorf("patient string %q is not obviously synthetic", s)
		}
	}
	found := 0
	for _, s := range tr.PatientStrings {
		if bytes.Contains(raw, []byte(s)) {
			found++
		}
	}
	if found == 0 {
		t.Error("no patient string appears in the capture: HL7/DICOM patient data is missing")
	}
}

// TestCaptureWellFormed parses the capture back and verifies order,
// checksums and the presence of each kind of frame the sensor must handle.
func TestCaptureWellFormed(t *testing.T) {
	cfg := Config{Seed: 5, Devices: 120, Duration: 35 * time.Minute}
	raw, tr := MustGenerate(t, cfg)
	pkts, err := readPcap(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkts) != tr.Packets {
		t.Errorf("read %d packets, truth says %d", len(pkts), tr.Packets)
	}
	start := DefaultStart.UnixMicro()
	end := start + cfg.Duration.Microseconds() + 60e6
	kinds := map[string]int{}
	var last int64
	for i, p := range pkts {
		if p.usec < last {
			t.Fatalf("packet %d goes back in time", i+1)
		}
		last = p.usec
		if p.usec < start || p.usec > end {
			t.Fatalf("packet %d at %d outside the capture span", i+1, p.usec)
		}
		fi, err := checkFrame(p.frame)
		if err != nil {
			t.Fatalf("packet %d: %v", i+1, err)
		}
		if len(p.frame) < 60 {
			t.Errorf("packet %d: runt frame of %d bytes", i+1, len(p.frame))
		}
		switch {
		case fi.etype == 0:
			kinds["llc"]++
		case fi.etype == etherARP:
			kinds["arp"]++
		case fi.etype == etherLLDP:
			kinds["lldp"]++
		case fi.ipv == 6:
			kinds["ipv6"]++
		case fi.fragment:
			kinds["fragment"]++
		case fi.proto == ipProtoTCP && fi.tcpFlags&tcpSYN != 0:
			kinds["syn"]++
		case fi.proto == ipProtoTCP && fi.tcpFlags&tcpFIN != 0:
			kinds["fin"]++
		}
		if fi.vlan != 0 {
			kinds["vlan"]++
		}
	}
	for _, k := range []string{"llc", "arp", "lldp", "ipv6", "fragment", "syn", "fin", "vlan"} {
		if kinds[k] == 0 {
			t.Errorf("no %s frames in the capture", k)
		}
	}
}

// TestBulkScales checks that Bulk multiplies the bulk volume.
func TestBulkScales(t *testing.T) {
	a, _ := MustGenerate(t, Config{Seed: 2, Devices: 60, Duration: 5 * time.Minute})
	b, _ := MustGenerate(t, Config{Seed: 2, Devices: 60, Duration: 5 * time.Minute, Bulk: 3})
	if len(b) < 2*len(a) {
		t.Errorf("Bulk 3 wrote %d bytes, Bulk 1 %d: want at least twice", len(b), len(a))
	}
}

func TestNHSCheckDigit(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want int
	}{
		{"Valid", "943476591", 9}, // 9434765919, the NHS Digital example number
		{"Remainder10", "999000000", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nhsCheckDigit(tc.in); got != tc.want {
				t.Errorf("nhsCheckDigit(%s) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func BenchmarkGenerate(b *testing.B) {
	var pkts int
	var bytesOut int64
	for b.Loop() {
		var w countWriter
		tr, err := Generate(Config{Seed: 1, Devices: 500, Duration: 10 * time.Minute}, &w)
		if err != nil {
			b.Fatal(err)
		}
		pkts += tr.Packets
		bytesOut += w.n
	}
	b.ReportMetric(float64(pkts)/b.Elapsed().Seconds(), "packets/s")
	b.SetBytes(bytesOut / int64(max(b.N, 1)))
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// FuzzGenerate runs small networks of any shape: no configuration may
// panic or write a malformed capture.
func FuzzGenerate(f *testing.F) {
	f.Add(uint64(1), uint8(1), uint16(30), uint8(10))
	f.Add(uint64(42), uint8(45), uint16(90), uint8(0))
	f.Add(uint64(7), uint8(3), uint16(1), uint8(255))
	f.Fuzz(func(t *testing.T, seed uint64, devices uint8, seconds uint16, bulk uint8) {
		cfg := Config{Seed: seed, Devices: 1 + int(devices)%60, Duration: time.Duration(1+seconds%300) * time.Second, Bulk: float64(bulk%40) / 10}
		raw, tr := MustGenerate(t, cfg)
		pkts, err := readPcap(raw)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range pkts {
			if _, err := checkFrame(p.frame); err != nil {
				t.Fatalf("packet %d: %v", i+1, err)
			}
		}
		if len(tr.Devices) != cfg.Devices || !slices.IsSortedFunc(pkts, func(a, b testPacket) int { return int(a.usec - b.usec) }) {
			t.Fatal("truth size or packet order wrong")
		}
	})
}
