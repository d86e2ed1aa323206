package proto

import (
	"encoding/binary"
)

// This file reads DICOM P-DATA-TF PDUs for one thing only: whether a
// C-STORE data set carries the patient module. It walks element headers
// (tag, VR, length) and never reads an element value.

// DIMSE command field of a C-STORE request (PS3.7 E.1).
const dicomCStoreRQ = 0x0001

// dicomNoDataSet is the Command Data Set Type meaning "no data set".
const dicomNoDataSet = 0x0101

// dicomUndefined is the undefined value length of sequences and items.
const dicomUndefined = 0xffffffff

// dicomMaxDepth bounds sequence nesting so hostile data cannot recurse deep.
const dicomMaxDepth = 8

// dicomDir tracks, for one direction, the C-STORE whose data set is being
// looked at. C-STOREs flow from client to server, and from server to client
// in C-GET.
type dicomDir struct {
	pending  bool  // a C-STORE-RQ command was seen; its data set is next
	ctx      byte  // presentation context of that C-STORE
	explicit bool  // data set encoding, fixed at its first fragment
	started  bool  // at least one data fragment was read
	carry    int64 // bytes of an element value that run into the next fragment
}

// pdata reads the presentation data value items of one P-DATA-TF body. The
// last item may be cut short by the end of the data so far.
func (c *dicomConn) pdata(p []byte, server bool) {
	d := &c.dir[0]
	if server {
		d = &c.dir[1]
	}
	for len(p) >= 6 {
		n := binary.BigEndian.Uint32(p[0:4])
		if n < 2 {
			return
		}
		ctx, mch := p[4], p[5]
		end := len(p)
		if uint64(n) <= uint64(len(p)-4) {
			end = 4 + int(n)
		}
		c.pdv(d, ctx, mch, p[6:end])
		p = p[end:]
	}
}

// pdv reads one fragment: bit 0 of the message control header marks a
// command, bit 1 the last fragment of a command or data set.
func (c *dicomConn) pdv(d *dicomDir, ctx, mch byte, frag []byte) {
	if mch&1 != 0 {
		field, dsType := dicomCommand(frag)
		*d = dicomDir{pending: field == dicomCStoreRQ && dsType != dicomNoDataSet, ctx: ctx}
		return
	}
	if !d.pending || ctx != d.ctx || c.patient {
		return
	}
	if !d.started {
		d.started = true
		switch c.ts[ctx/2] {
		case dicomTSImplicit:
			d.explicit = false
		case dicomTSExplicit:
			d.explicit = true
		case dicomTSUnreadable:
			d.pending = false
			return
		default:
			d.explicit = dicomLooksExplicit(frag)
		}
	}
	found, carry := dicomPatient(frag, d.carry, d.explicit)
	switch {
	case found:
		c.patient = true
		d.pending = false
	case carry < 0 || mch&2 != 0:
		d.pending = false // past group 0010, lost, or the data set ended
	default:
		d.carry = carry
	}
}

// dicomCommand returns the Command Field and Command Data Set Type of a
// command set, which is always implicit VR little endian (PS3.7 6.3.1).
// Missing fields read as 0, meaning "unknown" and "data set present".
func dicomCommand(b []byte) (field, dsType uint16) {
	for len(b) >= 8 {
		group := binary.LittleEndian.Uint16(b[0:2])
		elem := binary.LittleEndian.Uint16(b[2:4])
		n := binary.LittleEndian.Uint32(b[4:8])
		if group != 0 || uint64(n) > uint64(len(b)-8) {
			return
		}
		if n >= 2 {
			switch elem {
			case 0x0100:
				field = binary.LittleEndian.Uint16(b[8:10])
			case 0x0800:
				dsType = binary.LittleEndian.Uint16(b[8:10])
			}
		}
		b = b[8+n:]
	}
	return
}

// dicomLooksExplicit guesses the encoding of a data set from its first
// element when no A-ASSOCIATE-AC told: in explicit VR the two bytes after
// the tag are a VR such as "UI"; in implicit VR they are the low half of a
// length, which for the short elements that open a data set is never two
// capital letters.
func dicomLooksExplicit(b []byte) bool {
	return len(b) >= 6 && dicomKnownVR(b[4], b[5])
}

// dicomPatient walks the elements of a data set fragment, first skipping
// skip bytes of a value begun in the previous fragment. It reports whether
// an element of group 0010 with a value is present, or else how many bytes
// of the next fragment belong to a value begun here (0 when this fragment
// ends on an element boundary), or -1 when the walk cannot or need not go on
// (group 0010 is behind, or an element header is split or malformed).
func dicomPatient(b []byte, skip int64, explicit bool) (found bool, carry int64) {
	if skip >= int64(len(b)) {
		return false, skip - int64(len(b))
	}
	off := int(skip)
	for off < len(b) {
		group, elem, val, n, ok := dicomElement(b, off, explicit)
		if !ok {
			return false, -1
		}
		if group > 0x0010 {
			return false, -1
		}
		if group == 0x0010 && elem != 0 && n != 0 {
			return true, -1
		}
		if n == dicomUndefined {
			// Sequences in groups 0008 (referenced studies, procedure
			// codes) come before the patient module and may have an
			// undefined length: find their end.
			off = dicomSkipSequence(b, val, explicit, 0)
			if off < 0 {
				return false, -1
			}
			continue
		}
		if int64(n) > int64(len(b)-val) {
			return false, int64(n) - int64(len(b)-val)
		}
		off = val + int(n)
	}
	return false, 0
}

// dicomElement reads the element header at b[off:]: tag, offset of the
// value, value length. Item and delimitation tags (group FFFE) have no VR
// in any encoding.
func dicomElement(b []byte, off int, explicit bool) (group, elem uint16, val int, n uint32, ok bool) {
	if off < 0 || len(b)-off < 8 {
		return 0, 0, 0, 0, false
	}
	group = binary.LittleEndian.Uint16(b[off:])
	elem = binary.LittleEndian.Uint16(b[off+2:])
	if !explicit || group == 0xfffe {
		return group, elem, off + 8, binary.LittleEndian.Uint32(b[off+4:]), true
	}
	vr0, vr1 := b[off+4], b[off+5]
	if !dicomKnownVR(vr0, vr1) {
		return 0, 0, 0, 0, false
	}
	if dicomLongVR(vr0, vr1) {
		if len(b)-off < 12 {
			return 0, 0, 0, 0, false
		}
		return group, elem, off + 12, binary.LittleEndian.Uint32(b[off+8:]), true
	}
	return group, elem, off + 8, uint32(binary.LittleEndian.Uint16(b[off+6:])), true
}

// dicomSkipSequence returns the offset after the sequence delimitation item
// of an undefined-length sequence whose items start at b[off:], or -1 when
// it is not within b.
func dicomSkipSequence(b []byte, off int, explicit bool, depth int) int {
	if depth >= dicomMaxDepth {
		return -1
	}
	for {
		group, elem, val, n, ok := dicomElement(b, off, false)
		if !ok || group != 0xfffe {
			return -1
		}
		switch {
		case elem == 0xe0dd: // sequence delimitation item
			return val
		case elem != 0xe000:
			return -1
		case n == dicomUndefined:
			off = dicomSkipItem(b, val, explicit, depth+1)
			if off < 0 {
				return -1
			}
		case int64(n) > int64(len(b)-val):
			return -1
		default:
			off = val + int(n)
		}
	}
}

// dicomSkipItem returns the offset after the item delimitation item of an
// undefined-length item whose elements start at b[off:], or -1.
func dicomSkipItem(b []byte, off int, explicit bool, depth int) int {
	for {
		group, elem, val, n, ok := dicomElement(b, off, explicit)
		switch {
		case !ok:
			return -1
		case group == 0xfffe && elem == 0xe00d:
			return val
		case n == dicomUndefined:
			off = dicomSkipSequence(b, val, explicit, depth)
			if off < 0 {
				return -1
			}
		case int64(n) > int64(len(b)-val):
			return -1
		default:
			off = val + int(n)
		}
	}
}

// dicomLongVR reports whether an explicit VR has the 2 reserved bytes and
// 4-byte length form (PS3.5 7.1.2).
func dicomLongVR(a, b byte) bool {
	switch string([]byte{a, b}) {
	case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV":
		return true
	}
	return false
}

// dicomKnownVR reports whether a, b name a value representation of PS3.5.
func dicomKnownVR(a, b byte) bool {
	switch string([]byte{a, b}) {
	case "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT",
		"OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST",
		"SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV":
		return true
	}
	return false
}
