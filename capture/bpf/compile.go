package bpf

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// DefaultSnapLen is what a matching packet keeps when no snap length is
// given: tcpdump's default, enough for any frame.
const DefaultSnapLen = 262144

// Compile compiles a filter expression for an Ethernet link. Matching
// packets are kept up to snapLen bytes (DefaultSnapLen if 0).
//
// The grammar is tcpdump's, for the primitives a sensor needs:
//
//	[ip|ip6|arp|tcp|udp|sctp] [src|dst] host ADDR
//	[ip|ip6|arp] [src|dst] net ADDR/LEN
//	[ip|ip6|tcp|udp|sctp] [src|dst] port N | portrange N-M
//	tcp | udp | sctp | icmp | icmp6 | arp | rarp | ip | ip6
//	vlan [ID]
//
// joined by and (&&), or (||), not (!) and parentheses. As in tcpdump, and
// and or have the same precedence and group from the left, a bare value
// after and/or repeats the qualifiers before it ("port 80 or 443"), and
// vlan shifts the offsets of everything after it by the tag's four bytes.
//
// On a live Linux socket the kernel usually takes the 802.1Q tag out of the
// frame before the filter runs (package live puts it back afterwards), so
// there "ip and udp" matches tagged packets too and "vlan" matches only
// frames whose tag stayed in place.
func Compile(expr string, snapLen uint32) ([]Instruction, error) {
	if snapLen == 0 {
		snapLen = DefaultSnapLen
	}
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return []Instruction{{Op: classRET | srcK, K: snapLen}}, nil
	}
	p := &parser{toks: toks}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, p.errorf("unexpected %q", p.toks[p.pos].text)
	}
	var g gen
	accept, reject := g.label(), g.label()
	g.node(n, accept, reject)
	g.place(accept)
	g.emit(Instruction{Op: classRET | srcK, K: snapLen})
	g.place(reject)
	g.emit(Instruction{Op: classRET | srcK, K: 0})
	prog, err := g.resolve()
	if err != nil {
		return nil, err
	}
	return prog, Validate(prog)
}

// token is a word or operator of an expression, with its byte offset.
type token struct {
	text string
	pos  int
}

func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, token{string(c), i})
			i++
		case c == '!':
			toks = append(toks, token{"not", i})
			i++
		case strings.HasPrefix(s[i:], "&&"):
			toks = append(toks, token{"and", i})
			i += 2
		case strings.HasPrefix(s[i:], "||"):
			toks = append(toks, token{"or", i})
			i += 2
		case c == '&' || c == '|':
			return nil, fmt.Errorf("bpf: filter: character %d: %q needs to be doubled (%c%c)", i+1, c, c, c)
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r()!&|", rune(s[j])) {
				j++
			}
			toks = append(toks, token{strings.ToLower(s[i:j]), i})
			i = j
		}
	}
	return toks, nil
}

// node is the parsed expression, already expanded into packet tests.
type node struct {
	op   string // "and", "or", "not", "test"
	a, b *node
	t    test
}

// test loads a field and compares it: A = field (& mask); A op k.
type test struct {
	size  int    // 1, 2 or 4 bytes
	off   uint32 // from the start of the frame
	ipHdr uint32 // when non-zero, add the IPv4 header length found at this offset (ldx msh)
	mask  uint32 // 0: none
	op    uint16 // jmpJEQ, jmpJGT, jmpJGE or jmpJSET
	k     uint32
}

func and(a, b *node) *node { return &node{op: "and", a: a, b: b} }
func or(a, b *node) *node  { return &node{op: "or", a: a, b: b} }
func not(a *node) *node    { return &node{op: "not", a: a} }
func leaf(t test) *node    { return &node{op: "test", t: t} }

func ors(ns ...*node) *node {
	n := ns[0]
	for _, m := range ns[1:] {
		n = or(n, m)
	}
	return n
}

func ands(ns ...*node) *node {
	n := ns[0]
	for _, m := range ns[1:] {
		n = and(n, m)
	}
	return n
}

// qual is a primitive's qualifiers, remembered for bare values.
type qual struct {
	proto, dir, kind string
}

type parser struct {
	toks []token
	pos  int
	last *qual
	vlan uint32 // bytes of VLAN tags the primitives parsed so far sit behind
}

func (p *parser) errorf(format string, args ...any) error {
	at := "the end"
	if p.pos < len(p.toks) {
		at = fmt.Sprintf("character %d", p.toks[p.pos].pos+1)
	}
	return fmt.Errorf("bpf: filter: %s: %s", at, fmt.Sprintf(format, args...))
}

func (p *parser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos].text
	}
	return ""
}

func (p *parser) next() string {
	t := p.peek()
	p.pos++
	return t
}

// expr parses unary (("and"|"or") unary)*, grouping from the left.
func (p *parser) expr() (*node, error) {
	n, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		op := p.peek()
		if op != "and" && op != "or" {
			return n, nil
		}
		p.pos++
		m, err := p.unary()
		if err != nil {
			return nil, err
		}
		n = &node{op: op, a: n, b: m}
	}
}

func (p *parser) unary() (*node, error) {
	switch p.peek() {
	case "":
		return nil, p.errorf("the filter ends where a primitive was expected")
	case "not":
		p.pos++
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return not(n), nil
	case "(":
		p.pos++
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, p.errorf("expected ) to close the parenthesis")
		}
		p.pos++
		return n, nil
	}
	return p.primitive()
}

var protos = map[string]bool{"ip": true, "ip6": true, "arp": true, "rarp": true, "tcp": true, "udp": true, "sctp": true, "icmp": true, "icmp6": true}

func (p *parser) primitive() (*node, error) {
	var q qual
	w := p.peek()
	if w == "vlan" {
		p.pos++
		return p.vlanTag()
	}
	if protos[w] {
		q.proto = w
		p.pos++
		w = p.peek()
	}
	if w == "src" || w == "dst" {
		q.dir = w
		p.pos++
		w = p.peek()
	}
	switch w {
	case "host", "net", "port", "portrange":
		q.kind = w
		p.pos++
	default:
		if q.dir != "" {
			return nil, p.errorf("expected host, net, port or portrange after %s", q.dir)
		}
		if q.proto != "" {
			p.last = nil
			return p.protocol(q.proto)
		}
		// A bare value repeats the qualifiers of the primitive before it.
		if p.last == nil || w == "" || w == ")" || w == "and" || w == "or" {
			return nil, p.errorf("unknown primitive %q (expected host, net, port, portrange, a protocol or vlan)", w)
		}
		q = *p.last
	}
	if p.peek() == "" {
		return nil, p.errorf("%s needs a value", q.kind)
	}
	p.last = &q
	val := p.next()
	p.pos--
	n, err := p.value(q, val)
	if err != nil {
		return nil, err
	}
	p.pos++
	return n, nil
}

// value builds the tests for one qualified value.
func (p *parser) value(q qual, val string) (*node, error) {
	switch q.kind {
	case "host":
		a, err := netip.ParseAddr(val)
		if err != nil || a.Zone() != "" {
			return nil, p.errorf("%q is not an IPv4 or IPv6 address (host names are not resolved)", val)
		}
		return p.addr(q, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	case "net":
		pf, err := netip.ParsePrefix(val)
		if err != nil {
			a, aerr := netip.ParseAddr(val)
			if aerr != nil {
				return nil, p.errorf("%q is not a network such as 10.20.0.0/16 or fd00::/8", val)
			}
			pf = netip.PrefixFrom(a, a.BitLen())
		}
		if pf.Masked() != pf {
			return nil, p.errorf("network %s has host bits set; did you mean %s?", val, pf.Masked())
		}
		return p.addr(q, pf)
	case "port", "portrange":
		lo, hi, err := ports(q.kind, val)
		if err != nil {
			return nil, p.errorf("%v", err)
		}
		return p.port(q, lo, hi)
	}
	return nil, p.errorf("unknown primitive %q", q.kind)
}

func ports(kind, val string) (lo, hi uint32, err error) {
	parse := func(s string) (uint32, error) {
		n, err := strconv.ParseUint(s, 10, 16)
		if err != nil {
			return 0, fmt.Errorf("%q is not a port number from 0 to 65535", s)
		}
		return uint32(n), nil
	}
	if kind == "port" {
		lo, err = parse(val)
		return lo, lo, err
	}
	a, b, ok := strings.Cut(val, "-")
	if !ok {
		return 0, 0, fmt.Errorf("portrange %q needs the form LOW-HIGH", val)
	}
	if lo, err = parse(a); err != nil {
		return 0, 0, err
	}
	if hi, err = parse(b); err != nil {
		return 0, 0, err
	}
	if lo > hi {
		lo, hi = hi, lo // as tcpdump does
	}
	return lo, hi, nil
}

// Ethernet offsets, before any VLAN tags.
const (
	offType = 12
	offNet  = 14
)

const (
	etherIP   = 0x0800
	etherIP6  = 0x86dd
	etherARP  = 0x0806
	etherRARP = 0x8035
)

var ipProtos = map[string]uint32{"icmp": 1, "tcp": 6, "udp": 17, "icmp6": 58, "sctp": 132}

func (p *parser) ether(t uint32) *node {
	return leaf(test{size: 2, off: offType + p.vlan, op: jmpJEQ, k: t})
}

// protocol is a bare protocol primitive such as "tcp" or "arp".
func (p *parser) protocol(name string) (*node, error) {
	switch name {
	case "ip":
		return p.ether(etherIP), nil
	case "ip6":
		return p.ether(etherIP6), nil
	case "arp":
		return p.ether(etherARP), nil
	case "rarp":
		return p.ether(etherRARP), nil
	}
	k := ipProtos[name]
	l := offNet + p.vlan
	// IPv6: the next header, or the one after a fragment header (44), as
	// tcpdump checks.
	v6 := and(p.ether(etherIP6), or(
		leaf(test{size: 1, off: l + 6, op: jmpJEQ, k: k}),
		and(leaf(test{size: 1, off: l + 6, op: jmpJEQ, k: 44}), leaf(test{size: 1, off: l + 40, op: jmpJEQ, k: k}))))
	v4 := and(p.ether(etherIP), leaf(test{size: 1, off: l + 9, op: jmpJEQ, k: k}))
	switch name {
	case "icmp":
		return v4, nil
	case "icmp6":
		return v6, nil
	}
	return or(v6, v4), nil
}

// addr matches a host or network in IPv4, ARP/RARP or IPv6 headers.
func (p *parser) addr(q qual, pf netip.Prefix) (*node, error) {
	l := offNet + p.vlan
	match := func(off uint32) *node { return p.prefix(off, pf) }
	dirs := func(src, dst uint32) *node {
		switch q.dir {
		case "src":
			return match(src)
		case "dst":
			return match(dst)
		}
		return or(match(src), match(dst))
	}
	switch q.proto {
	case "", "ip", "ip6", "arp", "rarp":
	default:
		return nil, p.errorf("%s cannot qualify %s (use %s and %s ...)", q.proto, q.kind, q.proto, q.kind)
	}
	if pf.Addr().Is6() {
		if q.proto != "" && q.proto != "ip6" {
			return nil, p.errorf("%s is an IPv6 address but %s was asked for", pf.Addr(), q.proto)
		}
		return and(p.ether(etherIP6), dirs(l+8, l+24)), nil
	}
	ip := and(p.ether(etherIP), dirs(l+12, l+16))
	arp := and(p.ether(etherARP), dirs(l+14, l+24))
	rarp := and(p.ether(etherRARP), dirs(l+14, l+24))
	switch q.proto {
	case "ip":
		return ip, nil
	case "arp":
		return arp, nil
	case "rarp":
		return rarp, nil
	case "ip6":
		return nil, p.errorf("%s is an IPv4 address but ip6 was asked for", pf.Addr())
	}
	return ors(ip, arp, rarp), nil
}

// prefix compares the address at off with pf, a word at a time.
func (p *parser) prefix(off uint32, pf netip.Prefix) *node {
	b := pf.Addr().AsSlice()
	var ns []*node
	for i, bits := 0, pf.Bits(); bits > 0; i, bits = i+4, bits-32 {
		w := uint32(b[i])<<24 | uint32(b[i+1])<<16 | uint32(b[i+2])<<8 | uint32(b[i+3])
		t := test{size: 4, off: off + uint32(i), op: jmpJEQ, k: w}
		if bits < 32 {
			t.mask = ^uint32(0) << (32 - bits)
			t.k &= t.mask
		}
		ns = append(ns, leaf(t))
	}
	if len(ns) == 0 { // net 0.0.0.0/0: any address of the family
		return leaf(test{size: 1, off: 0, op: jmpJGE, k: 0})
	}
	return ands(ns...)
}

// port matches TCP, UDP or SCTP ports in lo..hi over IPv4 (first fragments
// only) and IPv6 (no extension headers), as tcpdump does.
func (p *parser) port(q qual, lo, hi uint32) (*node, error) {
	l := offNet + p.vlan
	var list []string
	switch q.proto {
	case "":
		list = []string{"tcp", "udp", "sctp"}
	case "ip", "ip6":
		list = []string{"tcp", "udp", "sctp"}
	case "tcp", "udp", "sctp":
		list = []string{q.proto}
	default:
		return nil, p.errorf("%s has no ports", q.proto)
	}
	inRange := func(t test) *node {
		if lo == hi {
			t.op, t.k = jmpJEQ, lo
			return leaf(t)
		}
		ge, gt := t, t
		ge.op, ge.k = jmpJGE, lo
		gt.op, gt.k = jmpJGT, hi
		return and(leaf(ge), not(leaf(gt)))
	}
	dirs := func(src, dst test) *node {
		switch q.dir {
		case "src":
			return inRange(src)
		case "dst":
			return inRange(dst)
		}
		return or(inRange(src), inRange(dst))
	}
	protoIs := func(off uint32) *node {
		var ns []*node
		for _, name := range list {
			ns = append(ns, leaf(test{size: 1, off: off, op: jmpJEQ, k: ipProtos[name]}))
		}
		return ors(ns...)
	}
	v6 := ands(p.ether(etherIP6), protoIs(l+6),
		dirs(test{size: 2, off: l + 40}, test{size: 2, off: l + 42}))
	v4 := ands(p.ether(etherIP), protoIs(l+9),
		not(leaf(test{size: 2, off: l + 6, op: jmpJSET, k: 0x1fff})),
		dirs(test{size: 2, off: l, ipHdr: l}, test{size: 2, off: l + 2, ipHdr: l}))
	switch q.proto {
	case "ip":
		return v4, nil
	case "ip6":
		return v6, nil
	}
	return or(v6, v4), nil
}

// vlanTag matches an 802.1Q or 802.1ad tag, with the given ID if one
// follows, and moves later primitives past it.
func (p *parser) vlanTag() (*node, error) {
	off := offType + p.vlan
	n := ors(leaf(test{size: 2, off: off, op: jmpJEQ, k: 0x8100}),
		leaf(test{size: 2, off: off, op: jmpJEQ, k: 0x88a8}),
		leaf(test{size: 2, off: off, op: jmpJEQ, k: 0x9100}))
	if v := p.peek(); v != "" && v[0] >= '0' && v[0] <= '9' {
		id, err := strconv.ParseUint(v, 10, 12)
		if err != nil {
			return nil, p.errorf("%q is not a VLAN ID from 0 to 4095", v)
		}
		p.pos++
		n = and(n, leaf(test{size: 2, off: off + 2, mask: 0x0fff, op: jmpJEQ, k: uint32(id)}))
	}
	p.vlan += 4
	p.last = nil
	return n, nil
}

// gen emits code for a node tree, jumping to labels resolved at the end.
type gen struct {
	prog   []Instruction
	jumps  []jump
	labels []int // label → pc, -1 until placed
}

type jump struct{ pc, t, f int }

func (g *gen) label() int {
	g.labels = append(g.labels, -1)
	return len(g.labels) - 1
}

func (g *gen) place(l int) { g.labels[l] = len(g.prog) }

func (g *gen) emit(in Instruction) { g.prog = append(g.prog, in) }

func (g *gen) node(n *node, t, f int) {
	switch n.op {
	case "and":
		mid := g.label()
		g.node(n.a, mid, f)
		g.place(mid)
		g.node(n.b, t, f)
	case "or":
		mid := g.label()
		g.node(n.a, t, mid)
		g.place(mid)
		g.node(n.b, t, f)
	case "not":
		g.node(n.a, f, t)
	default:
		tt := n.t
		sizes := map[int]uint16{1: sizeB, 2: sizeH, 4: sizeW}
		if tt.ipHdr != 0 {
			g.emit(Instruction{Op: classLDX | sizeB | modeMSH, K: tt.ipHdr})
			g.emit(Instruction{Op: classLD | sizes[tt.size] | modeIND, K: tt.off})
		} else {
			g.emit(Instruction{Op: classLD | sizes[tt.size] | modeABS, K: tt.off})
		}
		if tt.mask != 0 {
			g.emit(Instruction{Op: classALU | aluAND | srcK, K: tt.mask})
		}
		g.jumps = append(g.jumps, jump{pc: len(g.prog), t: t, f: f})
		g.emit(Instruction{Op: classJMP | tt.op | srcK, K: tt.k})
	}
}

func (g *gen) resolve() ([]Instruction, error) {
	if len(g.prog) > MaxInstructions {
		return nil, fmt.Errorf("bpf: filter: the program needs %d instructions; the kernel takes at most %d", len(g.prog), MaxInstructions)
	}
	for _, j := range g.jumps {
		jt, jf := g.labels[j.t]-j.pc-1, g.labels[j.f]-j.pc-1
		if jt > 255 || jf > 255 {
			return nil, fmt.Errorf("bpf: filter: too complex for classic BPF's 255-instruction jumps; simplify it or give a `tcpdump -ddd` program")
		}
		g.prog[j.pc].Jt, g.prog[j.pc].Jf = uint8(jt), uint8(jf)
	}
	return g.prog, nil
}
