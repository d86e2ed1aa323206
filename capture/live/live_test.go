//go:build linux

package live_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/capture/live"
	"github.com/cordonsec/cordon/capture/live/livetest"
	"github.com/cordonsec/cordon/simulate"
)

func TestOpenErrors(t *testing.T) {
	_, err := live.Open("nosuchif0", live.Options{})
	if !errors.Is(err, live.ErrNoInterface) || !strings.Contains(err.Error(), "nosuchif0") {
		t.Errorf("got %v, want ErrNoInterface naming the interface", err)
	}
	_, err = live.Open("lo", live.Options{Filter: "tcp port 99999"})
	if err == nil || !strings.Contains(err.Error(), "99999") {
		t.Errorf("bad filter: got %v", err)
	}
	_, err = live.Open("lo", live.Options{BlockSize: 1000})
	if err == nil || !strings.Contains(err.Error(), "page size") {
		t.Errorf("bad block size: got %v", err)
	}
}

// simulated writes a short simulated hospital capture.
func simulated(t *testing.T, devices int, d time.Duration) string {
	path := filepath.Join(t.TempDir(), "sim.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := simulate.Generate(simulate.Config{Seed: 9, Devices: devices, Duration: d}, f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// filePackets counts a capture's packets and those a filter keeps.
func filePackets(t *testing.T, path string) (all, udp int) {
	f, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var p capture.Packet
	for {
		if err := f.Next(&p); err == io.EOF {
			return
		} else if err != nil {
			t.Fatal(err)
		}
		all++
		// The kernel takes 802.1Q tags out of the frame before the filter
		// runs, so a tagged packet is judged by what follows its tag.
		d := p.Data
		if len(d) > 16 && d[12] == 0x81 && d[13] == 0 {
			d = append(append([]byte{}, d[:12]...), d[16:]...)
		}
		if len(d) > 23 && d[12] == 8 && d[13] == 0 && d[23] == 17 {
			udp++
		}
	}
}

// TestReplay replays a simulated capture into a veth pair and requires
// every packet, byte for byte in length, and no drops; a second run with a
// filter keeps only what the filter names.
func TestReplay(t *testing.T) {
	livetest.NeedTcpreplay(t)
	ns := livetest.Namespace(t)
	file := simulated(t, 40, 5*time.Minute)
	all, udp := filePackets(t, file)
	for _, c := range []struct {
		filter string
		want   int
	}{{"", all}, {"ip and udp", udp}} {
		var h *live.Handle
		if err := livetest.In(ns, func() (err error) {
			h, err = live.Open(livetest.Recv, live.Options{Filter: c.filter, Timeout: 200 * time.Millisecond})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, bytes := 0, 0
		done := make(chan error, 1)
		go func() {
			var p capture.Packet
			for {
				err := h.Next(&p)
				switch {
				case err == io.EOF:
					done <- nil
					return
				case errors.Is(err, live.ErrTimeout):
					continue
				case err != nil:
					done <- err
					return
				}
				if p.Link != capture.LinkEthernet || len(p.Data) == 0 || p.OrigLen < len(p.Data) {
					done <- fmt.Errorf("malformed packet: link %v, %d bytes, orig %d", p.Link, len(p.Data), p.OrigLen)
					return
				}
				got++
				bytes += len(p.Data)
			}
		}()
		if _, err := livetest.Replay(ns, file, 0); err != nil {
			t.Fatal(err)
		}
		// The ring hands over a partly filled block after 50 ms.
		deadline := time.Now().Add(5 * time.Second)
		for {
			st, err := h.Stats()
			if err != nil {
				t.Fatal(err)
			}
			if int(st.Packets) >= c.want || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		h.Close()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		st, _ := h.Stats()
		if got != c.want || st.Drops != 0 {
			t.Errorf("filter %q: captured %d packets (%d bytes), want %d; kernel stats %+v", c.filter, got, bytes, c.want, st)
		}
		if err := h.Next(new(capture.Packet)); err != io.EOF {
			t.Errorf("Next after Close: %v, want io.EOF", err)
		}
	}
}
