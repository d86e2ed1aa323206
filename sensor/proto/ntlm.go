package proto

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
)

// NTLMSSP (MS-NLMP) rides inside other protocols: SMB session setup security
// blobs (usually wrapped in SPNEGO), HTTP "Authorization: NTLM", RPC and
// more. It names both machines of an authentication: the server's CHALLENGE
// carries its NetBIOS and DNS names in target info, the client's
// AUTHENTICATE its workstation and domain, and every message may carry the
// sender's Windows version. It also carries the user name and the
// challenge responses (password-derived): those are never read.

// ntlmSignature starts every NTLMSSP message.
var ntlmSignature = []byte("NTLMSSP\x00")

// NTLMSSP message types.
const (
	ntlmNegotiate    = 1
	ntlmChallenge    = 2
	ntlmAuthenticate = 3
)

// Negotiate flags that change how a message is read.
const (
	ntlmFlagUnicode       = 0x00000001
	ntlmFlagDomainOEM     = 0x00001000 // NEGOTIATE_OEM_DOMAIN_SUPPLIED
	ntlmFlagWorkstaOEM    = 0x00002000 // NEGOTIATE_OEM_WORKSTATION_SUPPLIED
	ntlmFlagTargetInfo    = 0x00800000
	ntlmFlagVersion       = 0x02000000
	ntlmFixedNegotiate    = 32 // fixed part before the optional VERSION
	ntlmFixedChallenge    = 48
	ntlmFixedAuthenticate = 64
)

// Target info AV pair identifiers (MS-NLMP 2.2.2.1) and the facts they give.
var ntlmAVFacts = [...]string{
	1: "ntlm.netbios_computer",
	2: "ntlm.netbios_domain",
	3: "ntlm.dns_computer",
	4: "ntlm.dns_domain",
	5: "ntlm.dns_tree",
}

// ntlmIndex returns the offset of the NTLMSSP signature in b, or -1. SPNEGO
// wraps the message in ASN.1 whose exact shape varies between Windows,
// Samba and embedded stacks; finding the signature is simpler and as safe,
// since parseNTLMSSP checks everything after it.
func ntlmIndex(b []byte) int { return bytes.Index(b, ntlmSignature) }

// parseNTLMSSP reads one NTLMSSP message that starts at b[0] and emits what it
// reveals about the endpoint that sent it (about). A NEGOTIATE or
// AUTHENTICATE comes from a client, a CHALLENGE from a server. It never emits
// the user name, the challenge or the responses, and ignores anything
// malformed.
func parseNTLMSSP(b []byte, about cordon.Endpoint, e Emitter) {
	if len(b) < 12 || !bytes.Equal(b[:8], ntlmSignature) {
		return
	}
	switch binary.LittleEndian.Uint32(b[8:12]) {
	case ntlmNegotiate:
		if len(b) < 16 {
			return
		}
		flags := binary.LittleEndian.Uint32(b[12:16])
		ntlmVersion(b, flags, ntlmFixedNegotiate, []int{16, 24}, about, e)
		// A NEGOTIATE names the client's domain and workstation only when
		// it says so, always in the OEM character set.
		if flags&ntlmFlagDomainOEM != 0 {
			ntlmEmitField(b, 16, false, about, "ntlm.netbios_domain", e)
		}
		if flags&ntlmFlagWorkstaOEM != 0 {
			ntlmEmitField(b, 24, false, about, "ntlm.netbios_computer", e)
		}
	case ntlmChallenge:
		if len(b) < 24 {
			return
		}
		flags := binary.LittleEndian.Uint32(b[20:24])
		ntlmVersion(b, flags, ntlmFixedChallenge, []int{12, 40}, about, e)
		if flags&ntlmFlagTargetInfo != 0 {
			if info, ok := ntlmField(b, 40); ok {
				ntlmTargetInfo(info, about, e)
			}
		}
	case ntlmAuthenticate:
		if len(b) < ntlmFixedAuthenticate {
			return
		}
		flags := binary.LittleEndian.Uint32(b[60:64])
		ntlmVersion(b, flags, ntlmFixedAuthenticate, []int{12, 20, 28, 36, 44, 52}, about, e)
		uni := flags&ntlmFlagUnicode != 0
		// Offset 36 is the user name: deliberately never read.
		ntlmEmitField(b, 28, uni, about, "ntlm.netbios_domain", e)
		ntlmEmitField(b, 44, uni, about, "ntlm.netbios_computer", e)
	}
}

// ntlmVersion emits the VERSION structure that follows a message's fixed
// part at off. Old clients (NT 4, Samba 3) send no VERSION and start their
// payload right after the fixed part, so the structure is read only when
// the flag says so and no payload field (named by the offsets of its field
// descriptors) starts inside it.
func ntlmVersion(b []byte, flags uint32, off int, fields []int, about cordon.Endpoint, e Emitter) {
	if flags&ntlmFlagVersion == 0 || len(b) < off+8 {
		return
	}
	for _, f := range fields {
		l := binary.LittleEndian.Uint16(b[f : f+2])
		if o := binary.LittleEndian.Uint32(b[f+4 : f+8]); l > 0 && o < uint32(off+8) {
			return
		}
	}
	major, minor := b[off], b[off+1]
	build := binary.LittleEndian.Uint16(b[off+2 : off+4])
	if major == 0 && minor == 0 && build == 0 {
		return
	}
	var buf [24]byte
	v := strconv.AppendUint(buf[:0], uint64(major), 10)
	v = append(v, '.')
	v = strconv.AppendUint(v, uint64(minor), 10)
	v = append(v, '.')
	v = strconv.AppendUint(v, uint64(build), 10)
	e.Emit(about, "ntlm.os_version", string(v))
}

// ntlmField returns the payload named by the 8-byte field descriptor (length,
// maximum length, offset from the message start) at b[at:].
func ntlmField(b []byte, at int) ([]byte, bool) {
	if len(b) < at+8 {
		return nil, false
	}
	l := int(binary.LittleEndian.Uint16(b[at : at+2]))
	o := int(binary.LittleEndian.Uint32(b[at+4 : at+8]))
	if l == 0 || o < 0 || o > len(b) || l > len(b)-o {
		return nil, false
	}
	return b[o : o+l], true
}

// ntlmEmitField emits the string named by the field descriptor at b[at:].
func ntlmEmitField(b []byte, at int, unicode bool, about cordon.Endpoint, fact string, e Emitter) {
	v, ok := ntlmField(b, at)
	if !ok {
		return
	}
	var s string
	if unicode {
		s = cleanUTF16LE(v)
	} else {
		s = Clean(v)
	}
	if s != "" {
		e.Emit(about, fact, s)
	}
}

// ntlmTargetInfo emits the names in a CHALLENGE's AV pair list.
func ntlmTargetInfo(info []byte, about cordon.Endpoint, e Emitter) {
	for len(info) >= 4 {
		id := binary.LittleEndian.Uint16(info[0:2])
		l := int(binary.LittleEndian.Uint16(info[2:4]))
		if id == 0 || l > len(info)-4 { // MsvAvEOL, or a pair cut short
			return
		}
		if int(id) < len(ntlmAVFacts) && ntlmAVFacts[id] != "" {
			if s := cleanUTF16LE(info[4 : 4+l]); s != "" {
				e.Emit(about, ntlmAVFacts[id], s)
			}
		}
		info = info[4+l:]
	}
}

// cleanUTF16LE is Clean for UTF-16LE text (SMB and NTLMSSP "Unicode"
// strings). It stops at a NUL character, decodes surrogate pairs, and reads
// no more than a fact value can hold.
func cleanUTF16LE(b []byte) string {
	var buf [MaxValue * 2]byte
	out := buf[:0]
	for i := 0; i+1 < len(b) && len(out) < MaxValue+utf8.UTFMax; i += 2 {
		r := rune(binary.LittleEndian.Uint16(b[i:]))
		if r == 0 {
			break
		}
		if utf16.IsSurrogate(r) && i+3 < len(b) {
			r2 := rune(binary.LittleEndian.Uint16(b[i+2:]))
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				r = d
				i += 2
			}
		}
		out = utf8.AppendRune(out, r)
	}
	return Clean(out)
}
