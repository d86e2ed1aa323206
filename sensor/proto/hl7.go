package proto

import (
	"bytes"

	"github.com/cordonsec/cordon"
)

// HL7 decodes HL7 version 2 messages framed by the Minimal Lower Layer
// Protocol (0x0b, message, 0x1c 0x0d) on any port: interfaces engines and
// devices use whatever port the site configures, so the protocol is
// recognised by its first bytes, 0x0b and "MSH". Only the MSH (message
// header) segment is read: the sending and receiving application and
// facility, the message type and the version. Every other segment holds or
// may hold patient data; of those only the segment name is looked at, and a
// PID or OBX segment yields the fact patient_data, never its content.
//
// MSH-3 to MSH-6 are of type HD (namespace ID ^ universal ID ^ universal ID
// type). The value emitted is the namespace ID, the first component, which
// is what sites configure and what appears in interface engine screens; when
// it is empty, the universal ID (the second component) is emitted instead.
var HL7 = StreamDissector{
	Name:  "hl7",
	Ports: []uint16{2575, 6661},
	Parse: parseHL7,
}

// MLLP framing bytes.
const (
	mllpStart = 0x0b
	mllpEnd   = 0x1c
)

// hl7MaxMessages bounds the messages read per direction before the
// dissector is done: a connection's applications and message types show in
// its first messages, and a long-lived interface carries thousands.
const hl7MaxMessages = 64

func parseHL7(s *Stream, e Emitter) Status {
	st := hl7Recognise(s.ClientData)
	if len(s.ClientData) == 0 {
		// Some interfaces have the listening side send (the client only
		// acknowledges), and a capture may begin after the first message.
		st = hl7Recognise(s.ServerData)
	}
	if st != Mine {
		return st
	}
	var patient [2]bool // PID, OBX seen
	nc := hl7Walk(s.ClientData, s.Client, e, &patient)
	ns := hl7Walk(s.ServerData, s.Server, e, &patient)
	for i, kind := range [2]string{"hl7.PID", "hl7.OBX"} {
		if patient[i] {
			e.Emit(s.Client, "patient_data", kind)
			e.Emit(s.Server, "patient_data", kind)
		}
	}
	if (nc >= hl7MaxMessages || len(s.ClientData) >= MaxStream) &&
		(ns >= hl7MaxMessages || len(s.ServerData) >= MaxStream) {
		return Done
	}
	return Mine
}

// hl7Recognise reports whether b starts with 0x0b "MSH".
func hl7Recognise(b []byte) Status {
	const magic = "\x0bMSH"
	if len(b) < len(magic) {
		if string(b) == magic[:len(b)] {
			return Undecided
		}
		return NotMine
	}
	if string(b[:len(magic)]) != magic {
		return NotMine
	}
	return Mine
}

// hl7Walk reads the MLLP-framed messages of one direction, sent by about,
// and returns how many it saw. The last message may be incomplete: its
// complete segments are read.
func hl7Walk(b []byte, about cordon.Endpoint, e Emitter, patient *[2]bool) int {
	n := 0
	for n < hl7MaxMessages {
		i := bytes.IndexByte(b, mllpStart)
		if i < 0 {
			break
		}
		b = b[i+1:]
		msg, complete := b, false
		if j := bytes.IndexByte(b, mllpEnd); j >= 0 {
			msg, b, complete = b[:j], b[j+1:], true
		} else {
			b = nil
		}
		hl7Message(msg, complete, about, e, patient)
		n++
	}
	return n
}

// hl7Message reads one message: the MSH segment in full, then only the name
// of each further segment. Segments end with CR; LF is accepted too, since
// some senders use it. complete tells whether the MLLP end byte was seen.
func hl7Message(m []byte, complete bool, about cordon.Endpoint, e Emitter, patient *[2]bool) {
	first := true
	for len(m) > 0 {
		seg := m
		if end := bytes.IndexAny(m, "\r\n"); end >= 0 {
			seg, m = m[:end], m[end+1:]
		} else if complete {
			m = nil // the last segment may lack its CR
		} else {
			// A segment not yet terminated may still be growing: read
			// it only once it is complete.
			return
		}
		if first {
			if len(seg) == 0 {
				continue // stray line breaks before the header
			}
			first = false
			// A malformed header still leaves the segment names to
			// look at, so the message is read on.
			hl7MSH(seg, about, e)
			continue
		}
		if len(seg) < 4 {
			continue
		}
		switch string(seg[:3]) {
		case "PID":
			patient[0] = true
		case "OBX":
			patient[1] = true
		}
	}
}

// hl7MSH reads an MSH segment with the field separator (MSH-1) and component
// and repetition separators (MSH-2) it declares, and emits MSH-3 to MSH-6,
// MSH-9 and MSH-12. A segment that is not a well-formed MSH is ignored.
func hl7MSH(seg []byte, about cordon.Endpoint, e Emitter) {
	if len(seg) < 8 || string(seg[:3]) != "MSH" {
		return
	}
	fs := seg[3]
	// MSH-2 is 4 encoding characters (5 from v2.7); only the component
	// and repetition separators matter here.
	enc := seg[4:]
	if i := bytes.IndexByte(enc, fs); i >= 0 {
		enc = enc[:i]
	}
	if len(enc) < 2 || !hl7Separator(fs) || !hl7Separator(enc[0]) || !hl7Separator(enc[1]) ||
		enc[0] == fs || enc[1] == fs || enc[0] == enc[1] {
		return
	}
	cs, rs := enc[0], enc[1]
	// Split on the field separator: field k (k ≥ 2) is MSH-(k+1), since
	// MSH-1 is the separator itself.
	rest := seg[4:]
	for k := 1; len(rest) > 0 || k == 1; k++ {
		f := rest
		if i := bytes.IndexByte(rest, fs); i >= 0 {
			f, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if i := bytes.IndexByte(f, rs); i >= 0 {
			f = f[:i] // first repetition only
		}
		switch k + 1 {
		case 3:
			hl7EmitHD(f, cs, about, "hl7.sending_application", e)
		case 4:
			hl7EmitHD(f, cs, about, "hl7.sending_facility", e)
		case 5:
			hl7EmitHD(f, cs, about, "hl7.receiving_application", e)
		case 6:
			hl7EmitHD(f, cs, about, "hl7.receiving_facility", e)
		case 9:
			hl7EmitType(f, cs, about, e)
		case 12:
			if i := bytes.IndexByte(f, cs); i >= 0 {
				f = f[:i]
			}
			if v := Clean(f); v != "" {
				e.Emit(about, "hl7.version", v)
			}
			return // nothing after MSH-12 is read
		}
	}
}

// hl7EmitType emits MSH-9 (message code ^ trigger event ^ message
// structure) as its first two components joined by "^", whatever component
// separator the message declared, so that "ADT^A01" means the same from
// every sender.
func hl7EmitType(f []byte, cs byte, about cordon.Endpoint, e Emitter) {
	code, event := f, []byte(nil)
	if i := bytes.IndexByte(f, cs); i >= 0 {
		code, event = f[:i], f[i+1:]
		if j := bytes.IndexByte(event, cs); j >= 0 {
			event = event[:j]
		}
	}
	c, ev := Clean(code), Clean(event)
	switch {
	case c == "":
	case ev == "":
		e.Emit(about, "hl7.message_type", c)
	default:
		e.Emit(about, "hl7.message_type", CleanString(c+"^"+ev)) // re-cut to MaxValue
	}
}

// hl7EmitHD emits an HD field: its namespace ID, or its universal ID when
// the namespace ID is empty.
func hl7EmitHD(f []byte, cs byte, about cordon.Endpoint, fact string, e Emitter) {
	v := f
	if i := bytes.IndexByte(f, cs); i >= 0 {
		v = f[:i]
		if len(bytes.TrimSpace(v)) == 0 {
			v = f[i+1:]
			if j := bytes.IndexByte(v, cs); j >= 0 {
				v = v[:j]
			}
		}
	}
	if s := Clean(v); s != "" {
		e.Emit(about, fact, s)
	}
}

// hl7Separator reports whether c may be an HL7 delimiter: printable,
// neither a letter nor a digit nor a space.
func hl7Separator(c byte) bool {
	return c > ' ' && c < 0x7f &&
		!('0' <= c && c <= '9') && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z')
}
