package simulate

import "strconv"

// HTTP/1.1 requests and responses. Bodies of downloads are filler: the
// sensor never reads past the headers of a bulk transfer.

// httpRequest builds a GET.
func httpRequest(b []byte, path, host, userAgent string) []byte {
	b = append(b, "GET "...)
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\nUser-Agent: "...)
	b = append(b, userAgent...)
	return append(b, "\r\nAccept: */*\r\nConnection: close\r\n\r\n"...)
}

// httpPage builds a 200 response carrying a small HTML page titled title.
func httpPage(b []byte, server, title, date string) []byte {
	body := "<!DOCTYPE html>\n<html><head><title>" + title + "</title></head><body><p>" + title + "</p></body></html>\n"
	b = append(b, "HTTP/1.1 200 OK\r\nDate: "...)
	b = append(b, date...)
	if server != "" {
		b = append(b, "\r\nServer: "...)
		b = append(b, server...)
	}
	b = append(b, "\r\nContent-Type: text/html\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\nConnection: close\r\n\r\n"...)
	return append(b, body...)
}

// httpDownload builds a 200 response with an n-byte binary body.
func httpDownload(b []byte, server, date string, n int, fill byte) []byte {
	b = append(b, "HTTP/1.1 200 OK\r\nDate: "...)
	b = append(b, date...)
	if server != "" {
		b = append(b, "\r\nServer: "...)
		b = append(b, server...)
	}
	b = append(b, "\r\nContent-Type: application/octet-stream\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, "\r\nConnection: close\r\n\r\n"...)
	return appendFill(b, n, fill)
}

// noise is a fixed block of pseudo-random bytes; bulk payloads are cut
// from it. Bulk data need only look like data, and copying is far cheaper
// than generating it byte by byte.
var noise = func() []byte {
	b := make([]byte, 1<<16)
	x := uint64(0x243f6a8885a308d3)
	for i := 0; i < len(b); i += 8 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		for j := range 8 {
			b[i+j] = byte(x >> (8 * j))
		}
	}
	return b
}()

// appendFill appends n bytes of filler starting at a seed-dependent place
// in the noise block.
func appendFill(b []byte, n int, seed byte) []byte {
	off := int(seed) * 251
	for n > 0 {
		c := min(n, len(noise)-off)
		b = append(b, noise[off:off+c]...)
		n -= c
		off = 0
	}
	return b
}
