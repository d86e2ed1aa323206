// Package inventory turns the observations and flows of package sensor into
// devices: it decides which addresses belong to one device (a MAC on the
// local segment, or an IP seen only through a router), gathers each device's
// evidence and services, and hands the result to a classifier.
package inventory

import (
	"net/netip"
	"time"

	"github.com/cordonsec/cordon"
)

// Limits that keep memory bounded on long captures of chatty devices.
const (
	maxValuesPerFact = 64  // distinct values kept per fact name per subject
	maxFactsPerSubj  = 512 // distinct fact=value pairs per subject
)

// Inventory accumulates observations and flows. It implements sensor.Sink.
// It is not safe for concurrent use.
type Inventory struct {
	subjects map[subject]*factSet
	bindings map[cordon.MAC]map[netip.Addr]*span // MAC ↔ IP seen together as a packet source
	services map[serviceKey]*span
	convs    map[convKey]*convAgg
	flows    uint64
}

// convKey is one conversation bucket: two endpoints as the dissectors saw
// them, a port and application, an hour.
type convKey struct {
	client, server subject
	proto          string
	port           uint16
	app            string
	hour           int64 // unix seconds at the start of the hour
}

type convAgg struct{ flows, packets, bytes uint64 }

// subject is what an observation is about, as the dissector saw it.
type subject struct {
	MAC cordon.MAC
	IP  netip.Addr
}

// factSet is the distinct facts about one subject.
type factSet struct {
	facts  map[factKey]*cordon.Evidence
	counts map[string]int // distinct values per fact name
}

type factKey struct{ fact, value string }

// span records when something was first and last seen, and how often.
type span struct {
	first, last time.Time
	count       int
}

func (s *span) see(t time.Time) {
	if s.count == 0 || t.Before(s.first) {
		s.first = t
	}
	if t.After(s.last) {
		s.last = t
	}
	s.count++
}

// serviceKey is a transport port an endpoint offered or used.
type serviceKey struct {
	subject
	proto string
	port  uint16
	app   string
	role  string
}

// New returns an empty Inventory.
func New() *Inventory {
	return &Inventory{
		subjects: make(map[subject]*factSet),
		bindings: make(map[cordon.MAC]map[netip.Addr]*span),
		services: make(map[serviceKey]*span),
		convs:    make(map[convKey]*convAgg),
	}
}

// Observe records one fact.
func (inv *Inventory) Observe(o cordon.Observation) {
	if o.MAC.IsMulticast() || (o.MAC.IsZero() && !o.IP.IsValid()) {
		return
	}
	k := subject{o.MAC, o.IP.Unmap()}
	fs := inv.subjects[k]
	if fs == nil {
		fs = &factSet{facts: make(map[factKey]*cordon.Evidence), counts: make(map[string]int)}
		inv.subjects[k] = fs
	}
	fk := factKey{o.Fact, o.Value}
	e := fs.facts[fk]
	if e == nil {
		if len(fs.facts) >= maxFactsPerSubj || fs.counts[o.Fact] >= maxValuesPerFact {
			return
		}
		fs.counts[o.Fact]++
		e = &cordon.Evidence{Fact: o.Fact, Value: o.Value, FirstSeen: o.Time, LastSeen: o.Time}
		fs.facts[fk] = e
	}
	if o.Time.Before(e.FirstSeen) {
		e.FirstSeen = o.Time
	}
	if o.Time.After(e.LastSeen) {
		e.LastSeen = o.Time
	}
	e.Count++
}

// Flow records one flow: the address bindings it shows and, when the server
// answered, the service on its port. A flow reported while open is counted
// once, on its first record.
func (inv *Inventory) Flow(f cordon.FlowRecord) {
	if f.Since.IsZero() {
		inv.flows++
	}
	inv.bind(f.Client, f.First, f.Last)
	if f.Answered {
		inv.bind(f.Server, f.First, f.Last)
		inv.service(f.Server, f, "server")
		inv.service(subject{f.Client.MAC, f.Client.IP}.endpoint(f.Server.Port), f, "client")
		inv.converse(f)
	}
}

// converse adds an answered flow to its hourly conversation: the hour its
// record's counts begin, so a long flow's traffic lands in the hours it
// went on, one record at a time.
func (inv *Inventory) converse(f cordon.FlowRecord) {
	k := convKey{
		client: subject{f.Client.MAC, f.Client.IP.Unmap()},
		server: subject{f.Server.MAC, f.Server.IP.Unmap()},
		proto:  f.Proto, port: f.Server.Port, app: f.App,
		hour: f.Start().Truncate(time.Hour).Unix(),
	}
	c := inv.convs[k]
	if c == nil {
		c = &convAgg{}
		inv.convs[k] = c
	}
	if f.Since.IsZero() {
		c.flows++
	}
	c.packets += f.Packets
	c.bytes += f.Bytes
}

func (s subject) endpoint(port uint16) cordon.Endpoint {
	return cordon.Endpoint{MAC: s.MAC, IP: s.IP, Port: port}
}

func (inv *Inventory) bind(ep cordon.Endpoint, first, last time.Time) {
	if ep.MAC.IsZero() || ep.MAC.IsMulticast() || !ep.IP.IsValid() {
		return
	}
	m := inv.bindings[ep.MAC]
	if m == nil {
		m = make(map[netip.Addr]*span)
		inv.bindings[ep.MAC] = m
	}
	ip := ep.IP.Unmap()
	sp := m[ip]
	if sp == nil {
		sp = &span{}
		m[ip] = sp
	}
	sp.see(first)
	sp.see(last)
}

func (inv *Inventory) service(ep cordon.Endpoint, f cordon.FlowRecord, role string) {
	k := serviceKey{subject: subject{ep.MAC, ep.IP.Unmap()}, proto: f.Proto, port: ep.Port, app: f.App, role: role}
	sp := inv.services[k]
	if sp == nil {
		sp = &span{}
		inv.services[k] = sp
	}
	sp.see(f.First)
	sp.see(f.Last)
}

// Flows returns how many flow records were seen.
func (inv *Inventory) Flows() uint64 { return inv.flows }
