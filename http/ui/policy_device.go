package ui

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/policy"
)

// Bounds of the device page's policy section: a device talks to many
// peers, and a noisy one breaks the policy often; the section shows the
// busiest and says how many more there are.
const (
	devicePolicyPatterns   = 20
	devicePolicyViolations = 20
)

// deviceNetPolicy is a device page's "Network policy" section: whether the
// device is held to the approved policy, what waits for an analyst, what
// the learner saw it do, and the traffic that broke the policy since.
type deviceNetPolicy struct {
	*policy.DevicePolicy
	DeviceID int64
	Baseline *baselineSummary
	// AlertsAvailable is false when the server keeps no alerts.
	AlertsAvailable bool
	Violations      []*cordon.Alert
	MoreViolations  int
}

// deviceNetworkPolicy gathers the section for the device with register
// key key; nil when the policy is not configured, so that the page leaves
// the section out.
func (h *Handler) deviceNetworkPolicy(ctx context.Context, id int64, key string) (*deviceNetPolicy, error) {
	ps, err := h.policyServer()
	if err != nil {
		return nil, nil
	}
	dp, err := ps.Device(ctx, key)
	if err != nil {
		return nil, err
	}
	p := &deviceNetPolicy{DevicePolicy: dp, DeviceID: id}
	if string(dp.Baseline) != "null" {
		var lb policy.Baseline
		if err := json.Unmarshal(dp.Baseline, &lb); err != nil {
			return nil, fmt.Errorf("ui: device policy: baseline of %s: %w", key, err)
		}
		p.Baseline = summarizeBaseline(&lb)
		if err := h.namePeers(ctx, p.Baseline.Patterns); err != nil {
			return nil, err
		}
	}
	if h.cfg.Alerts != nil {
		p.AlertsAvailable = true
		as, total, err := h.cfg.Alerts.FindAlerts(ctx, cordon.AlertFilter{Kind: detect.KindFlowViolation, DeviceID: id, Status: "open", Limit: devicePolicyViolations})
		if err != nil {
			return nil, err
		}
		p.Violations, p.MoreViolations = as, max(total-len(as), 0)
	}
	return p, nil
}

// baselineSummary is a learned baseline as a person reads it: how many
// peers and services, when, and the busiest patterns.
type baselineSummary struct {
	Zone                string
	Peers               int
	Outbound, Inbound   int // patterns each way
	Services            []string
	Flows               uint64
	FirstSeen, LastSeen time.Time
	// Hours are the hours of day (UTC) with traffic, as ranges such as
	// "07:00–18:59": a pattern only seen at night stands out.
	Hours        []string
	Patterns     []patternRow
	MorePatterns int
}

// patternRow is one line of a baseline: a peer and service, which way.
type patternRow struct {
	Out bool // the device opened it
	// PeerKey is the peer's register key; Peer names it as people do and
	// PeerURL is its page, once the register knows it.
	PeerKey, Peer, PeerURL string
	PeerZone               string
	Service                string
	Flows                  uint64
	FirstSeen, LastSeen    time.Time
}

func summarizeBaseline(b *policy.Baseline) *baselineSummary {
	s := &baselineSummary{Zone: b.Zone, Flows: b.Evidence.Flows, FirstSeen: b.Evidence.FirstSeen, LastSeen: b.Evidence.LastSeen,
		Hours: hourRanges(b.Hours)}
	peers := map[string]bool{}
	services := map[string]bool{}
	for _, pt := range b.Patterns {
		peers[pt.Peer] = true
		services[service(pt.Proto, pt.Port, pt.App)] = true
		if pt.Direction == "out" {
			s.Outbound++
		} else {
			s.Inbound++
		}
	}
	s.Peers = len(peers)
	for svc := range services {
		s.Services = append(s.Services, svc)
	}
	slices.Sort(s.Services)
	pats := slices.Clone(b.Patterns)
	slices.SortStableFunc(pats, func(x, y policy.Pattern) int { return cmp.Compare(y.Evidence.Flows, x.Evidence.Flows) })
	if n := len(pats); n > devicePolicyPatterns {
		pats, s.MorePatterns = pats[:devicePolicyPatterns], n-devicePolicyPatterns
	}
	for _, pt := range pats {
		s.Patterns = append(s.Patterns, patternRow{Out: pt.Direction == "out", PeerKey: pt.Peer, Peer: peerName(pt.Peer), PeerZone: pt.PeerZone,
			Service: service(pt.Proto, pt.Port, pt.App), Flows: pt.Evidence.Flows, FirstSeen: pt.Evidence.FirstSeen, LastSeen: pt.Evidence.LastSeen})
	}
	return s
}

// hourRanges writes the hours with flows as ranges of whole hours.
func hourRanges(hours [24]uint64) []string {
	var out []string
	for h := 0; h < 24; h++ {
		if hours[h] == 0 {
			continue
		}
		end := h
		for end+1 < 24 && hours[end+1] > 0 {
			end++
		}
		out = append(out, fmt.Sprintf("%02d:00–%02d:59", h, end))
		h = end
	}
	return out
}

// service names a protocol and port, with the application seen on it.
func service(proto string, port uint16, app string) string {
	s := proto + "/" + strconv.Itoa(int(port))
	if app != "" {
		s += " " + app
	}
	return s
}

// peerName is a baseline peer as the page shows it: the address of an
// outside host, the device key otherwise.
func peerName(key string) string {
	if a, ok := strings.CutPrefix(key, "ip:"); ok {
		return a
	}
	return key
}

// namePeers names the baseline's peers as the register knows them, with
// a link to each one's page, in one query.
func (h *Handler) namePeers(ctx context.Context, rows []patternRow) error {
	keys := make([]string, 0, len(rows))
	for _, r := range rows {
		keys = append(keys, r.PeerKey)
	}
	if len(keys) == 0 {
		return nil
	}
	ds, _, err := h.cfg.Devices.FindDevices(ctx, cordon.DeviceFilter{Keys: keys, Limit: len(keys)})
	if err != nil {
		return err
	}
	byKey := make(map[string]*cordon.DeviceRecord, len(ds))
	for _, d := range ds {
		byKey[d.Key] = d
	}
	for i := range rows {
		if d := byKey[rows[i].PeerKey]; d != nil {
			rows[i].Peer, rows[i].PeerURL = newDeviceRow(d).Name, "/devices/"+strconv.FormatInt(d.ID, 10)
		}
	}
	return nil
}
