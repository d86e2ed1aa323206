package proto

import "bytes"

// IMAP recognises an IMAP session by its server greeting (RFC 9051 §7.1:
// "* OK", "* PREAUTH" or "* BYE" and text) and emits imap.banner about the
// server: the greeting's text without a leading "[CAPABILITY …]" response
// code, which would push the server's name past the length limit. Nothing
// the client sends is emitted.
var IMAP = StreamDissector{
	Name:  "imap",
	Ports: []uint16{143},
	Parse: parseIMAP,
}

func parseIMAP(s *Stream, e Emitter) Status {
	b := s.ServerData
	var kw string
	for _, k := range [...]string{"* OK", "* PREAUTH", "* BYE"} {
		if prefixOf(b, k) {
			kw = k
			break
		}
	}
	if kw == "" {
		return NotMine
	}
	line, _, ok := bannerLine(b)
	if !ok {
		if len(b) >= maxBannerLine || s.Closed {
			return NotMine
		}
		return Undecided
	}
	if len(line) < len(kw) || string(line[:len(kw)]) != kw {
		return NotMine
	}
	text := line[len(kw):]
	if len(text) > 0 && text[0] != ' ' {
		return NotMine
	}
	text = bytes.TrimSpace(text)
	if len(text) > 0 && !bannerText(text) {
		return NotMine
	}
	if len(text) > 0 && text[0] == '[' {
		if i := bytes.IndexByte(text, ']'); i > 0 && len(bytes.TrimSpace(text[i+1:])) > 0 {
			text = text[i+1:]
		}
	}
	if v := Clean(text); v != "" {
		e.Emit(s.Server, "imap.banner", v)
	}
	return Done
}
