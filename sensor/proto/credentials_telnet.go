package proto

import "bytes"

// telnetLogin follows a Telnet login once the server has shown its first
// prompt, in one of two shapes. When the server asks for a user name and
// then a password, the client's first line of text is taken as the user
// name and the next as the password (attempts repeat in pairs). When it
// asks for a password with no user name before it (a Cisco line password,
// a serial-to-Ethernet bridge, an older infusion-pump gateway), each line
// the client types answers one password prompt. Either way at most
// telnetMaxLogin attempts are read, as most Telnet servers allow, and a line
// counts only once the server has prompted for it, so type-ahead is not
// mistaken for a password. Only negotiation-free text counts, so terminal
// types and the like in subnegotiations are not mistaken for typing. It is
// Done once a default is seen, a login under a non-default user name is
// typed, the attempts run out, or the client has typed more than a login
// needs.
func telnetLogin(s *Stream, e Emitter) Status {
	var stext [telnetMaxSession]byte
	n, _ := telnetText(s.ServerData, stext[:])
	prompts, alone := telnetLoginPrompts(stext[:n])
	var ctext [telnetMaxClient]byte
	m, full := telnetText(s.ClientData, ctext[:])
	defer clear(ctext[:m])
	var done bool
	if alone {
		done = telnetPasswords(s, e, ctext[:m], prompts)
	} else {
		done = telnetUserLogins(s, e, ctext[:m], prompts)
	}
	if done || s.Closed || full {
		return Done
	}
	return Mine
}

// telnetUserLogins matches the client's typed text against user name and
// password pairs, one pair per password prompt. It reports whether the
// login needs no more following.
func telnetUserLogins(s *Stream, e Emitter, text []byte, prompts int) bool {
	rest := text
	for attempt := 0; attempt < telnetMaxLogin; attempt++ {
		user, r, ok := telnetLine(rest, true)
		if !ok {
			return false
		}
		if !isDefaultUser(user) {
			return true
		}
		pass, r, ok := telnetLine(r, false)
		if !ok || attempt >= prompts {
			return false // typed ahead of the prompt, or still typing
		}
		if reportDefaultLogin(e, s.Server, serviceTelnet, user, pass) {
			return true
		}
		rest = r
	}
	return true
}

// telnetPasswords matches the client's typed lines against the
// password-only defaults, one line per password prompt. An empty line is an
// attempt too (Enter at the prompt), so none is skipped. It reports whether
// the login needs no more following.
func telnetPasswords(s *Stream, e Emitter, text []byte, prompts int) bool {
	rest := text
	for attempt := 0; attempt < telnetMaxLogin; attempt++ {
		pass, r, ok := telnetLine(rest, false)
		if !ok || attempt >= prompts {
			return false
		}
		if reportDefaultPassword(e, s.Server, serviceTelnet, pass) {
			return true
		}
		rest = r
	}
	return true
}

// telnetLoginPrompts reads the server's text for the logins it has asked
// for. When a password prompt comes before any prompt for a user name, the
// login is by password alone (alone is true) and n counts the password
// prompts up to the first user prompt, if any (a shell's "Last login:"
// after a good password is no user prompt, but what follows it is a
// session). Otherwise n counts the password prompts after the first prompt
// for a user name: the logins the server has asked for.
func telnetLoginPrompts(text []byte) (n int, alone bool) {
	u := -1
	for _, p := range [...]string{"LOGIN:", "USERNAME:", "USER NAME:", "USER:"} {
		if k := indexFold(text, p); k >= 0 && (u < 0 || k < u) {
			u = k
		}
	}
	if p, _ := telnetPasswordPrompt(text); p >= 0 && (u < 0 || p < u) {
		rest := text
		if u >= 0 {
			rest = text[:u]
		}
		for ; n < telnetMaxLogin; n++ {
			_, end := telnetPasswordPrompt(rest)
			if end < 0 {
				break
			}
			rest = rest[end:]
		}
		return n, true
	}
	if u < 0 {
		return 0, false
	}
	for rest := text[u:]; n < telnetMaxLogin; n++ {
		k := indexFold(rest, "PASSWORD:")
		if k < 0 {
			break
		}
		rest = rest[k+len("PASSWORD:"):]
	}
	return n, false
}

// telnetPasswordPrompt finds the first password prompt in text: "Password:"
// (any case, with any words before it on its line) followed by nothing but
// spaces, or the asterisks some servers echo, up to the end of its line or
// of the text. A line that goes on ("Default password: see the manual") is
// a banner, not a prompt. It returns where the prompt starts and ends, or
// -1, -1.
func telnetPasswordPrompt(text []byte) (start, end int) {
	const p = "PASSWORD:"
	for off := 0; ; {
		k := indexFold(text[off:], p)
		if k < 0 {
			return -1, -1
		}
		k += off
		off = k + len(p)
		i := off
		for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '*') {
			i++
		}
		if i == len(text) || text[i] == '\r' || text[i] == '\n' {
			return k, off
		}
	}
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
