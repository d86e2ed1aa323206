//go:build linux

package live

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/capture/live/livetest"
	"github.com/cordonsec/cordon/simulate"
)

// TestReplayTagsInPlace replays a simulated capture, most of it
// 802.1Q-tagged, into a veth pair and requires every frame back byte for
// byte, each tagged one with its tag put back in place in the ring: the
// kernel's own layout, with the room Open reserves, not memRing's idea of
// it.
func TestReplayTagsInPlace(t *testing.T) {
	livetest.NeedTcpreplay(t)
	ns := livetest.Namespace(t)
	path := filepath.Join(t.TempDir(), "sim.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := simulate.Generate(simulate.Config{Seed: 9, Devices: 40, Duration: 5 * time.Minute}, f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	frames, err := readFrames(r)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	// veth may deliver out of order when the sender changes CPU, so the
	// frames are compared as a multiset.
	want := make(map[string]int)
	tagged := 0
	for _, fr := range frames {
		want[string(fr.data)]++
		if isTagged(fr.data) {
			tagged++
		}
	}
	if tagged == 0 {
		t.Fatal("no 802.1Q frame in the capture: the test would prove nothing")
	}

	var h *Handle
	if err := livetest.In(ns, func() (err error) {
		h, err = Open(livetest.Recv, Options{Timeout: 200 * time.Millisecond})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ring := h.ring // Close drops it; only addresses are compared after that
	type result struct {
		got             map[string]int
		inPlace, copied int
		err             error
	}
	done := make(chan result, 1)
	go func() {
		res := result{got: make(map[string]int)}
		var p capture.Packet
		for {
			err := h.Next(&p)
			switch {
			case err == io.EOF:
				done <- res
				return
			case errors.Is(err, ErrTimeout):
				continue
			case err != nil:
				res.err = err
				done <- res
				return
			}
			res.got[string(p.Data)]++
			if isTagged(p.Data) {
				if inRing(ring, p.Data) {
					res.inPlace++
				} else {
					res.copied++
				}
			}
		}
	}()
	if _, err := livetest.Replay(ns, path, 0); err != nil {
		h.Close()
		t.Fatal(err)
	}
	// The ring hands over a partly filled block after 50 ms.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if st, err := h.Stats(); err != nil || int(st.Packets) >= len(frames) {
			break
		}
	}
	time.Sleep(300 * time.Millisecond)
	h.Close()
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	missing, extra := 0, 0
	for k, n := range want {
		missing += max(0, n-res.got[k])
	}
	for k, n := range res.got {
		extra += max(0, n-want[k])
	}
	st, _ := h.Stats()
	if missing != 0 || extra != 0 {
		t.Errorf("%d of %d frames missing or altered, %d captured that were not sent; kernel stats %+v", missing, len(frames), extra, st)
	}
	if res.inPlace != tagged || res.copied != 0 {
		t.Errorf("%d tagged frames put back in place and %d copied, want all %d in place", res.inPlace, res.copied, tagged)
	}
}

func isTagged(frame []byte) bool {
	return len(frame) >= 16 && frame[12] == 0x81 && frame[13] == 0
}
