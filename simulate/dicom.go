package simulate

// DICOM upper layer (PS3.8) and DIMSE commands (PS3.7): A-ASSOCIATE-RQ/AC
// with presentation contexts and user information, P-DATA-TF carrying
// command sets and data sets in Implicit VR Little Endian, A-RELEASE.

const (
	uidAppContext   = "1.2.840.10008.3.1.1.1"
	uidImplicitLE   = "1.2.840.10008.1.2"
	uidExplicitLE   = "1.2.840.10008.1.2.1"
	uidVerification = "1.2.840.10008.1.1"
	uidMWLFind      = "1.2.840.10008.5.1.4.31"
	uidStudyFind    = "1.2.840.10008.5.1.4.1.2.2.1"
	dicomMaxPDU     = 16384
)

// dicomImpl identifies the DICOM software of one end of an association.
type dicomImpl struct {
	classUID, version string
}

func aeField(b []byte, ae string) []byte {
	for i := range 16 {
		if i < len(ae) {
			b = append(b, ae[i])
		} else {
			b = append(b, ' ')
		}
	}
	return b
}

func dicomItem(b []byte, typ byte, v []byte) []byte {
	b = append(b, typ, 0)
	b = be16(b, uint16(len(v)))
	return append(b, v...)
}

func dicomUserInfo(b []byte, impl dicomImpl) []byte {
	var ui []byte
	ui = dicomItem(ui, 0x51, be32(nil, dicomMaxPDU))
	ui = dicomItem(ui, 0x52, []byte(impl.classUID))
	ui = dicomItem(ui, 0x55, []byte(impl.version))
	return dicomItem(b, 0x50, ui)
}

func dicomAssocHeader(b []byte, typ byte, called, calling string) ([]byte, int) {
	s := len(b)
	b = append(b, typ, 0, 0, 0, 0, 0)
	b = be16(b, 1)
	b = be16(b, 0)
	b = aeField(b, called)
	b = aeField(b, calling)
	b = append(b, make([]byte, 32)...)
	b = dicomItem(b, 0x10, []byte(uidAppContext))
	return b, s
}

func dicomPDUEnd(b []byte, s int) []byte {
	n := len(b) - s - 6
	b[s+2], b[s+3], b[s+4], b[s+5] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
	return b
}

// proposeLE is what modalities usually propose: both little-endian
// transfer syntaxes, explicit first.
var proposeLE = []string{uidExplicitLE, uidImplicitLE}

// dicomAssociateRQ proposes one presentation context per abstract syntax,
// each with the transfer syntaxes tss.
func dicomAssociateRQ(b []byte, called, calling string, sops, tss []string, impl dicomImpl) []byte {
	b, s := dicomAssocHeader(b, 0x01, called, calling)
	for i, sop := range sops {
		var pc []byte
		pc = append(pc, byte(2*i+1), 0, 0, 0)
		pc = dicomItem(pc, 0x30, []byte(sop))
		for _, ts := range tss {
			pc = dicomItem(pc, 0x40, []byte(ts))
		}
		b = dicomItem(b, 0x20, pc)
	}
	b = dicomUserInfo(b, impl)
	return dicomPDUEnd(b, s)
}

// dicomAssociateAC accepts every proposed context with Implicit VR LE.
func dicomAssociateAC(b []byte, called, calling string, n int, impl dicomImpl) []byte {
	b, s := dicomAssocHeader(b, 0x02, called, calling)
	for i := range n {
		pc := []byte{byte(2*i + 1), 0, 0, 0}
		pc = dicomItem(pc, 0x40, []byte(uidImplicitLE))
		b = dicomItem(b, 0x21, pc)
	}
	b = dicomUserInfo(b, impl)
	return dicomPDUEnd(b, s)
}

// dicomRelease builds A-RELEASE-RQ (5) or -RP (6).
func dicomRelease(b []byte, typ byte) []byte {
	return append(b, typ, 0, 0, 0, 0, 4, 0, 0, 0, 0)
}

// dcmElem appends an Implicit VR LE element, padding odd values (UIDs with
// NUL, text with a space) as PS3.5 requires.
func dcmElem(b []byte, group, elem uint16, v []byte, padNUL bool) []byte {
	n := len(v)
	odd := n&1 == 1
	if odd {
		n++
	}
	b = le16(b, group)
	b = le16(b, elem)
	b = le32(b, uint32(n))
	b = append(b, v...)
	if odd {
		if padNUL {
			b = append(b, 0)
		} else {
			b = append(b, ' ')
		}
	}
	return b
}

func dcmUI(b []byte, group, elem uint16, uid string) []byte {
	return dcmElem(b, group, elem, []byte(uid), true)
}

func dcmStr(b []byte, group, elem uint16, s string) []byte {
	return dcmElem(b, group, elem, []byte(s), false)
}

func dcmUS(b []byte, group, elem, v uint16) []byte {
	return dcmElem(b, group, elem, le16(nil, v), false)
}

// dimse builds a command set with its group length.
type dimse struct {
	sop, instance string
	field         uint16 // command field
	msgID         uint16
	responseTo    bool   // (0000,0120) instead of (0000,0110)
	dataSet       bool   // a data set follows
	status        uint16 // responses only
	priority      bool   // requests that carry a priority
}

func (d dimse) encode() []byte {
	var body []byte
	body = dcmUI(body, 0, 0x0002, d.sop)
	body = dcmUS(body, 0, 0x0100, d.field)
	if d.responseTo {
		body = dcmUS(body, 0, 0x0120, d.msgID)
	} else {
		body = dcmUS(body, 0, 0x0110, d.msgID)
	}
	if d.priority {
		body = dcmUS(body, 0, 0x0700, 0)
	}
	if d.dataSet {
		// Any value but 0x0101 announces a data set; 0x0001 is what DCMTK
		// and most toolkits send.
		body = dcmUS(body, 0, 0x0800, 0x0001)
	} else {
		body = dcmUS(body, 0, 0x0800, 0x0101)
	}
	if d.responseTo {
		body = dcmUS(body, 0, 0x0900, d.status)
	}
	if d.instance != "" {
		body = dcmUI(body, 0, 0x1000, d.instance)
	}
	c := dcmElem(nil, 0, 0, le32(nil, uint32(len(body))), false)
	return append(c, body...)
}

// pdata appends P-DATA-TF PDUs carrying v in presentation context pc,
// fragmented to the negotiated maximum; command marks a command set.
func pdata(b []byte, pc byte, command bool, v []byte) []byte {
	const maxFrag = dicomMaxPDU - 6
	for first := true; first || len(v) > 0; first = false {
		n := min(len(v), maxFrag)
		hdr := byte(0)
		if command {
			hdr |= 1
		}
		if n == len(v) {
			hdr |= 2
		}
		b = append(b, 0x04, 0)
		b = be32(b, uint32(n+6))
		b = be32(b, uint32(n+2))
		b = append(b, pc, hdr)
		b = append(b, v[:n]...)
		v = v[n:]
	}
	return b
}

// patient is a synthetic patient: the names and numbers are obviously
// fake (ZZTEST surnames, NHS numbers in the 999 test range).
type patient struct {
	name, nhs, mrn, dob, sex string
}

// dicomImage builds an image data set with a patient module and pixels.
func dicomImage(b []byte, sop, instance, study, series, modality, maker, model string, p *patient, rows, cols uint16, n int, fill byte) []byte {
	b = dcmUI(b, 0x0008, 0x0016, sop)
	b = dcmUI(b, 0x0008, 0x0018, instance)
	b = dcmStr(b, 0x0008, 0x0020, "20261102")
	b = dcmStr(b, 0x0008, 0x0060, modality)
	b = dcmStr(b, 0x0008, 0x0070, maker)
	b = dcmStr(b, 0x0008, 0x1090, model)
	b = dcmStr(b, 0x0010, 0x0010, p.name)
	b = dcmStr(b, 0x0010, 0x0020, p.nhs)
	b = dcmStr(b, 0x0010, 0x0030, p.dob)
	b = dcmStr(b, 0x0010, 0x0040, p.sex)
	b = dcmUI(b, 0x0020, 0x000d, study)
	b = dcmUI(b, 0x0020, 0x000e, series)
	b = dcmStr(b, 0x0020, 0x0013, "1")
	b = dcmUS(b, 0x0028, 0x0002, 1)
	b = dcmStr(b, 0x0028, 0x0004, "MONOCHROME2")
	b = dcmUS(b, 0x0028, 0x0010, rows)
	b = dcmUS(b, 0x0028, 0x0011, cols)
	b = dcmUS(b, 0x0028, 0x0100, 16)
	b = dcmUS(b, 0x0028, 0x0101, 12)
	b = dcmUS(b, 0x0028, 0x0102, 11)
	b = dcmUS(b, 0x0028, 0x0103, 0)
	b = le16(b, 0x7fe0)
	b = le16(b, 0x0010)
	n &^= 1
	b = le32(b, uint32(n))
	return appendFill(b, n, fill)
}

// dicomWorklistQuery is a modality worklist C-FIND identifier: match on
// modality and date, return patient and procedure attributes.
func dicomWorklistQuery(modality, station string) []byte {
	var sps []byte
	sps = dcmStr(sps, 0x0008, 0x0060, modality)
	sps = dcmStr(sps, 0x0040, 0x0001, station)
	sps = dcmStr(sps, 0x0040, 0x0002, "20261102")
	return dicomWorklistWrap(nil, sps)
}

func dicomWorklistWrap(head []byte, sps []byte) []byte {
	b := head
	if b == nil {
		b = dcmStr(b, 0x0008, 0x0050, "")
		b = dcmStr(b, 0x0010, 0x0010, "")
		b = dcmStr(b, 0x0010, 0x0020, "")
		b = dcmStr(b, 0x0010, 0x0030, "")
		b = dcmStr(b, 0x0010, 0x0040, "")
	}
	// (0040,0100) Scheduled Procedure Step Sequence with one item of
	// explicit length.
	item := le16(nil, 0xfffe)
	item = le16(item, 0xe000)
	item = le32(item, uint32(len(sps)))
	item = append(item, sps...)
	b = le16(b, 0x0040)
	b = le16(b, 0x0100)
	b = le32(b, uint32(len(item)))
	return append(b, item...)
}

// dicomWorklistItem is one C-FIND answer: a scheduled procedure for p.
func dicomWorklistItem(p *patient, accession, modality, station string) []byte {
	var b []byte
	b = dcmStr(b, 0x0008, 0x0050, accession)
	b = dcmStr(b, 0x0010, 0x0010, p.name)
	b = dcmStr(b, 0x0010, 0x0020, p.nhs)
	b = dcmStr(b, 0x0010, 0x0030, p.dob)
	b = dcmStr(b, 0x0010, 0x0040, p.sex)
	var sps []byte
	sps = dcmStr(sps, 0x0008, 0x0060, modality)
	sps = dcmStr(sps, 0x0040, 0x0001, station)
	sps = dcmStr(sps, 0x0040, 0x0002, "20261102")
	return dicomWorklistWrap(b, sps)
}
