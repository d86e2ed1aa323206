package proto

import "testing"

// Captured NBNS messages (UDP payloads).
const (
	// ndpi/dos_win98_smb_netbeui.pcap frame 11: "Registration NB
	// MDJR98<00>" from 192.168.239.129 to the WINS server, NB flags 0x0000
	// (unique), address 192.168.239.129.
	nbnsRegUnique = "00082900000100000000000120454e4545454b4643444a444943414341434143" +
		"414341434143414341434141410000200001c00c00200001000493e000060000" +
		"c0a8ef81"
	// Same file, frame 10: "Registration NB WORKGROUP<00>", NB flags 0x8000
	// (group).
	nbnsRegGroup = "00022900000100000000000120464845504643454c4548464345504646464143" +
		"414341434143414341434141410000200001c00c00200001000493e000068000" +
		"c0a8ef81"
	// Same file, frame 154: "Registration NB WORKGROUP<1d>" (Local Master
	// Browser): a unique name that carries the workgroup.
	nbnsRegMasterBrowser = "00222900000100000000000120464845504643454c4548464345504646464143" +
		"4143414341434143414341424e0000200001c00c00200001000493e000060000" +
		"c0a8ef81"
	// Same file, frame 211: "Registration NB <user><03>" (Messenger
	// service): the logged-on user's name, which must not be emitted.
	nbnsRegMessenger = "002e2900000100000000000120454e454246434645454a454f43414643455046" +
		"444546454f45424646434141440000200001c00c00200001000493e000060000" +
		"c0a8ef81"
	// Same file, frame 183: "Registration NB
	// <01><02>__MSBROWSE__<02><01>", a special browser name.
	nbnsRegMSBrowse = "002429100001000000000001204142414346504650454e464445434643455046" +
		"484644454646504650414341420000200001c00c00200001000493e000068000" +
		"c0a8ef81"
	// ndpi/netbios.pcap frame 69: "Name query response NB 10.0.4.24" for
	// GUNNAR<00>, from 10.0.4.24 itself.
	nbnsQueryResponse = "8486850000000001000000002045484646454f454f4542464343414341434143" +
		"414341434143414341434141410000200001000493e0000600000a000418"
	// ndpi/netbios.pcap frame 55: "Name query response NBSTAT" from
	// 10.0.4.24: GUNNAR<00>, VIGILANT_GROUP<00> (group), GUNNAR<20>,
	// VIGILANT_GROUP<1e> (group), unit ID 00:1c:c4:10:79:0f.
	nbnsNodeStatus = "20a88400000000010000000020434b4141414141414141414141414141414141" +
		"4141414141414141414141414100002100010000000000770447554e4e415220" +
		"2020202020202020000400564947494c414e545f47524f55502000840047554e" +
		"4e4152202020202020202020200400564947494c414e545f47524f5550201e84" +
		"00001cc410790f" + "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
	// ndpi/netbios.pcap frame 1: "Name query NB XSTREAM_HY<00>", broadcast
	// by 10.0.4.131.
	nbnsQuery = "a7490110000100000000000020464946444645464345464542454e4650454946" +
		"4a4341434143414341434141410000200001"
)

func TestNBNS(t *testing.T) {
	win98 := udpEnd(t, "00:50:56:33:78:9e", "192.168.239.129", 137)
	wins := udpEnd(t, "", "192.168.239.2", 137)
	gunnar := udpEnd(t, "00:1c:c4:10:79:0f", "10.0.4.24", 137)
	asker := udpEnd(t, "", "10.0.4.165", 137)
	tests := []datagramCase{
		{"RegisterUnique", win98, wins, nbnsRegUnique, true, []emitted{
			{win98, "nbns.name", "MDJR98<00>"},
		}},
		{"RegisterGroup", win98, wins, nbnsRegGroup, true, []emitted{
			{win98, "nbns.group", "WORKGROUP"},
		}},
		{"RegisterMasterBrowser", win98, wins, nbnsRegMasterBrowser, true, []emitted{
			{win98, "nbns.group", "WORKGROUP"},
		}},
		{"MessengerSkipped", win98, wins, nbnsRegMessenger, true, nil},
		{"MSBrowseSkipped", win98, wins, nbnsRegMSBrowse, true, nil},
		{"QueryResponse", gunnar, asker, nbnsQueryResponse, true, []emitted{
			{gunnar, "nbns.name", "GUNNAR<00>"},
		}},
		{"AnswerForAnother", udpEnd(t, "", "10.0.0.53", 137), asker, nbnsQueryResponse, true, []emitted{
			{udpEnd(t, "", "10.0.4.24", 0), "nbns.name", "GUNNAR<00>"},
		}},
		{"NodeStatus", gunnar, asker, nbnsNodeStatus, true, []emitted{
			{gunnar, "nbns.name", "GUNNAR<00>"},
			{gunnar, "nbns.name", "GUNNAR<20>"},
			{gunnar, "nbns.group", "VIGILANT_GROUP"},
		}},
		{"Query", udpEnd(t, "", "10.0.4.131", 137), udpEnd(t, "", "10.0.5.255", 137), nbnsQuery, true, nil},
		{"NotNBNS", asker, gunnar, dnsExampleQuery, false, nil},
		{"Empty", asker, gunnar, "a74901100000000000000000", false, nil},
	}
	runDatagramCases(t, NBNS, tests)
}

func FuzzNBNS(f *testing.F) {
	fuzzDatagram(f, NBNS, nbnsRegUnique, nbnsRegGroup, nbnsRegMessenger, nbnsQueryResponse,
		nbnsNodeStatus, nbnsQuery)
}
