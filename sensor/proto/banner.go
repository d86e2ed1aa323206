package proto

import (
	"bytes"
	"slices"

	"github.com/cordonsec/cordon"
)

// Banner protocols (FTP, SMTP, POP3, IMAP, Telnet, SSH) announce themselves
// with a greeting line from the server. The helpers here find and check those
// lines; the dissectors in ftp.go, smtp.go, pop3.go, imap.go, telnet.go and
// ssh.go decide which protocol a greeting belongs to.

// maxBannerLine bounds how far a greeting line is searched for its end. RFC
// 5321 limits SMTP reply lines to 512 octets and RFC 1939 POP3 replies to
// 512; FTP servers stay well within 1 KiB. A longer "line" is not a banner.
const maxBannerLine = 1024

// maxGreetingLines bounds a multi-line FTP or SMTP greeting. Legal notices
// run to a dozen lines; a reply that goes on longer is not waited for.
const maxGreetingLines = 32

// bannerLine splits the first line off b. line excludes the CR LF (or bare
// LF); ok is false while no line end has been seen within maxBannerLine
// bytes, and then rest is b.
func bannerLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b[:min(len(b), maxBannerLine)], '\n')
	if i < 0 {
		return nil, b, false
	}
	line = b[:i]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, b[i+1:], true
}

// bannerText reports whether b looks like a line of human-readable text: no
// control characters other than tab, and at least one letter or digit.
// UTF-8 and Latin-1 bytes above 0x7f are allowed; Clean sorts them out.
func bannerText(b []byte) bool {
	alnum := false
	for _, c := range b {
		switch {
		case c == '\t' || c >= 0x80:
		case c < 0x20 || c == 0x7f:
			return false
		case isAlnum(c):
			alnum = true
		}
	}
	return alnum
}

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isDigitByte reports whether c is an ASCII digit.
func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// hasPrefixFold reports whether b starts with the ASCII string p, ignoring
// case. p must be upper case.
func hasPrefixFold(b []byte, p string) bool {
	if len(b) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := b[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// containsFold reports whether b contains the ASCII string p, ignoring case.
// p must be upper case.
func containsFold(b []byte, p string) bool { return indexFold(b, p) >= 0 }

// indexFold returns the index of the upper-case ASCII string p in b,
// ignoring case, or -1.
func indexFold(b []byte, p string) int {
	for i := 0; i+len(p) <= len(b); i++ {
		if hasPrefixFold(b[i:], p) {
			return i
		}
	}
	return -1
}

// prefixOf reports whether b is a (possibly empty) prefix of p or p is a
// prefix of b: the bytes seen so far do not contradict p.
func prefixOf(b []byte, p string) bool {
	n := min(len(b), len(p))
	return string(b[:n]) == p[:n]
}

// serverPort reports whether the stream's server port is one of ports.
func serverPort(s *Stream, ports []uint16) bool {
	return slices.Contains(ports, s.Server.Port)
}

// replyGreeting reads the greeting of a server that answers with three-digit
// reply codes (FTP, RFC 959 §4.2; SMTP, RFC 5321 §4.2): one line "ddd text",
// or several lines starting "ddd-text" and ending with "ddd text". It returns
// the code, the text of the first and of the last line (without the code),
// and Mine once the greeting is complete, Undecided while it may still be,
// or NotMine when the bytes cannot be such a greeting.
func replyGreeting(b []byte) (code int, first, last []byte, st Status) {
	for i := 0; i < min(len(b), 3); i++ {
		if !isDigitByte(b[i]) || i == 0 && (b[0] < '1' || b[0] > '5') {
			return 0, nil, nil, NotMine
		}
	}
	if len(b) < 4 {
		return 0, nil, nil, Undecided
	}
	if c := b[3]; c != ' ' && c != '-' && c != '\r' && c != '\n' {
		return 0, nil, nil, NotMine
	}
	code = int(b[0]-'0')*100 + int(b[1]-'0')*10 + int(b[2]-'0')
	rest := b
	for n := 0; n < maxGreetingLines; n++ {
		line, r, ok := bannerLine(rest)
		if !ok {
			if len(rest) >= maxBannerLine {
				return 0, nil, nil, NotMine
			}
			if n > 0 {
				// A complete first line is enough to go on with if the
				// rest of a long greeting never comes.
				return code, first, first, Undecided
			}
			return 0, nil, nil, Undecided
		}
		rest = r
		text := line
		final := true
		if len(line) >= 4 && string(line[:3]) == string(b[:3]) && (line[3] == ' ' || line[3] == '-') {
			text, final = line[4:], line[3] == ' '
		} else if len(line) == 3 && string(line) == string(b[:3]) {
			text = line[3:]
		} else if n == 0 {
			return 0, nil, nil, NotMine
		} else {
			// RFC 959 lets the middle lines of a multi-line reply
			// be any text; only the last one must repeat the code.
			final = false
		}
		if len(text) > 0 && !bannerText(text) {
			return 0, nil, nil, NotMine
		}
		if n == 0 {
			first = text
		}
		if final {
			return code, first, text, Mine
		}
		last = text
	}
	// Too many lines: settle for the first one.
	return code, first, first, Mine
}

// emitBanner emits fact about ep for a greeting: the text of the first line
// and, when the greeting ran over several lines, of the last one too, which
// is where FTP and SMTP servers tend to put their name after a legal notice.
func emitBanner(e Emitter, ep cordon.Endpoint, fact string, first, last []byte) {
	v := Clean(first)
	if v != "" {
		e.Emit(ep, fact, v)
	}
	if w := Clean(last); w != "" && w != v {
		e.Emit(ep, fact, w)
	}
}

// Kinds of service that greet with a three-digit reply code.
const (
	replyUnknown = iota
	replyFTP
	replySMTP
)

// Ports on which a three-digit greeting is taken as FTP or SMTP when nothing
// in the bytes says which.
var (
	ftpPorts  = []uint16{21, 2121}
	smtpPorts = []uint16{25, 587, 2525}
)

// replyKind decides whether a stream whose server greeted with a reply code
// is FTP or SMTP. The client's first command is the surest sign (mail
// clients open with EHLO or HELO, file clients with USER, AUTH, FEAT …); then
// words in the greeting; then the server port. It returns replyUnknown when
// nothing decides, and then decided is false while more client bytes could.
func replyKind(s *Stream, first, last []byte) (kind int, decided bool) {
	if line, _, ok := bannerLine(s.ClientData); ok {
		switch {
		case hasPrefixFold(line, "EHLO"), hasPrefixFold(line, "HELO"), hasPrefixFold(line, "LHLO"):
			return replySMTP, true
		case hasPrefixFold(line, "USER"), hasPrefixFold(line, "AUTH"), hasPrefixFold(line, "FEAT"),
			hasPrefixFold(line, "SYST"), hasPrefixFold(line, "OPTS"), hasPrefixFold(line, "PASV"),
			hasPrefixFold(line, "EPSV"), hasPrefixFold(line, "CLNT"), hasPrefixFold(line, "PBSZ"):
			return replyFTP, true
		}
	}
	for _, t := range [2][]byte{first, last} {
		if containsFold(t, "SMTP") {
			return replySMTP, true
		}
	}
	for _, t := range [2][]byte{first, last} {
		if containsFold(t, "FTP") {
			return replyFTP, true
		}
	}
	for _, t := range [2][]byte{first, last} {
		for _, w := range [...]string{"POSTFIX", "SENDMAIL", "EXIM", "QMAIL", "MAIL SERVICE", "MAIL SERVER"} {
			if containsFold(t, w) {
				return replySMTP, true
			}
		}
	}
	switch {
	case serverPort(s, ftpPorts):
		return replyFTP, true
	case serverPort(s, smtpPorts):
		return replySMTP, true
	}
	_, _, clientLine := bannerLine(s.ClientData)
	return replyUnknown, clientLine || s.Closed || len(s.ClientData) >= maxBannerLine
}

// parseReplyBanner is the Parse of FTP and SMTP: it claims a stream whose
// server greets with a reply code and which replyKind gives to want, and
// emits the greeting as fact.
func parseReplyBanner(s *Stream, e Emitter, want int, fact string) Status {
	code, first, last, st := replyGreeting(s.ServerData)
	if st == NotMine {
		return NotMine
	}
	if st == Undecided {
		if len(s.ServerData) == 0 && len(s.ClientData) > 0 && !s.Closed {
			// The server speaks first in these protocols, but a
			// capture may show the client's bytes before the
			// server's; a binary client (TLS, SMB, DICOM …) rules
			// the stream out at once, text waits for the server.
			if c := s.ClientData[0]; c < 0x20 || c >= 0x80 {
				return NotMine
			}
		}
		if !s.Closed || first == nil {
			if s.Closed {
				return NotMine
			}
			return Undecided
		}
	}
	switch code {
	case 120, 220, 421, 554:
	default:
		// A greeting is "ready", "ready soon" or "not available";
		// anything else is another protocol's reply.
		return NotMine
	}
	kind, decided := replyKind(s, first, last)
	if kind != want {
		if kind == replyUnknown && !decided {
			return Undecided
		}
		return NotMine
	}
	emitBanner(e, s.Server, fact, first, last)
	return Done
}
