package proto

import "bytes"

// Telnet recognises a Telnet session by its option negotiation (RFC 854:
// IAC followed by WILL, WONT, DO, DONT or SB, from either side) or, on port
// 23 only, by a server that greets with plain text. It emits telnet.banner
// about the server: the non-empty lines the server prints before its login
// prompt ("OpenBSD/i386 (oof) (ttyp2)"), or the prompt itself when nothing
// precedes it. After the prompt it follows the login only as far as
// telnetLogin needs to match the typed user name and password against the
// known default pairs (credentials.go); nothing typed, and nothing of the
// session that follows, is emitted.
var Telnet = StreamDissector{
	Name:  "telnet",
	Ports: []uint16{23},
	Parse: parseTelnet,
}

// Telnet command bytes (RFC 854).
const (
	telnetSE   = 0xf0
	telnetSB   = 0xfa
	telnetWILL = 0xfb
	telnetDONT = 0xfe
	telnetIAC  = 0xff
)

// telnetMaxText is how much of the server's text, negotiation removed, is
// searched for a prompt. Pre-login banners are short; a server that prints
// more before asking for a login is showing something else.
const telnetMaxText = 512

// telnetMaxLines bounds the lines of a banner.
const telnetMaxLines = 3

// telnetPorts are where a server greeting in plain text, without option
// negotiation, is taken as Telnet.
var telnetPorts = []uint16{23}

// telnetPrompts mark the end of a pre-login banner.
var telnetPrompts = [...]string{"LOGIN:", "USERNAME:", "USER NAME:", "PASSWORD:", "USER:"}

func parseTelnet(s *Stream, e Emitter) Status {
	cst, sst := telnetNegotiates(s.ClientData), telnetNegotiates(s.ServerData)
	if cst != Mine && sst != Mine {
		// No option negotiation (yet). Only on the Telnet port may a
		// plain-text greeting stand in for it.
		plain := NotMine
		if serverPort(s, telnetPorts) {
			plain = telnetPlain(s)
		}
		switch {
		case plain == Mine:
		case s.Closed:
			return NotMine
		case sst == Undecided || plain == Undecided:
			return Undecided
		default:
			return NotMine
		}
	}
	var text [telnetMaxText]byte
	n, more := telnetText(s.ServerData, text[:])
	var out [telnetMaxText + telnetMaxLines]byte
	banner, found := telnetBanner(text[:n], out[:0], more || s.Closed)
	if !found {
		if s.Closed {
			return Done
		}
		return Mine
	}
	if v := Clean(banner); v != "" {
		e.Emit(s.Server, "telnet.banner", v)
	}
	return telnetLogin(s, e)
}

// telnetNegotiates reports whether b starts with a Telnet option command.
func telnetNegotiates(b []byte) Status {
	switch {
	case len(b) == 0:
		return Undecided
	case b[0] != telnetIAC:
		return NotMine
	case len(b) == 1:
		return Undecided
	case b[1] >= telnetSB && b[1] <= telnetDONT:
		return Mine
	}
	return NotMine
}

// telnetPlain reports whether a stream without option negotiation looks
// like a server greeting in plain text rather than another text protocol:
// Mine, NotMine, or Undecided while the server has sent only line ends.
func telnetPlain(s *Stream) Status {
	b := s.ServerData
	if len(b) == 0 {
		return Undecided
	}
	for _, p := range [...]string{"SSH-", "HTTP/", "+OK", "* OK", "RTSP/", "SIP/"} {
		if prefixOf(b, p) {
			return NotMine
		}
	}
	if _, _, _, st := replyGreeting(b); st != NotMine {
		return NotMine // FTP or SMTP
	}
	if c := s.ClientData; len(c) > 0 && (c[0] < 0x20 && c[0] != '\r' && c[0] != '\n' || c[0] >= 0x80) {
		return NotMine // a binary client: TLS, SMB …
	}
	// Text, that is: printable characters, line ends, tabs, escape
	// sequences, and NUL only in the CR NUL pair of RFC 854.
	alnum := false
	for i, c := range b[:min(len(b), 64)] {
		switch {
		case c == '\r' || c == '\n' || c == '\t' || c == 0x1b || c >= 0x80:
		case c == 0 && i > 0 && b[i-1] == '\r':
		case c < 0x20 || c == 0x7f:
			return NotMine
		case isAlnum(c):
			alnum = true
		}
	}
	switch {
	case b[0] >= 0x80:
		return NotMine
	case alnum:
		return Mine
	case len(b) < 64:
		return Undecided
	}
	return NotMine
}

// telnetText copies the text in b into buf, without Telnet commands, ANSI
// escape sequences and NULs. It returns how many bytes it wrote and whether
// buf filled up before b ran out.
func telnetText(b, buf []byte) (n int, full bool) {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == telnetIAC:
			i += telnetCommandLen(b[i:])
			continue
		case c == 0x1b:
			i += ansiEscapeLen(b[i:])
			continue
		case c == 0:
			i++
			continue
		}
		if n == len(buf) {
			return n, true
		}
		buf[n] = c
		n++
		i++
	}
	return n, false
}

// telnetCommandLen returns the length of the Telnet command at the start of
// b, which starts with IAC: a subnegotiation runs to IAC SE, an option
// command is three bytes, anything else two.
func telnetCommandLen(b []byte) int {
	if len(b) < 2 {
		return len(b)
	}
	switch c := b[1]; {
	case c == telnetSB:
		if i := bytes.Index(b[2:], []byte{telnetIAC, telnetSE}); i >= 0 {
			return i + 4
		}
		return len(b)
	case c >= telnetWILL && c <= telnetDONT:
		return min(3, len(b))
	}
	return 2
}

// ansiEscapeLen returns the length of the escape sequence at the start of b
// (ESC [ parameters final-byte, or ESC and one byte).
func ansiEscapeLen(b []byte) int {
	if len(b) < 2 {
		return len(b)
	}
	if b[1] != '[' {
		return 2
	}
	for i := 2; i < len(b); i++ {
		if b[i] >= 0x40 && b[i] <= 0x7e {
			return i + 1
		}
	}
	return len(b)
}

// telnetBanner picks the banner out of the server's text: the non-empty
// lines before the first prompt, joined by spaces into out, or the prompt
// line itself if none precede it. Without a prompt it waits for more text
// unless final, and then settles for the first line alone. found is false
// while it waits.
func telnetBanner(text, out []byte, final bool) (banner []byte, found bool) {
	var firstLine []byte
	lines := 0
	for rest := text; len(rest) > 0; {
		line, r, complete := rest, []byte(nil), false
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, r, complete = rest[:i], rest[i+1:], true
		}
		rest = r
		line = bytes.TrimSpace(line)
		if telnetPrompt(line) {
			if lines == 0 {
				return append(out, line...), true
			}
			return out, true
		}
		if !complete && !final || len(line) == 0 {
			continue
		}
		if firstLine == nil {
			firstLine = line
		}
		if lines < telnetMaxLines {
			if lines > 0 {
				out = append(out, ' ')
			}
			out = append(out, line...)
			lines++
		}
	}
	if !final || firstLine == nil {
		return nil, false
	}
	return append(out[:0], firstLine...), true
}

// telnetPrompt reports whether line asks for a login or password.
func telnetPrompt(line []byte) bool {
	for _, p := range telnetPrompts {
		if containsFold(line, p) {
			return true
		}
	}
	return false
}
