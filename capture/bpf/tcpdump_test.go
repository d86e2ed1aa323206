package bpf

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/simulate"
)

// compared are the expressions whose verdicts must agree with tcpdump's.
var compared = []string{
	"ip", "ip6", "arp", "tcp", "udp", "icmp", "icmp6",
	"port 53", "tcp port 104", "udp port 161 or 162", "src port 53", "dst port 2575",
	"portrange 1-1023", "tcp portrange 100-11112",
	"host 10.20.1.5", "src host 10.0.0.1", "net 10.0.0.0/8", "dst net 10.128.0.0/9",
	"not tcp", "tcp and not port 443", "udp or tcp and port 53", "not (arp or (udp and port 53))",
	"vlan", "vlan 10 and ip", "ip6 and port 547",
}

// TestAgainstTcpdump runs each expression compiled here and by tcpdump
// (`tcpdump -ddd -r FILE`) through the interpreter over real and simulated
// captures, and requires the same verdict on every packet.
func TestAgainstTcpdump(t *testing.T) {
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("tcpdump is not installed; verdicts not compared")
	}
	files := []string{simulated(t)}
	shared, _ := filepath.Glob("/work/shared/data/pcaps/tcpdump-tests/*.pcap")
	files = append(files, shared...)
	checked := 0
	for _, file := range files {
		pkts := ethernetPackets(t, file)
		if len(pkts) == 0 {
			continue
		}
		for _, expr := range compared {
			out, err := exec.Command("tcpdump", "-ddd", "-r", file, expr).Output()
			if err != nil {
				t.Fatalf("tcpdump -ddd -r %s %q: %v", file, expr, err)
			}
			theirs, err := ParseRaw(string(out))
			if err != nil {
				t.Fatalf("tcpdump's program for %q: %v", expr, err)
			}
			ours, err := Compile(expr, 0)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range pkts {
				a, errA := Run(ours, p)
				b, errB := Run(theirs, p)
				if errA != nil || errB != nil {
					t.Fatalf("%q: %v, %v", expr, errA, errB)
				}
				if (a != 0) != (b != 0) {
					t.Errorf("%s packet %d: %q: ours %d, tcpdump's %d", filepath.Base(file), i+1, expr, a, b)
				}
				checked++
			}
		}
	}
	t.Logf("%d verdicts compared over %d files", checked, len(files))
}

// simulated writes a short simulated hospital capture.
func simulated(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "sim.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := simulate.Generate(simulate.Config{Seed: 6, Devices: 30, Duration: 3 * time.Minute}, f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// ethernetPackets returns copies of the packets of an Ethernet capture, or
// none for other link types.
func ethernetPackets(t *testing.T, path string) [][]byte {
	f, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		p    capture.Packet
		pkts [][]byte
	)
	for {
		err := f.Next(&p)
		if errors.Is(err, io.EOF) || errors.Is(err, capture.ErrTruncated) {
			return pkts
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Link != capture.LinkEthernet {
			return nil
		}
		pkts = append(pkts, append([]byte(nil), p.Data...))
	}
}
