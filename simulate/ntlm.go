package simulate

// NTLMSSP messages (MS-NLMP) wrapped in SPNEGO (RFC 4178) as Windows sends
// them inside SMB session setups. The VERSION structure carries the
// Windows build, which is the OS evidence the sensor reads.

var (
	oidSPNEGO  = "1.3.6.1.5.5.2"
	oidNTLMSSP = "1.3.6.1.4.1.311.2.2.10"
)

// winVersion is major.minor.build of Windows.
type winVersion struct {
	major, minor byte
	build        uint16
}

const ntlmFlags = 0xe2888215 // 56, KEY_EXCH, 128, VERSION, TARGET_INFO, EXTENDED_SESSIONSECURITY, ALWAYS_SIGN, NTLM, SIGN, REQUEST_TARGET, UNICODE

func utf16le(b []byte, s string) []byte {
	for _, r := range s {
		if r > 0xffff {
			r = '?'
		}
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func ntlmVersion(b []byte, v winVersion) []byte {
	b = append(b, v.major, v.minor)
	b = le16(b, v.build)
	return append(b, 0, 0, 0, 15)
}

// ntlmField appends a len/maxlen/offset triple.
func ntlmField(b []byte, n, off int) []byte {
	b = le16(b, uint16(n))
	b = le16(b, uint16(n))
	return le32(b, uint32(off))
}

func ntlmNegotiate(v winVersion) []byte {
	b := append([]byte("NTLMSSP\x00"), 1, 0, 0, 0)
	b = le32(b, 0xe2088297)
	b = ntlmField(b, 0, 0)
	b = ntlmField(b, 0, 0)
	return ntlmVersion(b, v)
}

// ntlmIdentity names a server in a CHALLENGE's target info.
type ntlmIdentity struct {
	nbDomain, nbComputer, dnsDomain, dnsComputer string
}

func avPair(b []byte, id uint16, s string) []byte {
	b = le16(b, id)
	b = le16(b, uint16(2*len(s)))
	return utf16le(b, s)
}

func ntlmTargetInfo(id ntlmIdentity, filetime uint64) []byte {
	var ti []byte
	ti = avPair(ti, 2, id.nbDomain)
	ti = avPair(ti, 1, id.nbComputer)
	ti = avPair(ti, 4, id.dnsDomain)
	ti = avPair(ti, 3, id.dnsComputer)
	ti = avPair(ti, 5, id.dnsDomain)
	ti = le16(ti, 7)
	ti = le16(ti, 8)
	ti = le64(ti, filetime)
	return append(ti, 0, 0, 0, 0)
}

func ntlmChallenge(g *gen, v winVersion, id ntlmIdentity, filetime uint64) []byte {
	target := utf16le(nil, id.nbDomain)
	ti := ntlmTargetInfo(id, filetime)
	b := append([]byte("NTLMSSP\x00"), 2, 0, 0, 0)
	b = ntlmField(b, len(target), 56)
	b = le32(b, ntlmFlags|0x00810000) // + TARGET_TYPE_DOMAIN
	b = g.randBytes(b, 8)
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0)
	b = ntlmField(b, len(ti), 56+len(target))
	b = ntlmVersion(b, v)
	b = append(b, target...)
	return append(b, ti...)
}

func ntlmAuthenticate(g *gen, v winVersion, domain, user, workstation string, server ntlmIdentity, filetime uint64) []byte {
	dom := utf16le(nil, domain)
	usr := utf16le(nil, user)
	ws := utf16le(nil, workstation)
	// NTLMv2 response: NTProofStr, then the client blob echoing the target
	// info with a timestamp and client challenge.
	nt := g.randBytes(nil, 16)
	nt = append(nt, 1, 1, 0, 0, 0, 0, 0, 0)
	nt = le64(nt, filetime)
	nt = g.randBytes(nt, 8)
	nt = append(nt, 0, 0, 0, 0)
	nt = append(nt, ntlmTargetInfo(server, filetime)...)
	nt = append(nt, 0, 0, 0, 0)
	lm := make([]byte, 24)
	key := g.randBytes(nil, 16)
	off := 88
	b := append([]byte("NTLMSSP\x00"), 3, 0, 0, 0)
	b = ntlmField(b, len(lm), off+len(dom)+len(usr)+len(ws))
	b = ntlmField(b, len(nt), off+len(dom)+len(usr)+len(ws)+len(lm))
	b = ntlmField(b, len(dom), off)
	b = ntlmField(b, len(usr), off+len(dom))
	b = ntlmField(b, len(ws), off+len(dom)+len(usr))
	b = ntlmField(b, len(key), off+len(dom)+len(usr)+len(ws)+len(lm)+len(nt))
	b = le32(b, ntlmFlags)
	b = ntlmVersion(b, v)
	b = g.randBytes(b, 16) // MIC
	b = append(b, dom...)
	b = append(b, usr...)
	b = append(b, ws...)
	b = append(b, lm...)
	b = append(b, nt...)
	return append(b, key...)
}

// spnegoInit wraps an NTLM NEGOTIATE in a GSS-API NegTokenInit.
func spnegoInit(tok []byte) []byte {
	var mech []byte
	mech = berTLV(mech, 0x06, berOID(oidNTLMSSP))
	var body []byte
	body = berTLV(body, 0xa0, berTLV(nil, 0x30, mech))
	body = berTLV(body, 0xa2, berTLV(nil, 0x04, tok))
	var inner []byte
	inner = berTLV(inner, 0x06, berOID(oidSPNEGO))
	inner = berTLV(inner, 0xa0, berTLV(nil, 0x30, body))
	return berTLV(nil, 0x60, inner)
}

// spnegoResp wraps a token in a NegTokenResp with the given state (0
// accept-completed, 1 accept-incomplete; -1 to omit).
func spnegoResp(state int, withMech bool, tok []byte) []byte {
	var body []byte
	if state >= 0 {
		body = berTLV(body, 0xa0, []byte{0x0a, 1, byte(state)})
	}
	if withMech {
		body = berTLV(body, 0xa1, berTLV(nil, 0x06, berOID(oidNTLMSSP)))
	}
	if tok != nil {
		body = berTLV(body, 0xa2, berTLV(nil, 0x04, tok))
	}
	return berTLV(nil, 0xa1, berTLV(nil, 0x30, body))
}

// spnegoServerInit is the NegTokenInit a server offers in its negotiate
// response: the mechanisms it supports.
func spnegoServerInit() []byte {
	var mechs []byte
	mechs = berTLV(mechs, 0x06, berOID("1.2.840.48018.1.2.2"))
	mechs = berTLV(mechs, 0x06, berOID("1.2.840.113554.1.2.2"))
	mechs = berTLV(mechs, 0x06, berOID(oidNTLMSSP))
	var body []byte
	body = berTLV(body, 0xa0, berTLV(nil, 0x30, mechs))
	var inner []byte
	inner = berTLV(inner, 0x06, berOID(oidSPNEGO))
	inner = berTLV(inner, 0xa0, berTLV(nil, 0x30, body))
	return berTLV(nil, 0x60, inner)
}
