package proto

import (
	"bytes"
	"encoding/base64"

	"github.com/cordonsec/cordon"
)

// Default credentials seen in the clear. The FTP, Telnet and HTTP
// dissectors hand the user name and password a client sends to
// reportDefaultLogin, which emits credential.default about the server when
// the pair is a well-known factory default. What counts is an attempted
// login, not a successful one: the server's answer is not always captured
// (and a Telnet shell prompt is no reliable sign of success), while trying
// a factory password against a device already says that someone expects it
// to work there. The fact's value is "<service> default account <user>",
// or "<product> default account" for a product's documented service
// account; it is built only from the table below, so neither a password nor
// any non-default user name can reach it. Nothing is kept after the call.

// credentialFact is the fact reportDefaultLogin emits.
const credentialFact = "credential.default"

// defaultPair is one well-known factory-default login. product is set when
// the pair is documented for one product; the fact then names the product
// instead of the user.
type defaultPair struct {
	user, pass, product string
}

// defaultPairs are the known default logins, matched exactly (user names
// and passwords are case-sensitive on these devices). Every pair applies to
// every service: a default account is the same account over FTP, Telnet or
// the web interface.
//
// Sources:
//   - [SL-T] SecLists, Passwords/Default-Credentials/telnet-betterdefaultpasslist.txt
//     (danielmiessler/SecLists), the public list of Telnet factory defaults,
//     which also holds the pairs the Mirai botnet tried (Mirai source,
//     mirai/bot/scanner.c).
//   - [SL-F] SecLists, Passwords/Default-Credentials/ftp-betterdefaultpasslist.txt.
//   - [B850] GE CARESCAPE Monitor B850 Service Manual, 2106778-001, §7.14.1
//     "User accounts and passwords": biomed and clinical, default "Change Me".
//   - [LOGIQ] GE LOGIQ Totus Basic Service Manual, Direction 5936427 Rev. 1,
//     §7-3 "Change Password": the GEService account (file transfer and SSH
//     for remote service), default SvcForward123$.
var defaultPairs = [...]defaultPair{
	{"admin", "admin", ""},                                 // [SL-T] [SL-F]
	{"admin", "password", ""},                              // [SL-T] [SL-F]
	{"admin", "1234", ""},                                  // [SL-T] [SL-F]
	{"admin", "12345", ""},                                 // [SL-T]
	{"admin", "123456", ""},                                // [SL-T] [SL-F]
	{"admin", "1111", ""},                                  // [SL-T] [SL-F]
	{"admin", "default", ""},                               // [SL-F]
	{"admin", "system", ""},                                // [SL-T]
	{"Administrator", "admin", ""},                         // [SL-T]
	{"administrator", "password", ""},                      // [SL-T]
	{"root", "root", ""},                                   // [SL-T]
	{"root", "password", ""},                               // [SL-T] [SL-F]
	{"root", "admin", ""},                                  // [SL-T] [SL-F]
	{"root", "default", ""},                                // [SL-T]
	{"root", "1234", ""},                                   // [SL-T]
	{"root", "12345", ""},                                  // [SL-T]
	{"root", "123456", ""},                                 // [SL-T]
	{"root", "pass", ""},                                   // [SL-T]
	{"root", "linux", ""},                                  // [SL-T]
	{"root", "xc3511", ""},                                 // [SL-T] (Mirai)
	{"root", "vizxv", ""},                                  // [SL-T] (Mirai)
	{"root", "calvin", ""},                                 // [SL-T]
	{"service", "service", ""},                             // [SL-T]
	{"support", "support", ""},                             // [SL-T]
	{"supervisor", "supervisor", ""},                       // [SL-T] [SL-F]
	{"manager", "manager", ""},                             // [SL-T]
	{"tech", "tech", ""},                                   // [SL-T]
	{"guest", "guest", ""},                                 // [SL-T]
	{"user", "user", ""},                                   // [SL-T]
	{"user", "password", ""},                               // [SL-F]
	{"default", "default", ""},                             // [SL-F]
	{"localadmin", "localadmin", ""},                       // [SL-T] [SL-F]
	{"cisco", "cisco", ""},                                 // [SL-T]
	{"ubnt", "ubnt", ""},                                   // [SL-T]
	{"apc", "apc", ""},                                     // [SL-T] [SL-F]
	{"biomed", "Change Me", "GE CARESCAPE monitor"},        // [B850]
	{"clinical", "Change Me", "GE CARESCAPE monitor"},      // [B850]
	{"GEService", "SvcForward123$", "GE LOGIQ ultrasound"}, // [LOGIQ]
}

// Login services, the first word of the fact's value.
const (
	serviceFTP    = "ftp"
	serviceTelnet = "telnet"
	serviceHTTP   = "http"
)

// defaultAccount returns the credential.default value for a login to
// service with user and pass, and whether the pair is a known default.
func defaultAccount(service string, user, pass []byte) (string, bool) {
	for i := range defaultPairs {
		p := &defaultPairs[i]
		if string(user) != p.user || string(pass) != p.pass {
			continue
		}
		if p.product != "" {
			return p.product + " default account", true
		}
		return service + " default account " + p.user, true
	}
	return "", false
}

// isDefaultUser reports whether some default pair has this user name: a
// login under any other name cannot be a default one, so the dissectors
// stop following the connection.
func isDefaultUser(user []byte) bool {
	for i := range defaultPairs {
		if string(user) == defaultPairs[i].user {
			return true
		}
	}
	return false
}

// reportDefaultLogin emits credential.default about server when user and
// pass are a known default pair, and reports whether it did.
func reportDefaultLogin(e Emitter, server cordon.Endpoint, service string, user, pass []byte) bool {
	v, ok := defaultAccount(service, user, pass)
	if ok {
		e.Emit(server, credentialFact, v)
	}
	return ok
}

// Bounds on how long a connection is followed for a login. Logins come
// first; a client that has sent this much is in a session.
const (
	ftpMaxCommands   = 16
	telnetMaxLogin   = 3   // attempts, as most Telnet servers allow
	telnetMaxClient  = 256 // client text, negotiation removed
	telnetMaxSession = 2048
)

// ftpLogin follows the client's commands after the greeting (RFC 959 §4.1.1:
// "USER name", then "PASS password") and reports a default pair. It keeps
// following retries under default user names, and is Done once a default
// pair is seen, a login under any other name begins, the client turns to
// TLS (AUTH), or the first ftpMaxCommands commands hold no default login.
func ftpLogin(s *Stream, e Emitter) Status {
	b := s.ClientData
	var user []byte
	for n := 0; n < ftpMaxCommands; n++ {
		line, rest, ok := bannerLine(b)
		if !ok {
			if s.Closed || len(b) >= maxBannerLine {
				return Done
			}
			return Mine
		}
		b = rest
		switch {
		case hasPrefixFold(line, "USER "):
			user = line[5:]
			if !isDefaultUser(user) {
				return Done
			}
		case hasPrefixFold(line, "PASS "):
			if user != nil && reportDefaultLogin(e, s.Server, serviceFTP, user, line[5:]) {
				return Done
			}
			user = nil
		case hasPrefixFold(line, "AUTH"):
			return Done // encrypted from here on
		}
	}
	return Done
}

// telnetLogin follows a Telnet login once the server has shown its login
// prompt: when the server has asked for a user name and then a password,
// the client's first line of text is taken as the user name and the next as
// the password (attempts repeat in pairs, up to telnetMaxLogin). Only
// negotiation-free text counts, so terminal types and the like in
// subnegotiations are not mistaken for typing. It is Done once a default
// pair is seen, a login under any other name is typed, or the client has
// typed more than a login needs.
func telnetLogin(s *Stream, e Emitter) Status {
	var stext [telnetMaxSession]byte
	n, _ := telnetText(s.ServerData, stext[:])
	prompts := telnetPasswordPrompts(stext[:n])
	var ctext [telnetMaxClient]byte
	m, full := telnetText(s.ClientData, ctext[:])
	defer clear(ctext[:m])
	rest := ctext[:m]
	for attempt := 0; attempt < telnetMaxLogin; attempt++ {
		user, r, ok := telnetLine(rest, true)
		if !ok {
			break
		}
		if !isDefaultUser(user) {
			return Done
		}
		pass, r, ok := telnetLine(r, false)
		if !ok || attempt >= prompts {
			break // typed ahead of the prompt, or still typing
		}
		if reportDefaultLogin(e, s.Server, serviceTelnet, user, pass) {
			return Done
		}
		rest = r
		if attempt == telnetMaxLogin-1 {
			return Done
		}
	}
	if s.Closed || full {
		return Done
	}
	return Mine
}

// telnetPasswordPrompts counts the password prompts in the server's text
// that follow a prompt for a user name: the logins the server has asked
// for. A device that asks only for a password has no user name to match.
func telnetPasswordPrompts(text []byte) int {
	i := -1
	for _, p := range [...]string{"LOGIN:", "USERNAME:", "USER NAME:", "USER:"} {
		if k := indexFold(text, p); k >= 0 && (i < 0 || k < i) {
			i = k
		}
	}
	if i < 0 {
		return 0
	}
	n := 0
	for rest := text[i:]; n < telnetMaxLogin; n++ {
		k := indexFold(rest, "PASSWORD:")
		if k < 0 {
			break
		}
		rest = rest[k+len("PASSWORD:"):]
	}
	return n
}

// telnetLine splits the first line of typed text off b. A line ends at CR
// (followed by LF or, with the NUL already removed, nothing) or a bare LF
// (RFC 854). With skipEmpty, empty lines before it (Enter pressed at the
// login prompt) are passed over. ok is false while no line end has come.
func telnetLine(b []byte, skipEmpty bool) (line, rest []byte, ok bool) {
	for {
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			return nil, b, false
		}
		line, rest = b[:i], b[i+1:]
		if b[i] == '\r' && len(rest) > 0 && rest[0] == '\n' {
			rest = rest[1:]
		}
		if len(line) > 0 || !skipEmpty {
			return line, rest, true
		}
		b = rest
	}
}

// httpBasicMax bounds a decoded Basic credential; default pairs are short.
const httpBasicMax = 128

// httpBasicLogin reports a default pair in the value of an Authorization
// header with the Basic scheme (RFC 7617: base64 of "user:password"). The
// decoded bytes live in a stack buffer that is cleared before returning.
func httpBasicLogin(e Emitter, server cordon.Endpoint, value []byte) {
	if !hasPrefixFold(value, "BASIC ") {
		return
	}
	enc := bytes.TrimSpace(value[len("BASIC "):])
	if len(enc) == 0 || len(enc) > base64.StdEncoding.EncodedLen(httpBasicMax) {
		return
	}
	var buf [httpBasicMax + 3]byte // room for the decoder's last quantum
	n, err := base64.StdEncoding.Decode(buf[:], enc)
	defer clear(buf[:])
	if err != nil {
		return
	}
	user, pass, ok := bytes.Cut(buf[:n], []byte(":"))
	if !ok {
		return
	}
	reportDefaultLogin(e, server, serviceHTTP, user, pass)
}
