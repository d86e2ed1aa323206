package proto

import (
	"bytes"
	"encoding/binary"
	"strings"

	"github.com/cordonsec/cordon"
)

// SMB decodes the start of SMB1 and SMB2/3 connections (MS-CIFS, MS-SMB,
// MS-SMB2) over the NetBIOS session service framing of ports 139 and 445:
// the dialects a client offers and the one the server picks, the NativeOS
// and NativeLanMan strings of SMB1 session setup (the classic Windows
// version banner), and the NTLMSSP messages inside session setup security
// blobs (Windows version and machine names on both sides). Everything after
// the session is set up (file names, paths, contents) is ignored.
var SMB = StreamDissector{
	Name:  "smb",
	Ports: []uint16{445, 139},
	Parse: parseSMB,
}

// NetBIOS session service message types (RFC 1002 4.3).
const (
	nbssMessage   = 0x00
	nbssRequest   = 0x81
	nbssPositive  = 0x82
	nbssNegative  = 0x83
	nbssRetarget  = 0x84
	nbssKeepAlive = 0x85
)

// SMB1 commands and flags read here.
const (
	smb1Negotiate    = 0x72
	smb1SessionSetup = 0x73
	smb1TreeConnect  = 0x75
	smb1FlagReply    = 0x80
	smb1Flags2Uni    = 0x8000
	smb1HeaderLen    = 32
)

// smbMoreProcessing is STATUS_MORE_PROCESSING_REQUIRED: a session setup
// answered with it has another round to go.
const smbMoreProcessing = 0xc0000016

// smbMaxDialects bounds the SMB1 dialect strings remembered to name the
// server's choice; clients offer at most a dozen.
const smbMaxDialects = 16

// smbConn is what one Parse call learns while it reads both directions.
type smbConn struct {
	s        *Stream
	e        Emitter
	dialects [smbMaxDialects]string // SMB1 dialects the client offered
	nDialect int
	version  [2]byte // '1' or '2' per direction: 0 client, 1 server
	treeConn bool    // client went on to tree connect: setup is over
	setupEnd bool    // server answered a session setup for good
	sealed   bool    // an SMB3 transform header: the rest is encrypted
}

func parseSMB(s *Stream, e Emitter) Status {
	st := smbRecognise(s.ClientData)
	if st == Undecided && len(s.ClientData) == 0 {
		// The capture may have missed the client's first bytes; the
		// server's framing is just as telling.
		st = smbRecognise(s.ServerData)
	}
	if st != Mine {
		return st
	}
	c := smbConn{s: s, e: e}
	// The client's negotiate must be read before the server's reply to it,
	// so each direction is read whole, client first.
	c.walk(s.ClientData, false)
	c.walk(s.ServerData, true)
	for dir, v := range c.version {
		if v != 0 {
			about := s.Client
			if dir == 1 {
				about = s.Server
			}
			ver := "2"
			if v == '1' {
				ver = "1"
			}
			e.Emit(about, "smb.version", ver)
		}
	}
	if c.sealed || (c.treeConn && c.setupEnd) || len(s.ClientData) >= MaxStream {
		return Done
	}
	return Mine
}

// smbRecognise looks at the first NBSS messages of one direction.
func smbRecognise(b []byte) Status {
	for len(b) > 0 {
		if len(b) < 4 {
			return Undecided
		}
		n := nbssLen(b)
		switch b[0] {
		case nbssMessage:
			if len(b) < 8 {
				return Undecided
			}
			if n < 4 || !smbMagic(b[4:8]) {
				return NotMine
			}
			return Mine
		case nbssRequest, nbssPositive, nbssNegative, nbssRetarget, nbssKeepAlive:
			// Port 139 opens with a session request carrying two
			// encoded NetBIOS names (68 bytes); the others are short.
			if b[1]&0xfe != 0 || n > 512 {
				return NotMine
			}
			if len(b) < 4+n {
				return Undecided
			}
			b = b[4+n:]
		default:
			return NotMine
		}
	}
	return Undecided
}

// nbssLen returns the length field of the NBSS header at b[0:4]. Over port
// 445 ("direct hosting") the 24 bits after the type are all length; over 139
// only 17 are, the others being zero, so the wider reading serves both.
func nbssLen(b []byte) int { return int(b[1])<<16 | int(b[2])<<8 | int(b[3]) }

// smbMagic reports whether b starts an SMB1 (0xff), SMB2 (0xfe), SMB3
// transform (0xfd) or SMB3 compression (0xfc) header.
func smbMagic(b []byte) bool {
	return len(b) >= 4 && b[0] >= 0xfc && b[1] == 'S' && b[2] == 'M' && b[3] == 'B'
}

// walk reads every complete NBSS message of one direction. A message cut by
// the end of the data so far is left for the next call.
func (c *smbConn) walk(b []byte, server bool) {
	dir := 0
	if server {
		dir = 1
	}
	for len(b) >= 4 {
		if b[0] != nbssMessage && (b[0] < nbssRequest || b[0] > nbssKeepAlive) {
			return // lost the framing: nothing after this can be trusted
		}
		n := nbssLen(b)
		if len(b)-4 < n {
			return
		}
		msg := b[4 : 4+n]
		b = b[4+n:]
		if len(msg) < 4 || !smbMagic(msg) {
			continue // session request, keep-alive or not SMB
		}
		switch msg[0] {
		case 0xff:
			if c.version[dir] == 0 {
				c.version[dir] = '1'
			}
			c.smb1(msg, server)
		case 0xfe:
			c.version[dir] = '2'
			c.smb2(msg, server)
		case 0xfd:
			// SMB3 encryption: everything after in this direction
			// is sealed, and so, soon, is the other direction.
			c.version[dir] = '2'
			c.sealed = true
			return
		default:
			c.version[dir] = '2' // one compressed SMB3 message
		}
	}
}

// smb1 reads one SMB1 message (the first command of an AndX chain).
func (c *smbConn) smb1(m []byte, server bool) {
	if len(m) < smb1HeaderLen+3 {
		return
	}
	cmd := m[4]
	reply := m[9]&smb1FlagReply != 0
	uni := binary.LittleEndian.Uint16(m[10:12])&smb1Flags2Uni != 0
	wct := int(m[smb1HeaderLen])
	wordsEnd := smb1HeaderLen + 1 + 2*wct
	if len(m) < wordsEnd+2 {
		return
	}
	words := m[smb1HeaderLen+1 : wordsEnd]
	bcc := int(binary.LittleEndian.Uint16(m[wordsEnd:]))
	start := wordsEnd + 2
	end := min(start+bcc, len(m))
	about := c.s.Client
	if server {
		about = c.s.Server
	}
	switch {
	case cmd == smb1Negotiate && !reply:
		c.smb1Dialects(m[start:end])
	case cmd == smb1Negotiate && reply:
		if wct >= 1 {
			i := int(binary.LittleEndian.Uint16(words))
			if i < c.nDialect && c.dialects[i] != "" {
				c.e.Emit(c.s.Server, "smb.dialect", c.dialects[i])
			}
		}
	case cmd == smb1SessionSetup:
		c.smb1SessionSetup(m, words, start, end, reply, uni, about)
	case cmd == smb1TreeConnect && !reply:
		c.treeConn = true
	}
}

// smb1Dialects reads the dialect strings of a negotiate request: each is a
// 0x02 buffer format byte and a NUL-terminated OEM string.
func (c *smbConn) smb1Dialects(b []byte) {
	var sb strings.Builder
	for len(b) > 1 && b[0] == 0x02 {
		b = b[1:]
		n := bytes.IndexByte(b, 0)
		if n < 0 {
			n = len(b)
		}
		d := Clean(b[:n])
		b = b[min(n+1, len(b)):]
		if d == "" {
			continue
		}
		if c.nDialect < smbMaxDialects {
			c.dialects[c.nDialect] = d
			c.nDialect++
		}
		if sb.Len()+1+len(d) > MaxValue {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(d)
	}
	if sb.Len() > 0 {
		c.e.Emit(c.s.Client, "smb.dialects_offered", sb.String())
	}
}

// smb1SessionSetup reads a Session Setup AndX request or response: the
// security blob (extended security) and the NativeOS and NativeLanMan
// strings that follow the account fields. The account name and passwords
// are skipped unread.
func (c *smbConn) smb1SessionSetup(m, words []byte, start, end int, reply, uni bool, about cordon.Endpoint) {
	var blob, skipStrings int // bytes of blob/passwords; strings before NativeOS
	switch {
	case !reply && len(words) == 24: // WCT 12, extended security
		blob = int(binary.LittleEndian.Uint16(words[14:]))
	case !reply && len(words) == 26: // WCT 13, NT LM 0.12 with passwords
		blob = int(binary.LittleEndian.Uint16(words[14:])) + int(binary.LittleEndian.Uint16(words[16:]))
		skipStrings = 2 // AccountName, PrimaryDomain
	case !reply && len(words) == 20: // WCT 10, LAN Manager
		blob = int(binary.LittleEndian.Uint16(words[14:]))
		skipStrings = 2
	case reply && len(words) == 8: // WCT 4, extended security
		blob = int(binary.LittleEndian.Uint16(words[6:]))
		c.setupEnd = c.setupEnd || binary.LittleEndian.Uint32(m[5:9]) != smbMoreProcessing
	case reply && len(words) == 6: // WCT 3
		c.setupEnd = true
	default:
		return
	}
	if blob > end-start {
		return
	}
	if len(words) != 26 && len(words) != 20 && blob > 0 {
		sec := m[start : start+blob]
		if i := ntlmIndex(sec); i >= 0 {
			parseNTLMSSP(sec[i:], about, c.e)
		}
	}
	off := start + blob
	var nativeOS, lanman string
	for i := 0; i < skipStrings+2 && off < end; i++ {
		var v string
		v, off = smb1String(m, off, end, uni, i >= skipStrings)
		switch i - skipStrings {
		case 0:
			nativeOS = v
		case 1:
			lanman = v
		}
	}
	if nativeOS != "" {
		c.e.Emit(about, "smb.native_os", nativeOS)
	}
	if lanman != "" {
		c.e.Emit(about, "smb.native_lanman", lanman)
	}
}

// smb1String reads the NUL-terminated string at m[off:end], returning it
// (only when keep is set, so skipped fields are never decoded) and the
// offset after it. Unicode strings are aligned to an even offset from the
// start of the SMB header, so a pad byte may precede them.
func smb1String(m []byte, off, end int, uni, keep bool) (string, int) {
	if !uni {
		n := bytes.IndexByte(m[off:end], 0)
		if n < 0 {
			n = end - off
		}
		v := ""
		if keep {
			v = Clean(m[off : off+n])
		}
		return v, min(off+n+1, end)
	}
	if off%2 == 1 {
		off++
	}
	n := off
	for n+1 < end && (m[n] != 0 || m[n+1] != 0) {
		n += 2
	}
	v := ""
	if keep && off < end {
		v = cleanUTF16LE(m[off:min(n, end)])
	}
	return v, min(n+2, end)
}
