package proto

import "bytes"

// HTTP login forms. A device web interface that does not use HTTP Basic
// posts a login form: urlencoded from an HTML <form>
// ("username=admin&password=admin"), or JSON from the page's script
// ({"username":"admin","password":"admin"}). httpFormLogin reads the body of
// such a POST for a user field and a password field and matches the pair
// against the default pairs; where the user field is empty, or the form has
// none and was posted to a login path, it matches the password alone
// against the password-only defaults. Only the two chosen values are
// decoded, into stack buffers cleared before returning; no other field's
// value is looked at. A password field, whatever its value, also counts
// for http.cleartext_password (httprequests.go).

const (
	// httpFormMax bounds how much of a request body is read for login
	// fields. Login forms are small, even with an ASP.NET __VIEWSTATE
	// beside them, and a body of any size is read only this far.
	httpFormMax = 16 << 10
	// httpFieldMax bounds a field name worth decoding; values are bounded
	// by httpBasicMax, past which no default fits.
	httpFieldMax = 64
)

// bodyKind is how a request body is encoded.
type bodyKind uint8

const (
	bodyOther   bodyKind = iota
	bodyForm             // application/x-www-form-urlencoded
	bodyJSON             // application/json, or a "+json" type
	bodyUnknown          // untyped or text/plain, and no body seen yet
)

// httpFormLogin reads a POST request for a login: start is its request
// line, f its framing headers, body the bytes after its head so far, and
// size and known its length from httpBodyLen. ready is false while the
// body of a request that may be a login is still arriving (up to
// httpFormMax of it), so that the dissector waits for the rest: a body
// often comes in a segment after the head's. password reports that the
// body has a password field, whatever its value, for
// http.cleartext_password. A chunked body (what a script's streamed fetch
// sends) is read through its chunks into a stack buffer cleared before
// returning; a compressed body is not read.
func httpFormLogin(e Emitter, s *Stream, start []byte, f httpFields, body []byte, size int, known bool) (ready, password bool) {
	method, rest, _ := bytes.Cut(start, []byte(" "))
	if string(method) != "POST" || !known || size == 0 ||
		len(f.contentEncoding) > 0 && !bytes.EqualFold(f.contentEncoding, []byte("identity")) {
		return true, false
	}
	// data is the body's content so far, at most httpFormMax of it;
	// complete says the whole body has arrived, and whole that data
	// holds all of it.
	complete := size <= len(body)
	data := body[:min(len(body), size, httpFormMax)]
	whole := complete && len(data) == size
	if len(f.transferEncoding) > 0 { // httpBodyLen knew its end: chunked
		var buf [httpFormMax]byte
		defer clear(buf[:])
		n, truncated := httpDechunk(buf[:], body)
		data, whole = buf[:n], complete && !truncated
	}
	kind := httpBodyKind(f.contentType, data)
	switch {
	case kind == bodyOther:
		return true, false
	case !complete && len(data) < httpFormMax && !s.Closed && len(s.ClientData) < MaxStream:
		return false, false
	case kind == bodyUnknown:
		return true, false
	}
	target, _, _ := bytes.Cut(rest, []byte(" "))
	loose := httpLoginPath(target)
	uf, pf := loginFields(kind, data, whole, loose)
	var ub, pb [httpBasicMax]byte
	defer clear(ub[:])
	defer clear(pb[:])
	user, pass, ok := loginPair(kind, uf, pf, loose, ub[:], pb[:])
	switch {
	case !ok:
	case len(user) == 0:
		reportDefaultPassword(e, s.Server, serviceHTTP, pass)
	default:
		reportDefaultLogin(e, s.Server, serviceHTTP, user, pass)
	}
	return true, pf.sent()
}

// httpBodyKind tells a login body's encoding from its Content-Type. An
// untyped or text/plain body (what a script's fetch sends by default) is
// JSON if it starts with "{" and urlencoded otherwise.
func httpBodyKind(contentType, body []byte) bodyKind {
	mt, _, _ := bytes.Cut(contentType, []byte(";"))
	mt = bytes.TrimSpace(mt)
	switch {
	case bytes.EqualFold(mt, []byte("application/x-www-form-urlencoded")):
		return bodyForm
	case bytes.EqualFold(mt, []byte("application/json")), len(mt) > 5 && hasSuffixFold(mt, "+json"):
		return bodyJSON
	case len(mt) > 0 && !bytes.EqualFold(mt, []byte("text/plain")):
		return bodyOther
	}
	t := bytes.TrimLeft(body, " \t\r\n")
	switch {
	case len(t) == 0:
		return bodyUnknown
	case t[0] == '{':
		return bodyJSON
	}
	return bodyForm
}

// httpLoginPath reports whether a request target names a login: its path
// (not its query) holds login, logon, signin or sign-in, auth or session
// ("/login.cgi", "/goform/formLogin", "/api/v1/auth", "/api/session").
func httpLoginPath(target []byte) bool {
	if i := bytes.IndexAny(target, "?#"); i >= 0 {
		target = target[:i]
	}
	for _, w := range [...]string{"LOGIN", "LOGON", "SIGNIN", "SIGN-IN", "SIGN_IN", "AUTH", "SESSION"} {
		if containsFold(target, w) {
			return true
		}
	}
	return false
}

// loginField is the field chosen so far for a user name or a password.
type loginField struct {
	value []byte // raw: still urlencoded or JSON-escaped
	rank  int    // 0: none, 1: a loose match, 2: an exact name
	str   bool   // a JSON string (else a form value or a JSON scalar)
}

// sent reports whether the field was chosen and holds a value, empty or
// not: anything but a JSON null.
func (f loginField) sent() bool {
	return f.rank > 0 && (f.str || string(f.value) != "null")
}

// Field classes for loginFieldClass.
const (
	fieldOther = iota
	fieldUser
	fieldPass
)

// loginFields finds the user and password fields of a login body, b, of
// which whole says whether it is all there. A field with an exact name
// (loginFieldClass) wins over a loose one, which counts only where loose
// (a login path), and the first of equals wins. A JSON true or false is
// never a user name or a password: {"pass": true} is a test result.
func loginFields(kind bodyKind, b []byte, whole, loose bool) (uf, pf loginField) {
	see := func(name, value []byte, str bool) {
		if !str && (string(value) == "true" || string(value) == "false") {
			return
		}
		var nb [httpFieldMax]byte
		var n int
		var ok bool
		if kind == bodyJSON {
			n, ok = jsonDecode(nb[:], name)
		} else {
			n, ok = formDecode(nb[:], name)
		}
		if !ok {
			return
		}
		class, rank := loginFieldClass(nb[:n], loose)
		switch {
		case class == fieldUser && rank > uf.rank:
			uf = loginField{value, rank, str}
		case class == fieldPass && rank > pf.rank:
			pf = loginField{value, rank, str}
		}
	}
	switch kind {
	case bodyForm:
		formFields(b, whole, func(name, value []byte) { see(name, value, false) })
	case bodyJSON:
		jsonMembers(b, see)
	}
	return uf, pf
}

// loginPair decodes the values of the user and password fields that
// loginFields chose into ubuf and pbuf (which the caller clears). user is
// empty when there is no user name: the user field is empty, or absent on
// a login path (loose). ok is false when the fields make no login, or a
// value is too long for a default.
func loginPair(kind bodyKind, uf, pf loginField, loose bool, ubuf, pbuf []byte) (user, pass []byte, ok bool) {
	if pf.rank == 0 || uf.rank == 0 && !loose {
		return nil, nil, false
	}
	pn, ok := loginValue(kind, pbuf, pf)
	if !ok {
		return nil, nil, false
	}
	un := 0
	if uf.rank > 0 {
		if un, ok = loginValue(kind, ubuf, uf); !ok {
			return nil, nil, false
		}
	}
	return ubuf[:un], pbuf[:pn], true
}

// loginValue decodes a chosen field's value into buf. A JSON null is an
// empty value; other JSON scalars (a PIN sent as a number) count as
// written.
func loginValue(kind bodyKind, buf []byte, f loginField) (int, bool) {
	switch {
	case kind == bodyForm:
		return formDecode(buf, f.value)
	case f.str:
		return jsonDecode(buf, f.value)
	case string(f.value) == "null":
		return 0, true
	case len(f.value) > len(buf):
		return 0, false
	}
	return copy(buf, f.value), true
}

// loginFieldClass classes a decoded field name as a user name, a password
// or neither, with the rank of the match. Names are compared in lower case
// without "_" and "-", after the last "[key]" or ".key" of a structured
// name ("LoginForm[password]", "credentials.username"), against the names
// device and framework login forms use (j_username and j_password are the
// Java servlet form login's, Servlet 4.0 §13.6.3). With loose (a login
// path), any name holding "pass" or "pwd" is a password field, and any
// holding "user", "login", "uname", "account" or "mail" a user field.
// E-mail fields count as user fields: a login by e-mail address is a named
// one, never a password alone.
func loginFieldClass(name []byte, loose bool) (class, rank int) {
	if n := len(name); n > 0 && name[n-1] == ']' {
		if i := bytes.LastIndexByte(name, '['); i >= 0 {
			name = name[i+1 : n-1]
		}
	}
	if i := bytes.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	var buf [httpFieldMax]byte
	n := 0
	for _, c := range name {
		switch {
		case c == '_' || c == '-':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	folded := buf[:n]
	switch string(folded) {
	case "password", "pass", "passwd", "passw", "pwd", "pw", "psw", "passwort", "jpassword",
		"userpassword", "loginpassword", "userpass", "loginpass", "userpwd", "loginpwd":
		return fieldPass, 2
	case "username", "user", "uname", "usr", "usrname", "userid", "login", "loginname", "loginid",
		"jusername", "account", "accountname", "userlogin", "email", "mail", "emailaddress":
		return fieldUser, 2
	}
	if !loose {
		return fieldOther, 0
	}
	for _, w := range [...]string{"pass", "pwd", "kennwort"} {
		if bytes.Contains(folded, []byte(w)) {
			return fieldPass, 1
		}
	}
	for _, w := range [...]string{"user", "login", "uname", "account", "mail"} {
		if bytes.Contains(folded, []byte(w)) {
			return fieldUser, 1
		}
	}
	return fieldOther, 0
}
