package proto

import (
	"encoding/binary"
	"encoding/hex"
	"testing"
)

// The synthetic patient of the DICOM samples: no emitted value may hold it.
var dicomPatientWords = []string{"TEST^SYNTHETIC", "SYNTHETIC", "TEST0001", "TEST"}

var (
	dcmEchoConv = []convSeg{
		{false, dcmEchoRQ}, {true, dcmEchoAC},
		{false, dcmEchoData1}, {false, dcmEchoData2},
		{true, dcmEchoRsp1}, {true, dcmEchoRsp2},
		{false, dcmEchoReleaseRQ}, {true, dcmEchoReleaseRP},
	}
	dcmImplConv = []convSeg{
		{false, dcmImplRQ}, {true, dcmImplAC},
		{false, dcmImplData1}, {false, dcmImplData2},
		{true, dcmImplRsp1}, {true, dcmImplRsp2},
		{false, dcmImplReleaseRQ}, {true, dcmImplReleaseRP},
	}
	// dcmStoreConv begins mid-association: the capture "missed" the
	// 9615-byte A-ASSOCIATE-RQ, so the encoding is guessed.
	dcmStoreConv = []convSeg{
		{false, dcmStoreData1}, {false, dcmStoreData2},
		{true, dcmStoreRsp1}, {true, dcmStoreRsp2},
	}
	dcmRejectConv = []convSeg{{false, dcmRejectRQ}, {true, dcmRejectRJ}}
	dcmAbortConv  = []convSeg{{false, dcmAbortRQ}, {true, dcmAbortAC}, {false, dcmAbort}}
)

const (
	uidVerification = "1.2.840.10008.1.1"
	uidSC           = "1.2.840.10008.5.1.4.1.1.7"
	uidDCMTK        = "1.2.276.0.7230010.3.0.3.6.7"
)

func TestDICOM(t *testing.T) {
	tests := []struct {
		name    string
		conv    []convSeg
		want    []smbWant
		lacks   []string
		status  Status
		patient bool
	}{
		{
			// tshark: A-ASSOCIATE MODALITY1 --> PACS_SCP, Verification,
			// implementation 1.2.276.0.7230010.3.0.3.6.7 OFFIS_DCMTK_367
			// both ways, C-ECHO, A-RELEASE.
			name: "Echo",
			conv: dcmEchoConv,
			want: []smbWant{
				{false, "dicom.ae_title", "MODALITY1"},
				{true, "dicom.ae_title", "PACS_SCP"},
				{false, "dicom.peer_ae_title", "PACS_SCP"},
				{true, "dicom.peer_ae_title", "MODALITY1"},
				{false, "dicom.sop_class", uidVerification},
				{true, "dicom.sop_class", uidVerification},
				{false, "dicom.implementation_class_uid", uidDCMTK},
				{true, "dicom.implementation_class_uid", uidDCMTK},
				{false, "dicom.implementation_version", "OFFIS_DCMTK_367"},
				{true, "dicom.implementation_version", "OFFIS_DCMTK_367"},
				{false, "dicom.association", "accepted"},
				{false, "dicom.role", "scu"},
				{true, "dicom.role", "scp"},
			},
			lacks:  []string{"patient_data", "dicom.reject_reason"},
			status: Done,
		},
		{
			// tshark: context 1 accepted with implicit VR; the C-STORE
			// data set has (0010,0010) and (0010,0020).
			name: "StoreImplicitVR",
			conv: dcmImplConv,
			want: []smbWant{
				{false, "dicom.ae_title", "CT_SCANNER_01"},
				{false, "dicom.sop_class", uidSC},
				{true, "dicom.sop_class", uidSC},
				{false, "patient_data", "dicom.patient_module"},
				{true, "patient_data", "dicom.patient_module"},
			},
			status:  Done,
			patient: true,
		},
		{
			// tshark: context 0xc9, explicit VR little endian, (0010,0010)
			// Patient's Name after seven group 0008 elements.
			name: "StoreMidAssociationExplicitVR",
			conv: dcmStoreConv,
			want: []smbWant{
				{false, "patient_data", "dicom.patient_module"},
				{true, "patient_data", "dicom.patient_module"},
			},
			lacks:   []string{"dicom.ae_title", "dicom.sop_class"},
			status:  Mine,
			patient: true,
		},
		{
			// tshark: A-ASSOCIATE reject, result 1 (permanent), source 1
			// (service user), reason 1 (no reason given).
			name: "Reject",
			conv: dcmRejectConv,
			want: []smbWant{
				{false, "dicom.association", "rejected"},
				{true, "dicom.reject_reason", "1/1/1"},
				{false, "dicom.sop_class", uidVerification},
			},
			lacks:  []string{"patient_data"},
			status: Done,
		},
		{
			name: "Abort",
			conv: dcmAbortConv,
			want: []smbWant{
				{false, "dicom.association", "accepted"},
				{false, "dicom.association", "aborted"},
			},
			status: Done,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, st := parseWhole(t, DICOM, tt.conv)
			if st != tt.status {
				t.Errorf("status = %v, want %v", st, tt.status)
			}
			dicomCheck(t, c, tt.want, tt.lacks)
			// PDUs cut at every kind of boundary, down to single bytes.
			for _, chunk := range []int{1, 5, 13, 64, 1000} {
				c, st := parseChunked(t, DICOM, tt.conv, chunk)
				if st == NotMine {
					t.Fatalf("chunk %d: status NotMine", chunk)
				}
				dicomCheck(t, c, tt.want, tt.lacks)
			}
		})
	}
}

// dicomCheck asserts the wanted facts, the absent ones, and that no value
// carries the synthetic patient.
func dicomCheck(tb testing.TB, c *collector, want []smbWant, lacks []string) {
	tb.Helper()
	smbCheck(tb, c, want, lacks)
	c.none(tb, dicomPatientWords...)
}

func TestDICOMRecognise(t *testing.T) {
	rq := unhex(t, dcmEchoRQ)
	patch := func(i int, v byte) []byte {
		b := append([]byte{}, rq...)
		b[i] = v
		return b
	}
	tests := []struct {
		name         string
		client, serv []byte
		want         Status
	}{
		{"Empty", nil, nil, Undecided},
		{"RQStart", rq[:10], nil, Undecided},
		{"RQ", rq, nil, Mine},
		{"BadVersion", patch(7, 0), nil, NotMine},
		{"BadAETitle", patch(12, 0x01), nil, NotMine},
		{"TooLong", patch(2, 0x7f), nil, NotMine},
		{"PDataMidStream", unhex(t, dcmStoreData1), nil, Mine},
		{"PDataEvenContext", unhex(t, "04000000000c00000008020300"), nil, NotMine},
		{"ServerFirst", nil, []byte("220 ftp ready\r\n"), NotMine},
		{"ServerPData", nil, unhex(t, dcmStoreRsp1), Mine},
		{"SMB", unhex(t, smbv1NegReq), nil, NotMine},
		{"HTTP", []byte("GET / HTTP/1.1\r\n"), nil, NotMine},
		{"HL7", unhex(t, hl7ADT), nil, NotMine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Stream{Client: replayClient, Server: replayServer, ClientData: tt.client, ServerData: tt.serv}
			if got := DICOM.Parse(&s, &collector{}); got != tt.want {
				t.Errorf("status = %v, want %v", got, tt.want)
			}
		})
	}
}

// dicomElem encodes one data element in explicit (VR given) or implicit VR
// little endian.
func dicomElem(group, elem uint16, vr string, value []byte) []byte {
	b := binary.LittleEndian.AppendUint16(nil, group)
	b = binary.LittleEndian.AppendUint16(b, elem)
	switch {
	case vr == "":
		b = binary.LittleEndian.AppendUint32(b, uint32(len(value)))
	case dicomLongVR(vr[0], vr[1]):
		b = append(b, vr[0], vr[1], 0, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(value)))
	default:
		b = append(b, vr[0], vr[1])
		b = binary.LittleEndian.AppendUint16(b, uint16(len(value)))
	}
	return append(b, value...)
}

// dicomUndefSeq encodes an undefined-length sequence holding one
// undefined-length item with the given elements.
func dicomUndefSeq(group, elem uint16, explicit bool, items ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint16(nil, group)
	b = binary.LittleEndian.AppendUint16(b, elem)
	if explicit {
		b = append(b, 'S', 'Q', 0, 0)
	}
	b = binary.LittleEndian.AppendUint32(b, dicomUndefined)
	for _, it := range items {
		b = append(b, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff) // item, undefined length
		b = append(b, it...)
		b = append(b, 0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0) // item delimitation
	}
	return append(b, 0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0) // sequence delimitation
}

func TestDICOMPatient(t *testing.T) {
	vr := func(explicit bool, v string) string {
		if explicit {
			return v
		}
		return ""
	}
	build := func(explicit bool, patient bool) []byte {
		b := dicomElem(0x0008, 0x0016, vr(explicit, "UI"), []byte(uidSC+"\x00"))
		b = append(b, dicomUndefSeq(0x0008, 0x1110, explicit,
			dicomElem(0x0008, 0x1150, vr(explicit, "UI"), []byte("1.2.3.4\x00")),
			// A group 0010 element inside a sequence is not the
			// patient module.
			dicomElem(0x0010, 0x0021, vr(explicit, "LO"), []byte("XX")))...)
		b = append(b, dicomElem(0x0008, 0x0060, vr(explicit, "CS"), []byte("CT"))...)
		if patient {
			b = append(b, dicomElem(0x0010, 0x0010, vr(explicit, "PN"), []byte("DOE^JOHN"))...)
		} else {
			b = append(b, dicomElem(0x0010, 0x0010, vr(explicit, "PN"), nil)...) // present, empty
		}
		return append(b, dicomElem(0x0020, 0x000d, vr(explicit, "UI"), []byte("1.2.3\x00"))...)
	}
	tests := []struct {
		name      string
		b         []byte
		skip      int64
		explicit  bool
		found     bool
		wantCarry int64
	}{
		{"ExplicitWithSequence", build(true, true), 0, true, true, -1},
		{"ImplicitWithSequence", build(false, true), 0, false, true, -1},
		{"EmptyPatientName", build(true, false), 0, true, false, -1},
		{"ValueRunsOn", build(true, true)[:20], 0, true, false, 26 - 12},
		{"SkipWholeFragment", []byte{1, 2, 3}, 10, true, false, 7},
		{"EndsOnBoundary", dicomElem(0x0008, 0x0060, "CS", []byte("CT")), 0, true, false, 0},
		{"UnknownVR", []byte{8, 0, 0x60, 0, 'Z', 'Z', 2, 0, 'C', 'T'}, 0, true, false, -1},
		{"UnclosedSequence", dicomUndefSeq(0x0008, 0x1110, true)[:16], 0, true, false, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			found, carry := dicomPatient(tt.b, tt.skip, tt.explicit)
			if found != tt.found || carry != tt.wantCarry {
				t.Errorf("dicomPatient = %v, %d; want %v, %d\n%s", found, carry, tt.found, tt.wantCarry, hex.Dump(tt.b))
			}
		})
	}
}

// TestDICOMCStoreNoPatient changes the data set of the implicit VR sample
// so that its (0010,xxxx) elements become (0012,xxxx): the dissector must
// then report no patient data.
func TestDICOMCStoreNoPatient(t *testing.T) {
	data := unhex(t, dcmImplData2)
	n := 0
	for i := 0; i+4 <= len(data); i++ {
		if data[i] == 0x10 && data[i+1] == 0x00 && (data[i+2] == 0x10 || data[i+2] == 0x20) && data[i+3] == 0x00 {
			data[i] = 0x12
			n++
		}
	}
	if n != 2 {
		t.Fatalf("patched %d tags, want 2", n)
	}
	conv := append([]convSeg{}, dcmImplConv...)
	conv[3] = convSeg{false, hex.EncodeToString(data)}
	c, _ := parseWhole(t, DICOM, conv)
	c.lacks(t, "patient_data")
	c.has(t, "dicom.sop_class", uidSC)
}

// TestDICOMCorpus replays the shared dcmtk capture: two associations, the
// second with 100-odd proposed contexts and a C-STORE of the synthetic
// patient.
func TestDICOMCorpus(t *testing.T) {
	c := &collector{}
	sts := replayTCP(t, sharedPcap(t, "generated/dicom-echo-store.pcap"), DICOM, c)
	if len(sts) != 2 || sts[0] != Done || sts[1] != Done {
		t.Errorf("statuses %v, want [Done Done]", sts)
	}
	c.checkValues(t)
	c.none(t, dicomPatientWords...)
	for _, w := range [][2]string{
		{"dicom.ae_title", "MODALITY1"},
		{"dicom.ae_title", "PACS_SCP"},
		{"dicom.sop_class", uidSC},
		{"dicom.implementation_version", "OFFIS_DCMTK_367"},
		{"patient_data", "dicom.patient_module"},
	} {
		c.has(t, w[0], w[1])
	}
	// tshark shows 64 distinct abstract syntaxes proposed in frame 24
	// and all 64 accepted in frame 26, plus Verification in frames 4/6.
	accepted := map[string]bool{}
	for _, f := range c.facts {
		if f.Fact == "dicom.sop_class" && f.About.Port == 11112 {
			accepted[f.Value] = true
		}
	}
	if len(accepted) != 65 {
		t.Errorf("%d SOP classes accepted, want 65", len(accepted))
	}
}

func FuzzDICOM(f *testing.F) {
	for _, conv := range [][]convSeg{dcmEchoConv, dcmImplConv, dcmStoreConv, dcmRejectConv, dcmAbortConv} {
		f.Add(fuzzSeed(f, conv))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzStream(t, DICOM, data)
	})
}

func BenchmarkDICOM(b *testing.B) { benchStream(b, DICOM, dcmImplConv) }
