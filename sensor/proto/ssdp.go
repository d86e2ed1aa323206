package proto

import "bytes"

// SSDP reads the Simple Service Discovery Protocol of UPnP (UPnP Device
// Architecture 2.0, section 1): NOTIFY announcements and search responses
// name a device's server software, device and service types and the URL of
// its description, and M-SEARCH requests carry the searcher's user agent.
var SSDP = DatagramDissector{Name: "ssdp", Ports: []uint16{1900}, Parse: parseSSDP}

// SSDP message kinds, from the start line.
const (
	ssdpNotify = iota + 1
	ssdpSearch
	ssdpResponse
)

// ssdpMaxHeaders bounds the header lines read from one message.
const ssdpMaxHeaders = 64

// parseSSDP emits the headers of interest as facts about the sender.
func parseSSDP(d *Datagram, e Emitter) bool {
	line, rest := ssdpLine(d.Payload)
	var kind int
	switch {
	case bytes.HasPrefix(line, []byte("NOTIFY * HTTP/1.")):
		kind = ssdpNotify
	case bytes.HasPrefix(line, []byte("M-SEARCH * HTTP/1.")):
		kind = ssdpSearch
	case bytes.HasPrefix(line, []byte("HTTP/1.")) && len(line) >= 12 && string(line[8:12]) == " 200":
		kind = ssdpResponse
	default:
		return false
	}
	for i := 0; i < ssdpMaxHeaders && len(rest) > 0; i++ {
		line, rest = ssdpLine(rest)
		if len(line) == 0 {
			break // end of headers
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			continue
		}
		name, val := bytes.TrimSpace(line[:colon]), line[colon+1:]
		fact := ""
		switch {
		case asciiEqualFold(name, "server") && kind != ssdpSearch:
			fact = "ssdp.server"
		case asciiEqualFold(name, "user-agent") && kind == ssdpSearch:
			fact = "ssdp.user_agent"
		case asciiEqualFold(name, "usn") && kind != ssdpSearch:
			fact = "ssdp.usn"
		case asciiEqualFold(name, "nt") && kind == ssdpNotify,
			asciiEqualFold(name, "st") && kind == ssdpResponse:
			// The ST of an M-SEARCH is what the sender looks for,
			// not what it is, so only answers and announcements count.
			fact = "ssdp.nt"
		case asciiEqualFold(name, "location") && kind != ssdpSearch:
			fact = "ssdp.location"
		default:
			continue
		}
		if v := cleanValue(val); v != "" {
			e.Emit(d.Src, fact, v)
		}
	}
	return true
}

// ssdpLine splits off the first line, accepting CRLF or a bare LF.
func ssdpLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil
	}
	line, rest = b[:i], b[i+1:]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, rest
}
