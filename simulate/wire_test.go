package simulate

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// Wire builders checked against real captures. Each excerpt names its
// source file under shared/data/pcaps and the frame, with what tshark
// 4.0.17 shows for those bytes.

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestDICOMMatchesDCMTK rebuilds DCMTK 3.6.7's messages from
// generated/dicom-echo-store.pcap (echoscu/storescu MODALITY1 -> storescp
// PACS_SCP) and compares them byte for byte.
func TestDICOMMatchesDCMTK(t *testing.T) {
	dcmtk := dicomImpl{"1.2.276.0.7230010.3.0.3.6.7", "OFFIS_DCMTK_367"}
	scUID := "1.2.826.0.1.3680043.8.498.1001"
	for _, tc := range []struct {
		name string
		got  []byte
		want string
		mask []int // offsets of reserved bytes DCMTK fills differently
	}{
		// Frame 4: "A-ASSOCIATE request MODALITY1 --> PACS_SCP", Verification
		// SOP Class with Implicit VR LE, max PDU 16384, OFFIS_DCMTK_367.
		// DCMTK writes 0xff in the second reserved byte of the
		// presentation context item (offset 105); PS3.8 says 0 and
		// receivers ignore it.
		{"AssociateRQ", dicomAssociateRQ(nil, "PACS_SCP", "MODALITY1", []string{uidVerification}, []string{uidImplicitLE}, dcmtk),
			"0100000000cd00010000504143535f53435020202020202020204d4f44414c495459312020202020202000000000000000000000000000000000000000000000000000000000000000" +
				"0010000015312e322e3834302e31303030382e332e312e312e31" +
				"2000002e0100ff0030000011312e322e3834302e31303030382e312e3140000011312e322e3834302e31303030382e312e32" +
				"5000003a510000040000400052" + "00001b312e322e3237362e302e373233303031302e332e302e332e362e375500000f4f464649535f44434d544b5f333637",
			[]int{105}},
		// Frame 6: "A-ASSOCIATE accept MODALITY1 <-- PACS_SCP", context 1
		// accepted with Implicit VR LE.
		{"AssociateAC", dicomAssociateAC(nil, "PACS_SCP", "MODALITY1", 1, dcmtk),
			"0200000000b800010000504143535f53435020202020202020204d4f44414c4954593120202020202020000000000000000000000000000000000000000000000000000000000000000010000015312e322e3834302e31303030382e332e312e312e31210000190100000040000011312e322e3834302e31303030382e312e325000003a51000004000040005200001b312e322e3237362e302e373233303031302e332e302e332e362e375500000f4f464649535f44434d544b5f333637", nil},
		// Frames 8 and 10: "P-DATA, C-ECHO-RQ ID=1" (PDU header in 8, PDV in 10).
		{"CEchoRQ", pdata(nil, 1, true, dimse{sop: uidVerification, field: 0x0030, msgID: 1}.encode()),
			"04000000004a000000460103" +
				"0000000004000000380000000000020012000000312e322e3834302e31303030382e312e3100000000010200000030000000100102000000010000000008020000000101", nil},
		// Frames 12 and 14: "P-DATA, C-ECHO-RSP ID=1 (Success)".
		{"CEchoRSP", pdata(nil, 1, true, dimse{sop: uidVerification, field: 0x8030, msgID: 1, responseTo: true}.encode()),
			"040000000054000000500103" +
				"0000000004000000420000000000020012000000312e322e3834302e31303030382e312e310000000001020000003080000020010200000001000000000802000000010100000009020000000000", nil},
		// Frames 28 and 30 (command PDV only): "P-DATA, C-STORE-RQ ID=1,
		// Secondary Capture Image Storage", context 0xc9, data set present.
		{"CStoreRQ", pdata(nil, 0xc9, true, dimse{sop: sopSC, instance: scUID, field: 0x0001, msgID: 1, dataSet: true, priority: true}.encode()),
			"0400000000820000007ec903" +
				"000000000400000070000000000002001a000000312e322e3834302e31303030382e352e312e342e312e312e370000000001020000000100000010010200000001000000000702000000000000000008020000000100000000101e000000312e322e3832362e302e312e333638303034332e382e3439382e31303031", nil},
		// Frames 32 and 34: "P-DATA, C-STORE-RSP ID=1 (Success)".
		{"CStoreRSP", pdata(nil, 0xc9, true, dimse{sop: sopSC, instance: scUID, field: 0x8001, msgID: 1, responseTo: true}.encode()),
			"0400000000820000007ec903" +
				"000000000400000070000000000002001a000000312e322e3834302e31303030382e352e312e342e312e312e370000000001020000000180000020010200000001000000000802000000010100000009020000000000000000101e000000312e322e3832362e302e312e333638303034332e382e3439382e31303031", nil},
		// Frame 16: "A-RELEASE request"; frame 17: "A-RELEASE response".
		{"ReleaseRQ", dicomRelease(nil, 5), "05000000000400000000", nil},
		{"ReleaseRP", dicomRelease(nil, 6), "06000000000400000000", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, tc.want)
			got := bytes.Clone(tc.got)
			for _, off := range tc.mask {
				if off < len(got) && off < len(want) {
					got[off] = want[off]
				}
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got  %x\nwant %x", got, want)
			}
		})
	}
}

// TestNetBIOSNameEncoding encodes the name of ndpi/netbios.pcap frame 1,
// "Name query NB XSTREAM_HY<00>".
func TestNetBIOSNameEncoding(t *testing.T) {
	want := unhex(t, "20464946444645464345464542454e46504549464a43414341434143414341414100")
	got := nbName(nil, "XSTREAM_HY", 0x00)
	if !bytes.Equal(got, want) {
		t.Errorf("got  %x\nwant %x", got, want)
	}
}

// cdp3560 is frame 1 of tcpdump-tests/3560_CDP.pcap: tshark shows "CDP 400
// Device ID: Switch Port ID: GigabitEthernet0/5", CDP version 2, checksum
// 0xb0bd [correct], Cisco IOS 12.2(25)SEB4 on a cisco WS-C3560G-24PS.
const cdp3560 = "" +
	"01000ccccccc001906eab8850182aaaa0300000c200002b4b0bd0001000a537769746368000500c4436973636f20494f" +
	"5320536f6674776172652c20433335363020536f667477617265202843333536302d414456495053455256494345534b" +
	"392d4d292c2056657273696f6e2031322e3228323529534542342c2052454c4541534520534f46545741524520286663" +
	"31290a436f707972696768742028632920313938362d3230303520627920436973636f2053797374656d732c20496e63" +
	"2e0a436f6d70696c6564205475652033302d4175672d30352031373a35362062792079656e616e680006001863697363" +
	"6f2057532d4333353630472d3234505300020011000000010101cc0004c0a80001000300164769676162697445746865" +
	"726e6574302f3500040008000000280008002400000c011200000000ffffffff010221ff000000000000001906eab880" +
	"ff0000000900074c6162000a00060001000b0005010012000500001300050000160011000000010101cc0004c0a80001" +
	"001a00100000000100000000ffffffff"

// TestCDPChecksumMatchesCisco recomputes the checksum of a real CDP PDU
// with the algorithm the builder uses.
func TestCDPChecksumMatchesCisco(t *testing.T) {
	frame := unhex(t, cdp3560)
	pdu := bytes.Clone(frame[22:])
	want := uint16(pdu[2])<<8 | uint16(pdu[3])
	pdu[2], pdu[3] = 0, 0
	if got := csumFold(csumAdd(0, pdu)); got != want {
		t.Errorf("checksum %#04x, want %#04x", got, want)
	}
}

// TestDHCPHeaderMatchesReal rebuilds packetgen/dhcp.pcapng frame 1, "DHCP
// Discover - Transaction ID 0x3d1d" from 00:0b:82:01:fc:42 with options
// 53=Discover, 61=01 000b8201fc42, 50=0.0.0.0, 55=1,3,6,42.
func TestDHCPHeaderMatchesReal(t *testing.T) {
	mac := [6]byte{0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42}
	var zero [4]byte
	st := &dhcpStyle{params: []byte{1, 3, 6, 42}, clientID: true}
	got := dhcpClientMsg(nil, st, dhcpDiscover, 0x3d1d, 0, mac, zero, zero, zero, "")
	want := unhex(t, "0101060000003d1d0000000000000000000000000000000000000000000b8201fc42"+strings.Repeat("00", 202)+"63825363"+
		"350101"+"3d0701000b8201fc42")
	if !bytes.Equal(got[:len(want)], want) {
		t.Errorf("got  %x\nwant %x", got[:len(want)], want)
	}
	// The real client then sends 50=0.0.0.0; the builder leaves out an
	// empty requested address and goes on to 55 and the end option.
	if tail := got[len(want):]; !bytes.Equal(tail, unhex(t, "37040103062aff")) {
		t.Errorf("options tail %x", tail)
	}
}
