package proto

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/cordonsec/cordon"
)

// This file runs table tests of stream dissectors over literal client and
// server bytes, delivering them the way the sensor does: from the start of
// each direction, growing between calls.

// streamFact is one fact a stream test expects, about the client ('c') or
// the server ('s').
type streamFact struct {
	side        byte
	fact, value string
}

// streamCase is one conversation and what a dissector must make of it.
type streamCase struct {
	name           string
	port           uint16 // server port
	client, server []byte
	// status is what Parse returns once it has seen every byte (not yet
	// Closed).
	status Status
	// want is every fact emitted over the whole conversation,
	// duplicates removed. A NotMine case emits none.
	want []streamFact
}

// Test endpoints: the server port comes from the case.
var (
	testClientEP = cordon.Endpoint{IP: netip.MustParseAddr("10.1.2.3"), Port: 50123}
	testServerIP = netip.MustParseAddr("10.1.2.200")
)

// streamFeed delivers client and server to d in the given steps, each the
// number of bytes of each direction visible at that call. The views are
// fresh copies that are overwritten after each call, so a dissector that
// keeps a reference to them shows up as garbled facts. It stops at NotMine
// or Done; a conversation still undecided or Mine after the last step gets
// one more call with Closed set. It returns the facts and the status after
// the last step.
func streamFeed(tb testing.TB, d StreamDissector, port uint16, client, server []byte, steps [][2]int) (*collector, Status) {
	tb.Helper()
	c := &collector{}
	s := &Stream{Client: testClientEP, Server: cordon.Endpoint{IP: testServerIP, Port: port}}
	st := Undecided
	for _, step := range steps {
		s.ClientData = slices.Clone(client[:min(step[0], len(client))])
		s.ServerData = slices.Clone(server[:min(step[1], len(server))])
		st = d.Parse(s, c)
		scribble(s.ClientData)
		scribble(s.ServerData)
		if st == NotMine || st == Done {
			break
		}
	}
	if st == Undecided || st == Mine {
		s.ClientData, s.ServerData = slices.Clone(client), slices.Clone(server)
		s.Closed = true
		if cst := d.Parse(s, c); cst == NotMine && len(c.facts) > 0 {
			tb.Errorf("%s: NotMine on close after emitting %v", d.Name, c.facts)
		}
	}
	return c, st
}

// scribble overwrites b, as the sensor does when it reuses a buffer.
func scribble(b []byte) {
	for i := range b {
		b[i] = 0xa5
	}
}

// stepsWhole delivers everything at once.
func stepsWhole(nc, ns int) [][2]int { return [][2]int{{nc, ns}} }

// stepsSplit delivers the first n bytes of each direction, then the rest.
func stepsSplit(n, nc, ns int) [][2]int { return [][2]int{{n, n}, {nc, ns}} }

// stepsClientFirst delivers the client's side in chunks of size, then the
// server's, the order of a request and its response.
func stepsClientFirst(size, nc, ns int) [][2]int {
	var steps [][2]int
	for c := size; c < nc+size; c += size {
		steps = append(steps, [2]int{min(c, nc), 0})
	}
	for s := size; s < ns+size; s += size {
		steps = append(steps, [2]int{nc, min(s, ns)})
	}
	return append(steps, [2]int{nc, ns})
}

// runStreamCases checks every case delivered whole, split at every point
// (or every few points for long conversations), and grown in small chunks.
func runStreamCases(t *testing.T, d StreamDissector, cases []streamCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nc, ns := len(tc.client), len(tc.server)
			c, st := streamFeed(t, d, tc.port, tc.client, tc.server, stepsWhole(nc, ns))
			if st != tc.status {
				t.Errorf("status = %s, want %s", statusName(st), statusName(tc.status))
			}
			checkStreamFacts(t, "whole", c, tc)

			stride := 1
			if max(nc, ns) > 600 {
				stride = max(nc, ns)/300 + 1
			}
			for n := 0; n < max(nc, ns); n += stride {
				c, st := streamFeed(t, d, tc.port, tc.client, tc.server, stepsSplit(n, nc, ns))
				if st != tc.status {
					t.Fatalf("split at %d: status = %s, want %s", n, statusName(st), statusName(tc.status))
				}
				checkStreamFacts(t, fmt.Sprintf("split at %d", n), c, tc)
			}
			for _, size := range []int{1, 5, 64} {
				if size == 1 && nc+ns > 4000 {
					continue
				}
				c, _ := streamFeed(t, d, tc.port, tc.client, tc.server, stepsClientFirst(size, nc, ns))
				checkStreamFacts(t, fmt.Sprintf("chunks of %d", size), c, tc)
			}
		})
	}
}

// checkStreamFacts compares the facts emitted with the case's, ignoring
// duplicates and order.
func checkStreamFacts(tb testing.TB, how string, c *collector, tc streamCase) {
	tb.Helper()
	c.checkValues(tb)
	server := cordon.Endpoint{IP: testServerIP, Port: tc.port}
	var got []streamFact
	for _, f := range c.facts {
		var side byte
		switch f.About {
		case testClientEP:
			side = 'c'
		case server:
			side = 's'
		default:
			tb.Fatalf("%s: fact %s=%q about unknown endpoint %v", how, f.Fact, f.Value, f.About)
		}
		sf := streamFact{side, f.Fact, f.Value}
		if !slices.Contains(got, sf) {
			got = append(got, sf)
		}
	}
	less := func(a, b streamFact) int {
		return cmpStreamFact(a, b)
	}
	want := slices.Clone(tc.want)
	slices.SortFunc(got, less)
	slices.SortFunc(want, less)
	if !slices.Equal(got, want) {
		tb.Fatalf("%s: facts\n got %s\nwant %s", how, formatStreamFacts(got), formatStreamFacts(want))
	}
}

func cmpStreamFact(a, b streamFact) int {
	switch {
	case a.side != b.side:
		return int(a.side) - int(b.side)
	case a.fact != b.fact:
		if a.fact < b.fact {
			return -1
		}
		return 1
	case a.value < b.value:
		return -1
	case a.value > b.value:
		return 1
	}
	return 0
}

func formatStreamFacts(fs []streamFact) string {
	s := ""
	for _, f := range fs {
		s += fmt.Sprintf("\n  %c %s=%q", f.side, f.fact, f.value)
	}
	return s
}

// statusName names a status in test failures.
func statusName(s Status) string {
	switch s {
	case Undecided:
		return "Undecided"
	case NotMine:
		return "NotMine"
	case Mine:
		return "Mine"
	case Done:
		return "Done"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// fuzzStreamInput splits a fuzz input into a stream: the first byte picks
// the server port from the dissector's hints (or none), the next two are
// the length of the client's bytes, which come next, and the rest is the
// server's. The dissector is run over the bytes whole and split in half,
// and must not panic or emit invalid values.
func fuzzStreamInput(t *testing.T, d StreamDissector, data []byte) {
	if len(data) < 3 {
		return
	}
	port := uint16(40000)
	if i := int(data[0]); i < len(d.Ports) {
		port = d.Ports[i]
	}
	body := data[3:]
	cut := min(int(data[1])<<8|int(data[2]), len(body))
	client, server := body[:cut], body[cut:]
	for _, steps := range [][][2]int{
		stepsWhole(len(client), len(server)),
		stepsSplit(len(body)/2, len(client), len(server)),
	} {
		c, _ := streamFeed(t, d, port, client, server, steps)
		c.checkValues(t)
	}
}

// fuzzStreamSeed makes a fuzz input of a conversation for fuzzStreamInput.
func fuzzStreamSeed(portIndex byte, client, server []byte) []byte {
	n := min(len(client), 0xffff)
	return append(append([]byte{portIndex, byte(n >> 8), byte(n)}, client[:n]...), server...)
}
