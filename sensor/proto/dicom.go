package proto

import (
	"bytes"
	"encoding/binary"
	"strconv"

	"github.com/cordonsec/cordon"
)

// DICOM decodes the DICOM upper layer protocol (PS3.8 section 9): the
// association a modality, PACS or workstation opens (AE titles, the SOP
// classes it proposes and the peer accepts, the implementation class UID
// and version name that identify the DICOM toolkit), rejections and aborts.
// In the data that follows it looks only at whether the first data set of
// each C-STORE carries the patient module (group 0010) and then emits
// patient_data, never a value from the data set.
var DICOM = StreamDissector{
	Name:  "dicom",
	Ports: []uint16{104, 11112, 4242},
	Parse: parseDICOM,
}

// PDU types (PS3.8 9.3).
const (
	dicomAssocRQ   = 0x01
	dicomAssocAC   = 0x02
	dicomAssocRJ   = 0x03
	dicomPData     = 0x04
	dicomReleaseRP = 0x06
	dicomAbort     = 0x07
)

// dicomAssocFixed is the length of the fixed fields of an A-ASSOCIATE-RQ or
// -AC after the 6-byte PDU header: version, reserved, called and calling AE
// titles, 32 reserved bytes.
const dicomAssocFixed = 68

// dicomMaxAssoc bounds the length an A-ASSOCIATE PDU may claim. Real ones
// with a hundred presentation contexts are about 10 KB; the bound only keeps
// random bytes from being taken for DICOM.
const dicomMaxAssoc = 1 << 20

// Transfer syntax kinds of an accepted presentation context.
const (
	dicomTSUnknown    = iota // no A-ASSOCIATE-AC seen: guess from the bytes
	dicomTSImplicit          // implicit VR little endian
	dicomTSExplicit          // explicit VR little endian (and every encapsulated syntax)
	dicomTSUnreadable        // big endian or deflated: not read
)

// dicomConn is what one Parse call learns while it reads both directions.
// Slices point into the Stream and are not kept after the call.
type dicomConn struct {
	s        *Stream
	e        Emitter
	as       [128][]byte // proposed abstract syntax by context ID / 2
	ts       [128]uint8  // accepted transfer syntax kind by context ID / 2
	done     bool        // nothing more of interest: released or rejected
	accepted bool
	patient  bool
	dir      [2]dicomDir // per direction C-STORE state
}

func parseDICOM(s *Stream, e Emitter) Status {
	st := dicomRecognise(s.ClientData)
	if len(s.ClientData) == 0 && len(s.ServerData) > 0 {
		// An SCU always speaks first, unless the capture began inside
		// the association: then only data transfer can tell.
		st = NotMine
		if len(s.ServerData) >= 12 && s.ServerData[0] == dicomPData {
			st = dicomRecognise(s.ServerData)
		}
	}
	if st != Mine {
		return st
	}
	c := dicomConn{s: s, e: e}
	// The AC names presentation contexts by the IDs of the RQ, and the
	// data sets are read with the transfer syntaxes the AC accepted: read
	// the client's association first, then the server, then the client's
	// data.
	c.walk(s.ClientData, false, false)
	c.walk(s.ServerData, true, true)
	c.walk(s.ClientData, false, true)
	if c.patient {
		e.Emit(s.Client, "patient_data", "dicom.patient_module")
		e.Emit(s.Server, "patient_data", "dicom.patient_module")
	}
	if c.done || (c.accepted && c.patient) ||
		(len(s.ClientData) >= MaxStream && len(s.ServerData) >= MaxStream) {
		return Done
	}
	return Mine
}

// dicomRecognise tells whether b starts with an A-ASSOCIATE-RQ or, for a
// capture that began mid-association, a well-formed P-DATA-TF.
func dicomRecognise(b []byte) Status {
	if len(b) == 0 {
		return Undecided
	}
	if (b[0] != dicomAssocRQ && b[0] != dicomPData) || (len(b) > 1 && b[1] != 0) {
		return NotMine
	}
	if b[0] == dicomPData {
		if len(b) < 12 {
			return Undecided
		}
		n := binary.BigEndian.Uint32(b[2:6])
		pdv := binary.BigEndian.Uint32(b[6:10])
		if n < 6 || pdv < 2 || pdv > n-4 || b[10]%2 == 0 || b[11] > 3 {
			return NotMine
		}
		return Mine
	}
	if len(b) < 6+dicomAssocFixed {
		if len(b) >= 8 && b[7]&1 == 0 {
			return NotMine
		}
		return Undecided
	}
	n := binary.BigEndian.Uint32(b[2:6])
	if n < dicomAssocFixed || n > dicomMaxAssoc || b[7]&1 == 0 {
		return NotMine
	}
	for _, c := range b[10:42] { // called and calling AE titles
		if c != 0 && (c < 0x20 || c > 0x7e) {
			return NotMine
		}
	}
	return Mine
}

// walk reads the PDUs of one direction: association PDUs when data is
// false, P-DATA-TF when it is true (and the server's association PDUs,
// which come before any data it reads). The last PDU may be incomplete: the
// complete items of an association or data PDU are read, the short PDUs
// only once whole.
func (c *dicomConn) walk(b []byte, server, data bool) {
	for len(b) >= 6 {
		n := binary.BigEndian.Uint32(b[2:6])
		end := len(b)
		if uint64(n) <= uint64(len(b)-6) {
			end = 6 + int(n)
		}
		p := b[:end]
		whole := end-6 == int(n)
		switch t := b[0]; {
		case t == dicomAssocRQ && !server && !data:
			c.assocRQ(p)
		case t == dicomAssocAC && server:
			c.assocAC(p)
		case t == dicomAssocRJ && server && whole:
			if len(p) >= 10 {
				var buf [16]byte
				v := strconv.AppendUint(buf[:0], uint64(p[7]), 10)
				v = append(v, '/')
				v = strconv.AppendUint(v, uint64(p[8]), 10)
				v = append(v, '/')
				v = strconv.AppendUint(v, uint64(p[9]), 10)
				c.e.Emit(c.s.Client, "dicom.association", "rejected")
				c.e.Emit(c.s.Server, "dicom.reject_reason", string(v))
			}
			c.done = true
		case t == dicomAbort && (server || !data) && whole:
			c.e.Emit(c.s.Client, "dicom.association", "aborted")
			c.done = true
		case t == dicomReleaseRP && server && whole:
			c.done = true
		case t == dicomPData && data:
			c.pdata(p[6:], server)
		case t < dicomAssocRQ || t > dicomAbort || b[1] != 0:
			return // lost the framing
		}
		if end == len(b) {
			return
		}
		b = b[end:]
	}
}

// assocRQ reads an A-ASSOCIATE-RQ: the AE titles, the proposed presentation
// contexts and the user information.
func (c *dicomConn) assocRQ(p []byte) {
	if len(p) < 6+dicomAssocFixed {
		return
	}
	cl, sv := c.s.Client, c.s.Server
	if called := Clean(p[10:26]); called != "" {
		c.e.Emit(sv, "dicom.ae_title", called)
		c.e.Emit(cl, "dicom.peer_ae_title", called)
	}
	if calling := Clean(p[26:42]); calling != "" {
		c.e.Emit(cl, "dicom.ae_title", calling)
		c.e.Emit(sv, "dicom.peer_ae_title", calling)
	}
	c.e.Emit(cl, "dicom.role", "scu")
	c.e.Emit(sv, "dicom.role", "scp")
	dicomItems(p[6+dicomAssocFixed:], func(t byte, v []byte) {
		switch t {
		case 0x20: // presentation context: ID, 3 reserved, sub-items
			if len(v) < 4 {
				return
			}
			id := v[0]
			dicomItems(v[4:], func(t byte, v []byte) {
				if t != 0x30 || id%2 == 0 {
					return
				}
				as := bytes.TrimRight(v, "\x00 ")
				if len(as) == 0 {
					return
				}
				if !c.proposed(as) {
					c.e.Emit(cl, "dicom.sop_class", Clean(as))
				}
				c.as[id/2] = as
			})
		case 0x50:
			c.userInfo(v, cl)
		}
	})
}

// proposed reports whether abstract syntax as was already recorded, so each
// SOP class is emitted once however many contexts propose it.
func (c *dicomConn) proposed(as []byte) bool {
	for _, x := range c.as {
		if bytes.Equal(x, as) {
			return true
		}
	}
	return false
}

// assocAC reads an A-ASSOCIATE-AC: the result and transfer syntax of each
// presentation context and the server's user information.
func (c *dicomConn) assocAC(p []byte) {
	if len(p) < 6+dicomAssocFixed {
		return
	}
	c.accepted = true
	sv := c.s.Server
	c.e.Emit(c.s.Client, "dicom.association", "accepted")
	var seen [128]bool // contexts whose SOP class was emitted
	dicomItems(p[6+dicomAssocFixed:], func(t byte, v []byte) {
		switch t {
		case 0x21: // presentation context: ID, reserved, result, reserved, TS
			if len(v) < 4 || v[0]%2 == 0 || v[2] != 0 {
				return // only accepted contexts (result 0) matter
			}
			i := v[0] / 2
			dicomItems(v[4:], func(t byte, v []byte) {
				if t == 0x40 {
					c.ts[i] = dicomTSKind(bytes.TrimRight(v, "\x00 "))
				}
			})
			as := c.as[i]
			if len(as) == 0 {
				return
			}
			for j, x := range c.as {
				if seen[j] && bytes.Equal(x, as) {
					return
				}
			}
			seen[i] = true
			c.e.Emit(sv, "dicom.sop_class", Clean(as))
		case 0x50:
			c.userInfo(v, sv)
		}
	})
}

// userInfo emits the implementation class UID and version name of the
// sender of an association PDU. The other sub-items (maximum length,
// asynchronous operations, roles, extended negotiation) say nothing about
// identity, and the user identity item (0x58) holds credentials: it is
// never read.
func (c *dicomConn) userInfo(v []byte, about cordon.Endpoint) {
	dicomItems(v, func(t byte, v []byte) {
		switch t {
		case 0x52:
			if s := Clean(v); s != "" {
				c.e.Emit(about, "dicom.implementation_class_uid", s)
			}
		case 0x55:
			if s := Clean(v); s != "" {
				c.e.Emit(about, "dicom.implementation_version", s)
			}
		}
	})
}

// dicomItems calls f with the type and value of each complete item (type,
// reserved, 2-byte big-endian length) in b.
func dicomItems(b []byte, f func(t byte, v []byte)) {
	for len(b) >= 4 {
		n := int(binary.BigEndian.Uint16(b[2:4]))
		if n > len(b)-4 {
			return
		}
		f(b[0], b[4:4+n])
		b = b[4+n:]
	}
}

// dicomTSKind classifies a transfer syntax UID.
func dicomTSKind(uid []byte) uint8 {
	switch string(uid) {
	case "1.2.840.10008.1.2":
		return dicomTSImplicit
	case "1.2.840.10008.1.2.1":
		return dicomTSExplicit
	case "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99": // big endian, deflated
		return dicomTSUnreadable
	}
	// Every other standard syntax (JPEG, RLE, MPEG …) encodes the data set
	// in explicit VR little endian and encapsulates only the pixel data.
	if bytes.HasPrefix(uid, []byte("1.2.840.10008.1.2.")) {
		return dicomTSExplicit
	}
	return dicomTSUnreadable
}
