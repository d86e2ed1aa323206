package proto

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// This file walks the two encodings of a login request body that
// credentials_form.go reads, and decodes their names and values into
// buffers the caller owns (and clears). Both walkers work in place over the
// stream's bytes and allocate nothing.

// formFields calls fn with the raw name and value of each field of an
// application/x-www-form-urlencoded body (WHATWG URL §5.1: fields split at
// "&", a name split from its value at the first "="). With whole false the
// body was cut short, and its last field, which may be cut too, is left
// out.
func formFields(b []byte, whole bool, fn func(name, value []byte)) {
	if !whole {
		i := bytes.LastIndexByte(b, '&')
		if i < 0 {
			return
		}
		b = b[:i]
	}
	for len(b) > 0 {
		var field []byte
		field, b, _ = bytes.Cut(b, []byte("&"))
		if len(field) == 0 {
			continue
		}
		name, value, _ := bytes.Cut(field, []byte("="))
		fn(name, value)
	}
}

// formDecode percent-decodes an urlencoded name or value into buf (WHATWG
// URL §5.1: "+" is a space, "%" and two hex digits a byte, and a "%" not
// followed by two hex digits stays as it is). ok is false when it does not
// fit.
func formDecode(buf, b []byte) (n int, ok bool) {
	for i := 0; i < len(b); i++ {
		if n == len(buf) {
			return n, false
		}
		c := b[i]
		switch {
		case c == '+':
			c = ' '
		case c == '%' && i+2 < len(b) && isHexByte(b[i+1]) && isHexByte(b[i+2]):
			c = hexDigit(b[i+1])<<4 | hexDigit(b[i+2])
			i += 2
		}
		buf[n] = c
		n++
	}
	return n, true
}

func isHexByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// hexValue is the value of a hex digit (isHexByte).
func hexDigit(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// jsonMembers calls fn with the raw key (between its quotes, escapes
// undone by jsonDecode) and the raw value of each object member anywhere
// in b whose value is a string (str true: the bytes between the quotes) or
// another scalar (a number, true, false or null, as written). Nesting is
// not tracked: a member is a string in key position (after "{" or ","),
// ":" and a scalar, which is all a login needs whether it sits at the top
// or inside {"data": {...}}. Scanning stops at a string or scalar that the
// end of b cuts, so a body cut short yields no cut value.
func jsonMembers(b []byte, fn func(key, value []byte, str bool)) {
	var key []byte
	keyPos, colon := false, false
	for i := 0; i < len(b); {
		c := b[i]
		switch c {
		case ' ', '\t', '\r', '\n':
			i++
			continue
		case '{', ',':
			keyPos, key, colon = true, nil, false
			i++
			continue
		case ':':
			colon = key != nil
			keyPos = false
			i++
			continue
		case '}', '[', ']':
			keyPos, key, colon = false, nil, false
			i++
			continue
		case '"':
			end := jsonStringEnd(b, i+1)
			if end < 0 {
				return
			}
			s := b[i+1 : end]
			i = end + 1
			switch {
			case colon:
				fn(key, s, true)
				key, colon = nil, false
			case keyPos:
				key = s
			default:
				key = nil
			}
			keyPos = false
			continue
		}
		j := i
		for j < len(b) && !jsonDelim(b[j]) {
			j++
		}
		if j == len(b) {
			return // a scalar running to the end may be cut
		}
		if colon {
			fn(key, b[i:j], false)
		}
		keyPos, key, colon = false, nil, false
		i = j
	}
}

// jsonDelim reports whether c ends a JSON scalar.
func jsonDelim(c byte) bool {
	switch c {
	case ',', ':', '{', '}', '[', ']', '"', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

// jsonStringEnd returns the index of the quote that closes the JSON string
// whose contents start at b[i], or -1 when b ends first.
func jsonStringEnd(b []byte, i int) int {
	for ; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// jsonDecode undoes the escapes of a JSON string's contents into buf (RFC
// 8259 §7), a lone surrogate becoming U+FFFD as encoding/json does. ok is
// false for a malformed escape or when the result does not fit.
func jsonDecode(buf, b []byte) (n int, ok bool) {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			if n == len(buf) {
				return n, false
			}
			buf[n] = c
			n++
			continue
		}
		i++
		if i == len(b) {
			return n, false
		}
		switch c = b[i]; c {
		case '"', '\\', '/':
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		case 'u':
			r, used := jsonEscapedRune(b[i+1:])
			if used == 0 {
				return n, false
			}
			i += used
			if n+utf8.RuneLen(r) > len(buf) {
				return n, false
			}
			n += utf8.EncodeRune(buf[n:], r)
			continue
		default:
			return n, false
		}
		if n == len(buf) {
			return n, false
		}
		buf[n] = c
		n++
	}
	return n, true
}

// jsonEscapedRune reads the four hex digits after "\u", and a second
// "\uXXXX" when the first is a high surrogate, from the start of b. used is
// how many bytes of b it took, 0 when the digits are malformed.
func jsonEscapedRune(b []byte) (r rune, used int) {
	r, ok := hex4(b)
	if !ok {
		return 0, 0
	}
	if !utf16.IsSurrogate(r) {
		return r, 4
	}
	if len(b) >= 10 && b[4] == '\\' && b[5] == 'u' {
		if r2, ok := hex4(b[6:]); ok {
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				return d, 10
			}
		}
	}
	return utf8.RuneError, 4
}

// hex4 reads four hex digits from the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		if !isHexByte(c) {
			return 0, false
		}
		r = r<<4 | rune(hexDigit(c))
	}
	return r, true
}
