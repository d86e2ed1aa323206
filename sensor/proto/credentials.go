package proto

import (
	"bytes"
	"encoding/base64"

	"github.com/cordonsec/cordon"
)

// Default credentials seen in the clear. The FTP, Telnet and HTTP
// dissectors hand the user name and password a client sends to
// reportDefaultLogin, which emits credential.default about the server when
// the pair is a well-known factory default; a login that asks for a password
// alone (a Telnet "Password:" with no user name before it, an HTTP login
// with an empty or no user field) goes to reportDefaultPassword instead.
// What counts is an attempted login, not a successful one: the server's
// answer is not always captured (and a Telnet shell prompt is no reliable
// sign of success), while trying a factory password against a device
// already says that someone expects it to work there. The fact's value is
// "<service> default account <user>", "<product> default account" for a
// product's documented service account, or "<service> default account
// (password only)"; it is built only from the tables below, so neither a
// password nor any non-default user name can reach it. Nothing is kept
// after the call.
//
// The dissectors' parts live beside this file: credentials_telnet.go (the
// Telnet login, with and without a user name) and credentials_form.go (HTTP
// login forms, with their decoding in credentials_decode.go).

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

// defaultPasswords are the known defaults of devices that ask for a
// password alone, matched exactly. They are checked only where no user name
// was asked for or typed, never against a user's login: "admin" typed as
// the password of a named account is a default only if the pair is.
//
// Source: [SL-D] SecLists, Passwords/Default-Credentials/default-passwords.csv
// (danielmiessler/SecLists), the rows whose user name is <BLANK> or <N/A>
// (none asked for); the vendors named are those rows'.
var defaultPasswords = [...]string{
	"cisco",     // [SL-D] Cisco: a line (vty or console) password
	"access",    // [SL-D] Lantronix, Xyplex, Digital Equipment: terminal and device server login
	"system",    // [SL-D] Lantronix, Xyplex: the privileged password of the same servers
	"lantronix", // [SL-D] Lantronix
	"admin",     // [SL-D] D-Link, Netgear, Siemens, Schneider Electric
	"1234",      // [SL-D] ZyXEL, Netgear, Panasonic, Konica Minolta
	"12345",     // [SL-D] 3Com, U.S. Robotics
	"123456",    // [SL-D] Siemens and Unify OpenStage
	"0000",      // [SL-D] Accton, SMC, Motorola, Konica Minolta
}

// passwordOnly ends the value of a password-only default: there is no
// account name to give.
const passwordOnly = " default account (password only)"

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

// defaultPasswordAccount returns the credential.default value for a login
// to service with pass alone, and whether pass is a known password-only
// default.
func defaultPasswordAccount(service string, pass []byte) (string, bool) {
	for _, p := range defaultPasswords {
		if string(pass) == p {
			return service + passwordOnly, true
		}
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

// reportDefaultPassword emits credential.default about server when pass,
// given without a user name, is a known password-only default, and reports
// whether it did.
func reportDefaultPassword(e Emitter, server cordon.Endpoint, service string, pass []byte) bool {
	v, ok := defaultPasswordAccount(service, pass)
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

// httpBasicMax bounds a decoded Basic credential; default pairs are short.
const httpBasicMax = 128

// httpBasicLogin reports a default pair in the value of an Authorization
// header with the Basic scheme (RFC 7617: base64 of "user:password"), or a
// password-only default under an empty user name. The
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
	switch {
	case !ok:
	case len(user) == 0:
		// Devices that ask for a password alone send an empty user.
		reportDefaultPassword(e, server, serviceHTTP, pass)
	default:
		reportDefaultLogin(e, server, serviceHTTP, user, pass)
	}
}
