package simulate

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/cordonsec/cordon"
)

// Config controls a simulation run.
type Config struct {
	Seed     uint64        // same seed, same bytes
	Devices  int           // number of devices (≥ 1); the mix scales with it
	Start    time.Time     // capture start (default 2026-11-02T08:00:00Z)
	Duration time.Duration // span of the capture (default 1h)
	Bulk     float64       // multiplier on bulk-transfer volume (default 1)
}

// Truth is what the simulated network really holds.
type Truth struct {
	Seed     uint64        `json:"seed"`
	Start    time.Time     `json:"start"`
	Duration string        `json:"duration"`
	Packets  int           `json:"packets"`
	Devices  []TruthDevice `json:"devices"`
	Subnets  []TruthSubnet `json:"subnets"`
	// PatientStrings lists every synthetic patient identifier and name the
	// capture carries (HL7 PID, DICOM patient module). None may ever appear
	// in Cordon's output.
	PatientStrings []string `json:"patient_strings"`
}

// TruthDevice is one device as it really is. Fields describe only what the
// capture gives evidence for: OS is empty unless the device's traffic shows
// it, Hostnames lists the names the device announces, and a routed device
// (behind a satellite site's router) has no MAC.
type TruthDevice struct {
	MAC             string    `json:"mac"`
	IPs             []string  `json:"ips"`
	Hostnames       []string  `json:"hostnames"`
	Routed          bool      `json:"routed"`
	Category        string    `json:"category"`
	Manufacturer    string    `json:"manufacturer"`
	Model           string    `json:"model"`
	Modality        string    `json:"modality"`
	Medical         bool      `json:"medical"`
	OS              cordon.OS `json:"os"`
	AETitles        []string  `json:"ae_titles"`
	HL7Applications []string  `json:"hl7_applications"`
	Site            string    `json:"site"`
	Ward            string    `json:"ward"`
	Zone            string    `json:"zone"`
	// Family is the id of the classify profile the device's evidence is
	// written to match; CatalogID is the simulator's own family id.
	Family    string `json:"family"`
	CatalogID string `json:"catalog_id"`
}

// TruthSubnet describes one subnet of the simulated network.
type TruthSubnet struct {
	Site string `json:"site"`
	Zone string `json:"zone"`
	CIDR string `json:"cidr"`
	VLAN int    `json:"vlan"`
}

// Defaults applied by Generate.
var (
	DefaultStart    = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	DefaultDuration = time.Hour
)

// sliceLen is the span of one generation slice: short enough that a slice's
// packets stay a few megabytes at thousands of devices.
const sliceLen = int64(10 * time.Second / time.Microsecond)

// Generate writes a pcap (Ethernet, microsecond timestamps) of the
// simulated network to w and returns its ground truth.
func Generate(cfg Config, w io.Writer) (*Truth, error) {
	if cfg.Devices < 1 {
		return nil, cordon.Errorf(cordon.EINVALID, "simulate: devices must be at least 1, not %d", cfg.Devices)
	}
	if cfg.Duration < 0 || cfg.Bulk < 0 {
		return nil, cordon.Errorf(cordon.EINVALID, "simulate: duration and bulk must not be negative")
	}
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart
	}
	if cfg.Duration == 0 {
		cfg.Duration = DefaultDuration
	}
	if cfg.Duration < time.Second {
		cfg.Duration = time.Second
	}
	if cfg.Bulk == 0 {
		cfg.Bulk = 1
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	pw, err := newPcapWriter(bw)
	if err != nil {
		return nil, fmt.Errorf("simulate: write header: %w", err)
	}
	g := newGen(cfg)
	g.build()
	if err := g.run(pw); err != nil {
		return nil, fmt.Errorf("simulate: write packets: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("simulate: write packets: %w", err)
	}
	return g.truth(), nil
}

// gen is the state of one run.
type gen struct {
	cfg   Config
	rng   *rand.Rand
	o     out
	start int64 // µs since the epoch
	dur   int64 // µs
	stop  int64 // no event starts after this offset

	reorderPerMille, retransPerMille int

	sites    []*site
	subnets  []*subnet
	bySubnet map[string][]*subnet // "site/zone" → subnets, for allocation only
	devices  []*device
	roles    map[string]*device // lookups only: never iterated
	macs     map[[6]byte]bool
	core     *device
	transit  *subnet
	inet     map[string]*host // internet hosts by name (lookups only)
	inetList []*host
	patients []patient
	printers []*device // main-site office printers, targets of print jobs
	packets  int

	connBuf conn
	buf     [4][]byte // payload scratch buffers
	bulk    []byte    // large payload scratch
}

func newGen(cfg Config) *gen {
	g := &gen{
		cfg:             cfg,
		rng:             rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		start:           cfg.Start.UnixMicro(),
		dur:             cfg.Duration.Microseconds(),
		reorderPerMille: 8,
		retransPerMille: 6,
		bySubnet:        map[string][]*subnet{},
		roles:           map[string]*device{},
		macs:            map[[6]byte]bool{},
		inet:            map[string]*host{},
	}
	g.stop = g.dur
	if g.dur > 4*60e6 {
		g.stop = g.dur - 30e6 // let long transfers finish inside the span
	}
	return g
}

// run generates the capture slice by slice and writes it in time order.
func (g *gen) run(pw *pcapWriter) error {
	var spare out
	for sliceStart := int64(0); sliceStart < g.stop; sliceStart += sliceLen {
		end := min(sliceStart+sliceLen, g.stop)
		for _, d := range g.devices {
			g.runDevice(d, end)
		}
		if err := g.flush(pw, g.start+end, &spare); err != nil {
			return err
		}
	}
	return g.flush(pw, 1<<62, &spare)
}

// flush writes every frame before limit and keeps the rest for the next
// slice in a compacted arena.
func (g *gen) flush(pw *pcapWriter, limit int64, spare *out) error {
	o := &g.o
	o.sort()
	i := 0
	for ; i < len(o.recs) && o.recs[i].t < limit; i++ {
		r := o.recs[i]
		if err := pw.write(r.t, o.arena[r.off:r.off+r.n]); err != nil {
			return err
		}
	}
	g.packets += i
	spare.arena = spare.arena[:0]
	spare.recs = spare.recs[:0]
	for _, r := range o.recs[i:] {
		off := len(spare.arena)
		spare.arena = append(spare.arena, o.arena[r.off:r.off+r.n]...)
		r.off = off
		spare.recs = append(spare.recs, r)
	}
	o.arena, spare.arena = spare.arena, o.arena
	o.recs, spare.recs = spare.recs, o.recs
	return nil
}

// randBytes appends n random bytes.
func (g *gen) randBytes(b []byte, n int) []byte {
	for n >= 8 {
		b = le64(b, g.rng.Uint64())
		n -= 8
	}
	for ; n > 0; n-- {
		b = append(b, byte(g.rng.Uint32()))
	}
	return b
}

// jitter returns d scaled by a random factor in [0.5, 1.5).
func (g *gen) jitter(d int64) int64 {
	return d/2 + g.rng.Int64N(max(d, 1))
}

// at converts an offset to absolute µs.
func (g *gen) at(off int64) int64 { return g.start + off }
