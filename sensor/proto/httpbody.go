package proto

import (
	"bytes"
	"strconv"
)

// This file finds where HTTP bodies end and reads the title of an HTML
// body, for http.go.

// httpBodyLen returns the length of the body that starts b, from
// Content-Length or by walking a chunked body; a chunked body not yet
// complete counts as longer than b. known is false when the body runs to the
// end of the connection or its framing is invalid.
func httpBodyLen(f httpFields, b []byte, response bool) (n int, known bool) {
	if len(f.transferEncoding) > 0 {
		if !containsFold(f.transferEncoding, "CHUNKED") {
			return 0, false
		}
		return httpChunkedLen(b)
	}
	if len(f.contentLength) > 0 {
		v, err := strconv.ParseUint(string(f.contentLength), 10, 31)
		if err != nil {
			return 0, false
		}
		return int(v), true
	}
	if response {
		return 0, false
	}
	return 0, true
}

// httpChunkedLen returns the length of the chunked body that starts b, or
// more than len(b) while it is incomplete.
func httpChunkedLen(b []byte) (int, bool) {
	end, ok := httpChunks(b, nil)
	switch {
	case !ok:
		return 0, false
	case end < 0:
		return len(b) + 1, true
	}
	return end, true
}

// httpDechunk copies the data of the chunked body that starts b into dst,
// as far as b, the last chunk or dst goes, and reports how much it copied
// and whether the body held more data than dst could take. Framing that
// does not parse ends the copy where it is.
func httpDechunk(dst, b []byte) (n int, truncated bool) {
	httpChunks(b, func(data []byte) bool {
		k := copy(dst[n:], data)
		n += k
		truncated = k < len(data)
		return !truncated
	})
	return n, truncated
}

// httpChunks walks the chunked body that starts b (RFC 9112 §7.1), handing
// fn (if not nil) the data of each chunk, or of the part of it b holds,
// until fn returns false. end is where the body ends, after its trailer
// fields, or -1 when b ends first (or fn stopped the walk); ok is false
// when the framing does not parse.
func httpChunks(b []byte, fn func(data []byte) bool) (end int, ok bool) {
	off := 0
	for {
		line, _, found := bytes.Cut(b[off:], []byte("\n"))
		if !found {
			return -1, true
		}
		hexSize, _, _ := bytes.Cut(bytes.TrimSpace(line), []byte(";"))
		size, err := strconv.ParseUint(string(bytes.TrimSpace(hexSize)), 16, 31)
		if err != nil {
			return 0, false
		}
		off += len(line) + 1
		if size == 0 {
			// Trailer fields, then an empty line.
			for {
				line, _, found := bytes.Cut(b[off:], []byte("\n"))
				if !found {
					return -1, true
				}
				off += len(line) + 1
				if len(bytes.TrimSpace(line)) == 0 {
					return off, true
				}
			}
		}
		data := b[off:min(len(b), off+int(size))]
		if fn != nil && !fn(data) || len(data) < int(size) {
			return -1, true
		}
		off += int(size)
		// The CR LF after the chunk data.
		for k := 0; k < 2 && off < len(b) && (b[off] == '\r' || b[off] == '\n'); k++ {
			off++
		}
	}
}

// httpIsHTML reports whether a response body is HTML that can be read as
// is: typed as HTML (or untyped and starting with "<") and not compressed.
// It is Undecided for an untyped body not seen yet.
func httpIsHTML(f httpFields, body []byte) Status {
	switch {
	case len(f.contentEncoding) > 0 && !bytes.EqualFold(f.contentEncoding, []byte("identity")):
		return NotMine
	case len(f.contentType) > 0:
		if containsFold(f.contentType, "HTML") {
			return Mine
		}
		return NotMine
	}
	t := bytes.TrimLeft(body, " \t\r\n")
	switch {
	case len(t) == 0:
		return Undecided
	case t[0] == '<':
		return Mine
	}
	return NotMine
}

// httpTitle finds the <title> element near the start of an HTML body, of
// which whole says whether it is all there. It returns Mine and the raw
// title, NotMine when the title window holds none, or Undecided when more of
// the body could still bring one.
func httpTitle(body []byte, whole bool) ([]byte, Status) {
	w := body[:min(len(body), httpTitleWindow)]
	more := Undecided
	if whole || len(w) == httpTitleWindow {
		more = NotMine
	}
	i := indexFold(w, "<TITLE")
	for i >= 0 && i+6 < len(w) && w[i+6] != '>' && w[i+6] != ' ' && w[i+6] != '\t' && w[i+6] != '\n' && w[i+6] != '\r' {
		// "<titlebar>" and the like: look further.
		k := indexFold(w[i+6:], "<TITLE")
		if k < 0 {
			i = -1
			break
		}
		i += 6 + k
	}
	if i < 0 {
		return nil, more
	}
	j := bytes.IndexByte(w[i:], '>')
	if j < 0 {
		return nil, more
	}
	t := w[i+j+1:]
	k := indexFold(t, "</TITLE")
	if k < 0 {
		return nil, more
	}
	return t[:k], Mine
}
