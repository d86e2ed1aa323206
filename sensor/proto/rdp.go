package proto

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// RDP recognises the Remote Desktop Protocol by its connection sequence
// (MS-RDPBCGR §1.3.1.1): a TPKT-framed X.224 Connection Request carrying a
// routing cookie ("Cookie: mstshash=ACCOUNT") and/or an RDP_NEG_REQ, and the
// Connection Confirm carrying an RDP_NEG_RSP or RDP_NEG_FAILURE. It emits
// rdp.cookie and rdp.requested_protocols about the client and
// rdp.selected_protocol about the server. When the two sides agree on TLS or
// CredSSP, the TLS handshake that follows is read as TLS would read it, so
// the server's certificate (which names the host) is seen too.
//
// A negotiation failure is emitted as rdp.selected_protocol
// "failure:<code name>", for example "failure:ssl_required_by_server".
var RDP = StreamDissector{
	Name:  "rdp",
	Ports: []uint16{3389},
	Parse: parseRDP,
}

// X.224 TPDU codes (ITU-T X.224 §13) and RDP negotiation types
// (MS-RDPBCGR §2.2.1.1.1, §2.2.1.2.1, §2.2.1.2.2).
const (
	x224ConnectRequest = 0xe0
	x224ConnectConfirm = 0xd0

	rdpNegReq     = 0x01
	rdpNegRsp     = 0x02
	rdpNegFailure = 0x03
)

// rdpPorts are where an X.224 Connection Request with nothing in its
// variable part (as the oldest RDP clients send) is taken as RDP.
var rdpPorts = []uint16{3389}

// rdpProtocols names the bits of requestedProtocols and the values of
// selectedProtocol (MS-RDPBCGR §2.2.1.1.1).
var rdpProtocols = [...]string{"ssl", "hybrid", "rdstls", "hybrid_ex", "rdsaad"}

// rdpFailures names the failureCode values of RDP_NEG_FAILURE.
var rdpFailures = [...]string{
	1: "ssl_required_by_server",
	2: "ssl_not_allowed_by_server",
	3: "ssl_cert_not_on_server",
	4: "inconsistent_flags",
	5: "hybrid_required_by_server",
	6: "ssl_with_user_auth_required_by_server",
}

func parseRDP(s *Stream, e Emitter) Status {
	cst, cvar, clen := x224TPDU(s.ClientData, x224ConnectRequest, s.Closed)
	sst, svar, slen := x224TPDU(s.ServerData, x224ConnectConfirm, s.Closed)
	if sst == Mine && !rdpConnectConfirm(svar) {
		sst = NotMine
	}
	switch {
	case cst == Mine:
		if !rdpConnectRequest(cvar, s) {
			return NotMine
		}
		emitConnectRequest(cvar, s, e)
	case cst == NotMine || len(s.ClientData) > 0:
		return cst
	case sst != Mine:
		// Only the server's side was captured, and it is not (yet)
		// a Connection Confirm.
		if sst == NotMine || s.Closed {
			return NotMine
		}
		return Undecided
	}
	switch {
	case sst == NotMine:
		return Done
	case sst == Undecided:
		if s.Closed {
			return Done
		}
		return Mine
	}
	if !emitConnectConfirm(svar, s, e) {
		return Done // standard RDP security: what follows is RC4 or MCS
	}
	return tlsDissect(s, s.ClientData[clen:], s.ServerData[slen:], e)
}

// x224TPDU checks for a TPKT (RFC 1006) holding an X.224 TPDU of the given
// code at the start of b. It returns the TPDU's variable part and the
// length of the whole TPKT once it is complete.
func x224TPDU(b []byte, code byte, closed bool) (st Status, variable []byte, n int) {
	switch {
	case len(b) >= 1 && b[0] != 3,
		len(b) >= 2 && b[1] != 0,
		len(b) < 6 && len(b) > 0 && closed:
		return NotMine, nil, 0
	case len(b) < 6:
		return Undecided, nil, 0
	}
	n = int(binary.BigEndian.Uint16(b[2:]))
	li := int(b[4])
	// A connection request or confirm is the whole TPKT: its length
	// indicator covers everything after itself, and it is at least the
	// seven bytes of the fixed part.
	if li != n-5 || li < 6 || b[5]&0xf0 != code {
		return NotMine, nil, 0
	}
	if len(b) < n {
		if closed {
			return NotMine, nil, 0
		}
		return Undecided, nil, 0
	}
	return Mine, b[11:n], n
}

// rdpConnectRequest reports whether the variable part of an X.224
// Connection Request is RDP's: a routing token or cookie line, then an
// optional RDP_NEG_REQ and correlation info. ISO transport users such as
// S7comm put TSAP parameters (codes 0xc0-0xc2) there instead.
func rdpConnectRequest(v []byte, s *Stream) bool {
	if len(v) == 0 {
		return serverPort(s, rdpPorts)
	}
	if bytes.HasPrefix(v, []byte("Cookie: ")) {
		return bytes.Contains(v, []byte("\r\n"))
	}
	return len(v) >= 8 && v[0] == rdpNegReq && binary.LittleEndian.Uint16(v[2:]) == 8
}

// rdpConnectConfirm reports whether the variable part of an X.224
// Connection Confirm is RDP's: empty or an RDP_NEG_RSP or RDP_NEG_FAILURE.
func rdpConnectConfirm(v []byte) bool {
	if len(v) == 0 {
		return true
	}
	return len(v) >= 8 && (v[0] == rdpNegRsp || v[0] == rdpNegFailure) &&
		binary.LittleEndian.Uint16(v[2:]) == 8
}

// emitConnectRequest emits the cookie and requested protocols of a
// Connection Request.
func emitConnectRequest(v []byte, s *Stream, e Emitter) {
	if bytes.HasPrefix(v, []byte("Cookie: ")) {
		line, rest, _ := bytes.Cut(v[len("Cookie: "):], []byte("\r\n"))
		if c := Clean(line); c != "" {
			e.Emit(s.Client, "rdp.cookie", c)
		}
		v = rest
	}
	if len(v) >= 8 && v[0] == rdpNegReq && binary.LittleEndian.Uint16(v[2:]) == 8 {
		e.Emit(s.Client, "rdp.requested_protocols", rdpProtocolNames(binary.LittleEndian.Uint32(v[4:])))
	}
}

// emitConnectConfirm emits the protocol the server chose and reports
// whether it is one where a TLS handshake follows.
func emitConnectConfirm(v []byte, s *Stream, e Emitter) (tls bool) {
	if len(v) < 8 {
		// No RDP_NEG_RSP: the server does standard RDP security.
		e.Emit(s.Server, "rdp.selected_protocol", "rdp")
		return false
	}
	code := binary.LittleEndian.Uint32(v[4:])
	if v[0] == rdpNegFailure {
		name := "unknown"
		if code < uint32(len(rdpFailures)) && rdpFailures[code] != "" {
			name = rdpFailures[code]
		}
		e.Emit(s.Server, "rdp.selected_protocol", "failure:"+name)
		return false
	}
	e.Emit(s.Server, "rdp.selected_protocol", rdpProtocolNames(code))
	// Every protocol but standard RDP security starts with TLS, CredSSP
	// included; RDSAAD too.
	return code != 0
}

// rdpProtocolNames names the protocol flags in p, comma-separated: "rdp"
// for none (standard RDP security), "0x…" for bits without a name.
func rdpProtocolNames(p uint32) string {
	if p == 0 {
		return "rdp"
	}
	var names []string
	for i, name := range rdpProtocols {
		if p&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	if rest := p &^ (1<<len(rdpProtocols) - 1); rest != 0 {
		const hexd = "0123456789abcdef"
		var h []byte
		for shift := 28; shift >= 0; shift -= 4 {
			if d := rest >> shift & 15; d != 0 || len(h) > 0 || shift == 0 {
				h = append(h, hexd[d])
			}
		}
		names = append(names, "0x"+string(h))
	}
	return strings.Join(names, ",")
}
