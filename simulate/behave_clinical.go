package simulate

import (
	"math"
	"strconv"
	"time"
)

// Clinical behaviours: DICOM storage, worklist and query, and HL7 results
// and admissions over MLLP.

const (
	portDICOM = 104
	portHL7   = 2575
)

// uid returns a fresh UUID-derived DICOM UID (PS3.5 B.2).
func (g *gen) uid() string {
	b := []byte("2.25.")
	b = strconv.AppendUint(b, g.rng.Uint64()>>1, 10)
	b = strconv.AppendUint(b, uint64(g.rng.Uint32()), 10)
	return string(b)
}

func (g *gen) patient() *patient { return &g.patients[g.rng.IntN(len(g.patients))] }

// associate opens an association from d to the PACS with the given
// abstract syntaxes; it returns the connection after the A-ASSOCIATE-AC.
func (g *gen) associate(d, pacs *device, at int64, sops []string) *conn {
	cn := g.dial(at, &d.h, &pacs.h, portDICOM)
	cn.inOrder = true
	b := dicomAssociateRQ(g.buf[1][:0], pacs.ae, d.ae, sops, proposeLE, d.fam.dicom.impl)
	cn.send(true, b)
	cn.t += 1500
	b = dicomAssociateAC(b[:0], pacs.ae, d.ae, len(sops), pacs.fam.dicom.impl)
	cn.send(false, b)
	g.buf[1] = b
	d.noteAE(d.ae)
	pacs.noteAE(pacs.ae)
	return cn
}

func (g *gen) release(cn *conn) {
	cn.t += 500
	cn.send(true, dicomRelease(g.buf[1][:0], 5))
	cn.send(false, dicomRelease(g.buf[1][:0], 6))
	cn.close()
}

func (g *gen) doDICOMStore(d *device, at int64) {
	pacs := g.role("pacs")
	if pacs == nil {
		return
	}
	spec := d.fam.dicom
	cn := g.associate(d, pacs, at, spec.sops)
	p := g.patient()
	study, series := g.uid(), g.uid()
	n := max(1, int(math.Round(float64(spec.images)*g.cfg.Bulk)))
	size := spec.imageKB * 1024
	side := uint16(math.Sqrt(float64(size / 2)))
	for i := range n {
		inst := g.uid()
		cmd := dimse{sop: spec.sops[0], instance: inst, field: 0x0001, msgID: uint16(i + 1), dataSet: true, priority: true}.encode()
		g.bulk = pdata(g.bulk[:0], 1, true, cmd)
		ds := dicomImage(g.buf[2][:0], spec.sops[0], inst, study, series, d.fam.modality, d.fam.maker, d.fam.model, p, side, side, int(side)*int(side)*2, byte(i))
		g.bulk = pdata(g.bulk, 1, false, ds)
		g.buf[2] = ds
		cn.send(true, g.bulk)
		cn.t += 3000
		rsp := dimse{sop: spec.sops[0], instance: inst, field: 0x8001, msgID: uint16(i + 1), responseTo: true}.encode()
		cn.send(false, pdata(g.buf[1][:0], 1, true, rsp))
	}
	g.release(cn)
}

func (g *gen) doDICOMWorklist(d *device, at int64) {
	pacs := g.role("pacs")
	if pacs == nil {
		return
	}
	cn := g.associate(d, pacs, at, []string{uidMWLFind})
	cmd := dimse{sop: uidMWLFind, field: 0x0020, msgID: 1, dataSet: true, priority: true}.encode()
	b := pdata(g.buf[1][:0], 1, true, cmd)
	b = pdata(b, 1, false, dicomWorklistQuery(d.fam.modality, d.ae))
	cn.send(true, b)
	cn.t += 20000
	b = b[:0]
	for i := range 1 + g.rng.IntN(3) {
		pend := dimse{sop: uidMWLFind, field: 0x8020, msgID: 1, responseTo: true, dataSet: true, status: 0xff00}.encode()
		b = pdata(b, 1, true, pend)
		b = pdata(b, 1, false, dicomWorklistItem(g.patient(), "RXH"+strconv.Itoa(100000+g.rng.IntN(900000)), d.fam.modality, d.ae))
		_ = i
	}
	done := dimse{sop: uidMWLFind, field: 0x8020, msgID: 1, responseTo: true}.encode()
	b = pdata(b, 1, true, done)
	cn.send(false, b)
	g.buf[1] = b
	g.release(cn)
}

func (g *gen) doDICOMQuery(d *device, at int64) {
	pacs := g.role("pacs")
	if pacs == nil {
		return
	}
	cn := g.associate(d, pacs, at, []string{uidVerification, uidStudyFind})
	echo := dimse{sop: uidVerification, field: 0x0030, msgID: 1}.encode()
	cn.send(true, pdata(g.buf[1][:0], 1, true, echo))
	cn.send(false, pdata(g.buf[1][:0], 1, true, dimse{sop: uidVerification, field: 0x8030, msgID: 1, responseTo: true}.encode()))
	var q []byte
	q = dcmStr(q, 0x0008, 0x0052, "STUDY")
	q = dcmStr(q, 0x0010, 0x0010, "ZZTEST*")
	q = dcmStr(q, 0x0010, 0x0020, "")
	q = dcmUI(q, 0x0020, 0x000d, "")
	cmd := dimse{sop: uidStudyFind, field: 0x0020, msgID: 2, dataSet: true, priority: true}.encode()
	b := pdata(g.buf[1][:0], 3, true, cmd)
	b = pdata(b, 3, false, q)
	cn.send(true, b)
	cn.t += 40000
	b = b[:0]
	for range 1 + g.rng.IntN(4) {
		p := g.patient()
		var r []byte
		r = dcmStr(r, 0x0008, 0x0052, "STUDY")
		r = dcmStr(r, 0x0010, 0x0010, p.name)
		r = dcmStr(r, 0x0010, 0x0020, p.nhs)
		r = dcmUI(r, 0x0020, 0x000d, g.uid())
		b = pdata(b, 3, true, dimse{sop: uidStudyFind, field: 0x8020, msgID: 2, responseTo: true, dataSet: true, status: 0xff00}.encode())
		b = pdata(b, 3, false, r)
	}
	b = pdata(b, 3, true, dimse{sop: uidStudyFind, field: 0x8020, msgID: 2, responseTo: true}.encode())
	cn.send(false, b)
	g.buf[1] = b
	g.release(cn)
}

// hl7AppOf is the application name a receiving role puts in its ACKs.
func hl7AppOf(d *device) string {
	switch d.fam.role {
	case "engine":
		return "HEALTHSHARE"
	case "lis":
		return "WINPATH"
	case "mon:Philips":
		return "PIC_IX"
	case "mon:GE HealthCare":
		return "CARESCAPE_GW"
	case "mon:Mindray":
		return "EGATEWAY"
	}
	return "HL7RECV"
}

var (
	vitalsPanel = obx{"8716-3", "Vital signs", "", ""}
	labPanel    = obx{"58410-2", "Complete blood count", "", ""}
	ecgPanel    = obx{"11524-6", "EKG study", "", ""}
)

func (g *gen) observations(kind string) (obx, []obx) {
	v := func(lo, hi int) string { return strconv.Itoa(lo + g.rng.IntN(hi-lo+1)) }
	switch kind {
	case "lab":
		return labPanel, []obx{
			{"718-7", "Hemoglobin", v(95, 165), "g/L"},
			{"6690-2", "Leukocytes", "6." + v(0, 9), "10*9/L"},
			{"777-3", "Platelets", v(140, 400), "10*9/L"},
			{"2951-2", "Sodium", v(133, 146), "mmol/L"},
			{"2823-3", "Potassium", "4." + v(0, 9), "mmol/L"},
		}
	case "ecg":
		return ecgPanel, []obx{
			{"8867-4", "Heart rate", v(55, 110), "/min"},
			{"8625-6", "P-R interval", v(120, 200), "ms"},
			{"8636-3", "QT interval", v(350, 440), "ms"},
		}
	}
	return vitalsPanel, []obx{
		{"8867-4", "Heart rate", v(55, 120), "/min"},
		{"59408-5", "Oxygen saturation", v(90, 100), "%"},
		{"8480-6", "Systolic blood pressure", v(95, 160), "mm[Hg]"},
		{"8462-4", "Diastolic blood pressure", v(55, 95), "mm[Hg]"},
		{"9279-1", "Respiratory rate", v(12, 24), "/min"},
	}
}

func (g *gen) doHL7(d *device, at int64, count int) {
	spec := d.fam.hl7
	dst := g.role(spec.to)
	if dst == nil {
		dst = g.role("engine")
	}
	if dst == nil || dst == d {
		return
	}
	cn := g.dial(at, &d.h, &dst.h, portHL7)
	fac := d.site.code + "_" + d.zone.id
	h := hl7Header{sendApp: spec.app, sendFac: fac, recvApp: hl7AppOf(dst), recvFac: "RXH", version: spec.version}
	for i := range 1 + g.rng.IntN(2) {
		t := time.UnixMicro(cn.t).UTC()
		ts := t.Format("20060102150405")
		ctrl := "MSG" + strconv.Itoa(count) + "_" + strconv.Itoa(i) + "_" + strconv.Itoa(int(g.rng.Uint32()%100000))
		p := g.patient()
		b := g.buf[1][:0]
		trigger := "R01"
		switch spec.kind {
		case "adt":
			trigger = "A01"
			if g.rng.IntN(2) == 0 {
				trigger = "A08"
			}
			b = hl7ADT(b, h, ts, ctrl, trigger, p, "WARD7B^BED"+strconv.Itoa(1+g.rng.IntN(28)))
		default:
			panel, obs := g.observations(spec.kind)
			b = hl7ORU(b, h, ts, ctrl, p, fac+"^BED"+strconv.Itoa(1+g.rng.IntN(20)), "ORD"+strconv.Itoa(g.rng.IntN(1000000)), panel, obs)
		}
		cn.send(true, b)
		cn.t += 4000
		b = hl7ACK(b[:0], h, ts, ctrl, trigger, "ACK"+ctrl)
		cn.send(false, b)
		g.buf[1] = b
		cn.t += 20000
	}
	cn.close()
	d.noteHL7(spec.app)
	dst.noteHL7(h.recvApp)
}
