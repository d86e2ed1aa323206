package proto

import (
	"encoding/binary"

	"github.com/cordonsec/cordon"
)

// This file reads the SMB2/3 messages of the SMB dissector (MS-SMB2 2.2):
// negotiate, session setup, tree connect, and the compounded chains they
// may come in.

// SMB2 commands and flags read here.
const (
	smb2Negotiate    = 0
	smb2SessionSetup = 1
	smb2TreeConnect  = 3
	smb2FlagResponse = 0x00000001
	smb2HeaderLen    = 64
)

// smb2 reads one SMB2 message and the others compounded after it.
func (c *smbConn) smb2(m []byte, server bool) {
	about := c.s.Client
	if server {
		about = c.s.Server
	}
	// Compounded requests and responses chain through NextCommand, an
	// 8-byte aligned offset from this header to the next one.
	for chain := 0; chain < 32 && len(m) >= smb2HeaderLen; chain++ {
		if m[0] != 0xfe || m[1] != 'S' || m[2] != 'M' || m[3] != 'B' {
			return
		}
		next := int(binary.LittleEndian.Uint32(m[20:24]))
		msg := m
		if next > 0 {
			if next < smb2HeaderLen || next > len(m) {
				return
			}
			msg = m[:next]
		}
		c.smb2One(msg, about)
		if next == 0 {
			return
		}
		m = m[next:]
	}
}

// smb2One reads one SMB2 header and body.
func (c *smbConn) smb2One(m []byte, about cordon.Endpoint) {
	status := binary.LittleEndian.Uint32(m[8:12])
	cmd := binary.LittleEndian.Uint16(m[12:14])
	resp := binary.LittleEndian.Uint32(m[16:20])&smb2FlagResponse != 0
	body := m[smb2HeaderLen:]
	switch {
	case cmd == smb2Negotiate && !resp:
		if len(body) < 36 {
			return
		}
		n := int(binary.LittleEndian.Uint16(body[2:4]))
		var buf [MaxValue]byte
		var db [12]byte
		v := buf[:0]
		for i := 0; i < n && 36+2*i+2 <= len(body); i++ {
			d := smb2Dialect(binary.LittleEndian.Uint16(body[36+2*i:]), db[:0])
			if len(d) == 0 || len(v)+1+len(d) > len(buf) {
				continue
			}
			if len(v) > 0 {
				v = append(v, ',')
			}
			v = append(v, d...)
		}
		if len(v) > 0 {
			c.e.Emit(c.s.Client, "smb.dialects_offered", string(v))
		}
	case cmd == smb2Negotiate && resp:
		if len(body) < 6 {
			return
		}
		var buf [12]byte
		if d := smb2Dialect(binary.LittleEndian.Uint16(body[4:6]), buf[:0]); len(d) > 0 {
			c.e.Emit(c.s.Server, "smb.dialect", string(d))
		}
	case cmd == smb2SessionSetup:
		// The security buffer offset counts from the SMB2 header; the
		// request has it at body offset 12, the response at 4.
		at := 12
		if resp {
			at = 4
			if status != smbMoreProcessing {
				c.setupEnd = true
			}
		}
		if len(body) < at+4 {
			return
		}
		o := int(binary.LittleEndian.Uint16(body[at:]))
		l := int(binary.LittleEndian.Uint16(body[at+2:]))
		if o < smb2HeaderLen || o > len(m) || l > len(m)-o {
			return
		}
		sec := m[o : o+l]
		if i := ntlmIndex(sec); i >= 0 {
			parseNTLMSSP(sec[i:], about, c.e)
		}
	case cmd == smb2TreeConnect && !resp:
		c.treeConn = true
	}
}

// smb2Dialect appends the dotted name of an SMB2 dialect revision to b:
// 0x0202 is "2.0.2", 0x0210 "2.1", 0x0311 "3.1.1". The 0x02ff wildcard
// (answering an SMB1 multi-protocol negotiate, "more to come") and
// unknown values append nothing.
func smb2Dialect(d uint16, b []byte) []byte {
	major, hi, lo := d>>8, d>>4&0xf, d&0xf
	if major < 2 || major > 9 || hi > 9 || lo > 9 {
		return b
	}
	b = append(b, byte('0'+major), '.', byte('0'+hi))
	if lo != 0 {
		b = append(b, '.', byte('0'+lo))
	}
	return b
}
