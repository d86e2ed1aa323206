package proto

import "bytes"

// POP3 recognises a POP3 session by its server greeting (RFC 1939 §4:
// "+OK text") and emits pop3.banner about the server, without the APOP
// timestamp ("<1896.697170952@host>"), which is different on every
// connection. Nothing the client sends is emitted: USER, PASS and APOP hold
// credentials.
var POP3 = StreamDissector{
	Name:  "pop3",
	Ports: []uint16{110},
	Parse: parsePOP3,
}

// pop3Ports are the ports where a "+OK" greeting is taken as POP3 whatever
// the client sends.
var pop3Ports = []uint16{110}

func parsePOP3(s *Stream, e Emitter) Status {
	b := s.ServerData
	if !prefixOf(b, "+OK") {
		return NotMine
	}
	line, _, ok := bannerLine(b)
	if !ok {
		if len(b) >= maxBannerLine || s.Closed {
			return NotMine
		}
		return Undecided
	}
	text := line[3:]
	if len(text) > 0 && text[0] != ' ' {
		return NotMine
	}
	if t := bytes.TrimSpace(text); len(t) > 0 && !bannerText(t) {
		return NotMine
	}
	if !serverPort(s, pop3Ports) {
		// Elsewhere "+OK" could be a Redis reply, but Redis waits for
		// a command (a RESP array "*1\r\n$4\r\nPING") where a POP3
		// client answers the greeting with CAPA, USER, APOP …
		c := s.ClientData
		if len(c) > 0 && (c[0] == '*' || c[0] == '$') {
			return NotMine
		}
		if cl, _, ok := bannerLine(c); ok && !pop3Command(cl) {
			return NotMine
		}
	}
	if v := Clean(pop3StripTimestamp(text)); v != "" {
		e.Emit(s.Server, "pop3.banner", v)
	}
	return Done
}

// pop3Command reports whether line starts with a command a POP3 client sends
// first (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH).
func pop3Command(line []byte) bool {
	for _, c := range [...]string{"CAPA", "USER", "APOP", "AUTH", "STLS", "QUIT", "NOOP"} {
		if hasPrefixFold(line, c) && (len(line) == 4 || line[4] == ' ') {
			return true
		}
	}
	return false
}

// pop3StripTimestamp removes an APOP timestamp, a "<…@…>" msg-id, from the
// end of a greeting.
func pop3StripTimestamp(text []byte) []byte {
	t := bytes.TrimRight(text, " \t")
	if len(t) == 0 || t[len(t)-1] != '>' {
		return text
	}
	i := bytes.LastIndexByte(t, '<')
	if i < 0 || bytes.IndexByte(t[i:], '@') < 0 {
		return text
	}
	return t[:i]
}
