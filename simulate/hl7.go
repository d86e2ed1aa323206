package simulate

// HL7 v2 messages framed by MLLP (0x0B … 0x1C 0x0D). Patient segments
// carry only the synthetic patients of the run.

// hl7Header names the two ends of a message.
type hl7Header struct {
	sendApp, sendFac, recvApp, recvFac string
	version                            string
}

// obx is one observation: LOINC code and name, value and unit.
type obx struct {
	code, name, value, unit string
}

func mllpBegin(b []byte) []byte { return append(b, 0x0b) }
func mllpEnd(b []byte) []byte   { return append(b, 0x1c, 0x0d) }

func hl7MSH(b []byte, h hl7Header, ts, msgType, ctrl string) []byte {
	b = append(b, "MSH|^~\\&|"...)
	for _, f := range []string{h.sendApp, h.sendFac, h.recvApp, h.recvFac, ts, "", msgType, ctrl, "P", h.version} {
		b = append(b, f...)
		b = append(b, '|')
	}
	b = b[:len(b)-1]
	return append(b, '\r')
}

func hl7PID(b []byte, p *patient) []byte {
	b = append(b, "PID|1||"...)
	b = append(b, p.nhs...)
	b = append(b, "^^^NHS^NH~"...)
	b = append(b, p.mrn...)
	b = append(b, "^^^RXH^MR||"...)
	b = append(b, p.name...)
	b = append(b, "||"...)
	b = append(b, p.dob...)
	b = append(b, '|')
	b = append(b, p.sex...)
	return append(b, '\r')
}

// hl7ORU builds an ORU^R01 with one OBR and the observations.
func hl7ORU(b []byte, h hl7Header, ts, ctrl string, p *patient, location, order string, panel obx, obs []obx) []byte {
	b = mllpBegin(b)
	b = hl7MSH(b, h, ts, "ORU^R01^ORU_R01", ctrl)
	b = hl7PID(b, p)
	b = append(b, "PV1|1|I|"...)
	b = append(b, location...)
	b = append(b, '\r')
	b = append(b, "OBR|1||"...)
	b = append(b, order...)
	b = append(b, '|')
	b = append(b, panel.code...)
	b = append(b, '^')
	b = append(b, panel.name...)
	b = append(b, "^LN|||"...)
	b = append(b, ts...)
	b = append(b, '\r')
	for i, o := range obs {
		b = append(b, "OBX|"...)
		b = appendInt(b, i+1)
		b = append(b, "|NM|"...)
		b = append(b, o.code...)
		b = append(b, '^')
		b = append(b, o.name...)
		b = append(b, "^LN||"...)
		b = append(b, o.value...)
		b = append(b, '|')
		b = append(b, o.unit...)
		b = append(b, "|||||F|||"...)
		b = append(b, ts...)
		b = append(b, '\r')
	}
	return mllpEnd(b)
}

// hl7ADT builds an ADT^A01 (admit) or A08 (update).
func hl7ADT(b []byte, h hl7Header, ts, ctrl, event string, p *patient, location string) []byte {
	b = mllpBegin(b)
	b = hl7MSH(b, h, ts, "ADT^"+event+"^ADT_A01", ctrl)
	b = append(b, "EVN|"...)
	b = append(b, event...)
	b = append(b, '|')
	b = append(b, ts...)
	b = append(b, '\r')
	b = hl7PID(b, p)
	b = append(b, "PV1|1|I|"...)
	b = append(b, location...)
	b = append(b, '\r')
	return mllpEnd(b)
}

// hl7ACK answers a message: the receiver becomes the sender.
func hl7ACK(b []byte, h hl7Header, ts, ctrl, trigger, ackCtrl string) []byte {
	r := hl7Header{sendApp: h.recvApp, sendFac: h.recvFac, recvApp: h.sendApp, recvFac: h.sendFac, version: h.version}
	b = mllpBegin(b)
	b = hl7MSH(b, r, ts, "ACK^"+trigger+"^ACK", ackCtrl)
	b = append(b, "MSA|AA|"...)
	b = append(b, ctrl...)
	b = append(b, '\r')
	return mllpEnd(b)
}

func appendInt(b []byte, v int) []byte {
	if v >= 10 {
		b = appendInt(b, v/10)
	}
	return append(b, byte('0'+v%10))
}
