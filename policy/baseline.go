package policy

import (
	"cmp"
	"slices"

	"github.com/cordonsec/cordon"
)

// Baseline is one device's communication pattern over the learning window.
type Baseline struct {
	Device   string    `json:"device"`
	Zone     string    `json:"zone"`
	Category string    `json:"category"`
	Patterns []Pattern `json:"patterns"`
	// Hours counts flows by hour of day (UTC), so a pattern that only
	// happens at night stands out.
	Hours    [24]uint64 `json:"hours"`
	Evidence Evidence   `json:"evidence"`
}

// Pattern is one peer and service a device used, and which way.
type Pattern struct {
	Peer      string   `json:"peer"`
	PeerZone  string   `json:"peer_zone"`
	Direction string   `json:"direction"` // "out": the device opened it; "in": the peer did
	Proto     string   `json:"proto"`
	Port      uint16   `json:"port"`
	App       string   `json:"app"`
	Evidence  Evidence `json:"evidence"`
}

// ModelBaseline is the pattern shared by the devices of one model: which
// zones and services its devices use, and how many of them do.
type ModelBaseline struct {
	Manufacturer string         `json:"manufacturer"`
	Model        string         `json:"model"`
	Devices      int            `json:"devices"`
	Patterns     []ModelPattern `json:"patterns"`
}

// ModelPattern is a service a model's devices use with a zone.
type ModelPattern struct {
	PeerZone  string `json:"peer_zone"`
	Direction string `json:"direction"`
	Proto     string `json:"proto"`
	Port      uint16 `json:"port"`
	App       string `json:"app"`
	Devices   int    `json:"devices"`
}

type patternKey struct {
	peer, dir, proto, app string
	port                  uint16
}

// learn builds the baselines of the internal devices from the
// conversations, with zones already assigned.
func learn(devs []Device, convs []cordon.Conversation, z *zoning) ([]Baseline, []ModelBaseline) {
	type acc struct {
		b    Baseline
		pats map[patternKey]*Pattern
	}
	byKey := map[string]*acc{}
	for i := range devs {
		d := &devs[i]
		byKey[d.Key] = &acc{b: Baseline{Device: d.Key, Zone: z.zoneOf(d.Key).Name, Category: d.Category}, pats: map[patternKey]*Pattern{}}
	}
	side := func(self, peer, dir string, c *cordon.Conversation) {
		a := byKey[self]
		if a == nil {
			return
		}
		a.b.Hours[c.Hour.UTC().Hour()] += c.Flows
		a.b.Evidence.add(c.Hour, c.Flows, c.Packets, c.Bytes)
		k := patternKey{peer: peer, dir: dir, proto: c.Proto, app: c.App, port: c.Port}
		p := a.pats[k]
		if p == nil {
			p = &Pattern{Peer: peer, PeerZone: z.zoneOf(peer).Name, Direction: dir, Proto: c.Proto, Port: c.Port, App: c.App}
			a.pats[k] = p
		}
		p.Evidence.add(c.Hour, c.Flows, c.Packets, c.Bytes)
	}
	for i := range convs {
		c := &convs[i]
		side(c.Client, c.Server, "out", c)
		side(c.Server, c.Client, "in", c)
	}
	out := make([]Baseline, 0, len(byKey))
	type mk struct{ man, model string }
	type mpk struct {
		zone, dir, proto, app string
		port                  uint16
	}
	models := map[mk]map[mpk]int{}
	modelDevs := map[mk]int{}
	for i := range devs {
		d := &devs[i]
		a := byKey[d.Key]
		for _, p := range a.pats {
			a.b.Patterns = append(a.b.Patterns, *p)
		}
		slices.SortFunc(a.b.Patterns, func(x, y Pattern) int {
			return cmp.Or(cmp.Compare(x.Direction, y.Direction), cmp.Compare(x.Peer, y.Peer),
				cmp.Compare(x.Proto, y.Proto), cmp.Compare(x.Port, y.Port), cmp.Compare(x.App, y.App))
		})
		out = append(out, a.b)
		if d.Model == "" {
			continue
		}
		k := mk{d.Manufacturer, d.Model}
		modelDevs[k]++
		if models[k] == nil {
			models[k] = map[mpk]int{}
		}
		seen := map[mpk]bool{}
		for _, p := range a.b.Patterns {
			pk := mpk{p.PeerZone, p.Direction, p.Proto, p.App, p.Port}
			if !seen[pk] {
				seen[pk] = true
				models[k][pk]++
			}
		}
	}
	slices.SortFunc(out, func(x, y Baseline) int { return cmp.Compare(x.Device, y.Device) })
	var mbs []ModelBaseline
	for k, pats := range models {
		mb := ModelBaseline{Manufacturer: k.man, Model: k.model, Devices: modelDevs[k]}
		for pk, n := range pats {
			mb.Patterns = append(mb.Patterns, ModelPattern{PeerZone: pk.zone, Direction: pk.dir, Proto: pk.proto, Port: pk.port, App: pk.app, Devices: n})
		}
		slices.SortFunc(mb.Patterns, func(x, y ModelPattern) int {
			return cmp.Or(cmp.Compare(y.Devices, x.Devices), cmp.Compare(x.Direction, y.Direction), cmp.Compare(x.PeerZone, y.PeerZone),
				cmp.Compare(x.Proto, y.Proto), cmp.Compare(x.Port, y.Port), cmp.Compare(x.App, y.App))
		})
		mbs = append(mbs, mb)
	}
	slices.SortFunc(mbs, func(x, y ModelBaseline) int {
		return cmp.Or(cmp.Compare(x.Manufacturer, y.Manufacturer), cmp.Compare(x.Model, y.Model))
	})
	return out, mbs
}
