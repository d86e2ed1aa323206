package detect

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"time"

	"github.com/cordonsec/cordon"
)

// Beaconing thresholds: at least minIntervals gaps between connections,
// each at least minPeriod long, whose mean deviation from the median gap
// is at most maxJitter of it. Malware and remote-support agents call home
// like this; people browsing do not.
const (
	minIntervals = 6
	minPeriod    = 10 * time.Second
	maxJitter    = 0.1
	maxStarts    = 256 // connection starts kept per pair
	maxBeacons   = 1 << 16
)

type beaconKey struct {
	client endpoint
	server netip.Addr
	port   uint16
	proto  string
}

type beacon struct {
	starts []int64 // unix nanoseconds: the latest, at most maxStarts
	first  int64   // the first start ever seen
	n      int     // connections seen
	name   string
	fresh  bool // a start was added since the last look
}

func (d *Detector) beacon(client endpoint, server netip.Addr, port uint16, proto string, at time.Time, name string) {
	k := beaconKey{client: client, server: server, port: port, proto: proto}
	b := d.beacons[k]
	if b == nil {
		if len(d.beacons) >= maxBeacons {
			return
		}
		b = &beacon{}
		d.beacons[k] = b
	}
	if name != "" {
		b.name = name
	}
	if len(b.starts) == maxStarts { // forget the older half, at once
		b.starts = append(b.starts[:0], b.starts[maxStarts/2:]...)
	}
	t := at.UnixNano()
	if b.n == 0 || t < b.first {
		b.first = t
	}
	b.starts = append(b.starts, t)
	b.n++
	b.fresh = true
}

// periodic reports the median gap and jitter of connection starts, and
// whether they form a beacon.
func periodic(starts []int64) (period time.Duration, jitter float64, ok bool) {
	if len(starts) < minIntervals+1 {
		return 0, 0, false
	}
	s := slices.Clone(starts)
	slices.Sort(s)
	gaps := make([]float64, 0, len(s)-1)
	for i := 1; i < len(s); i++ {
		gaps = append(gaps, float64(s[i]-s[i-1]))
	}
	sorted := slices.Clone(gaps)
	slices.Sort(sorted)
	med := sorted[len(sorted)/2]
	if med < float64(minPeriod) {
		return time.Duration(med), 0, false
	}
	var dev float64
	for _, g := range gaps {
		dev += math.Abs(g - med)
	}
	jitter = dev / float64(len(gaps)) / med
	return time.Duration(med), jitter, jitter <= maxJitter
}

// beaconCands turns the periodic pairs with a connection since the last
// look into candidates.
func (d *Detector) beaconCands() {
	for k, b := range d.beacons {
		if !b.fresh {
			continue
		}
		b.fresh = false
		period, jitter, ok := periodic(b.starts)
		if !ok {
			continue
		}
		peer := k.server.String()
		subject := hostPort(k.server, k.port)
		if b.name != "" {
			peer = b.name + " (" + peer + ")"
			subject = fmt.Sprintf("%s:%d", b.name, k.port)
		}
		first, last := time.Unix(0, b.first).UTC(), time.Unix(0, slices.Max(b.starts)).UTC()
		c := d.add(cand{kind: KindBeaconing, ep: k.client, subject: k.proto + ":" + subject, severity: cordon.AlertMedium,
			title: "Calls an internet host at a regular interval (" + peer + ")", peer: k.server, peerName: b.name},
			first, fmt.Sprintf("%d %s connections to %s port %d, every %s (jitter %.1f%%), %s to %s",
				b.n, k.proto, peer, k.port, period.Round(time.Second), jitter*100,
				first.Format(time.RFC3339), last.Format(time.RFC3339)))
		if c != nil {
			c.count, c.last = b.n, last
		}
	}
}
