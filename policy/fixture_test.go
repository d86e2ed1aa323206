package policy

import (
	"time"

	"github.com/cordonsec/cordon"
)

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

// fixture is a small hospital: two modalities, a PACS, an analyser, the
// LIS, a jump host, a DNS server, a proxy and a pump, with the traffic the
// NHS patterns allow and some the guidance forbids.
func fixture() ([]Device, []cordon.Conversation) {
	devs := []Device{
		{Key: "mac:00:00:00:00:00:01", MAC: "00:00:00:00:00:01", IPs: []string{"10.1.80.11"}, Hostname: "CT-01", Category: cordon.CategoryImagingModality, Manufacturer: "Siemens", Model: "SOMATOM", Criticality: cordon.CriticalityHigh},
		{Key: "mac:00:00:00:00:00:02", MAC: "00:00:00:00:00:02", IPs: []string{"10.1.80.12"}, Hostname: "MR-01", Category: cordon.CategoryImagingModality, Manufacturer: "Siemens", Model: "MAGNETOM"},
		{Key: "mac:00:00:00:00:00:03", MAC: "00:00:00:00:00:03", IPs: []string{"10.1.160.13"}, Hostname: "pacs", Category: cordon.CategoryMedicalServer},
		{Key: "mac:00:00:00:00:00:04", MAC: "00:00:00:00:00:04", IPs: []string{"10.1.100.10"}, Hostname: "cobas", Category: cordon.CategoryLabAnalyzer},
		{Key: "mac:00:00:00:00:00:05", MAC: "00:00:00:00:00:05", IPs: []string{"10.1.160.15"}, Hostname: "winpath", Category: cordon.CategoryMedicalServer},
		{Key: "mac:00:00:00:00:00:06", MAC: "00:00:00:00:00:06", IPs: []string{"10.1.160.20"}, Hostname: "jump", Category: cordon.CategoryServer},
		{Key: "mac:00:00:00:00:00:07", MAC: "00:00:00:00:00:07", IPs: []string{"10.1.160.11"}, Hostname: "dc", Category: cordon.CategoryServer},
		{Key: "mac:00:00:00:00:00:08", MAC: "00:00:00:00:00:08", IPs: []string{"10.1.160.40"}, Hostname: "proxy", Category: cordon.CategoryServer},
		{Key: "mac:00:00:00:00:00:09", MAC: "00:00:00:00:00:09", IPs: []string{"10.1.20.10"}, Hostname: "pump", Category: cordon.CategoryInfusionPump, Criticality: cordon.CriticalityLifeSustaining},
	}
	c := func(h int, client, server, proto string, port uint16, app string, flows uint64) cordon.Conversation {
		return cordon.Conversation{Client: client, Server: server, Proto: proto, Port: port, App: app,
			Hour: t0.Add(time.Duration(h) * time.Hour), Flows: flows, Packets: flows * 10, Bytes: flows * 1000}
	}
	const (
		ct, mr, pacs, lab, lis = "mac:00:00:00:00:00:01", "mac:00:00:00:00:00:02", "mac:00:00:00:00:00:03", "mac:00:00:00:00:00:04", "mac:00:00:00:00:00:05"
		jump, dc, proxy, pump  = "mac:00:00:00:00:00:06", "mac:00:00:00:00:00:07", "mac:00:00:00:00:00:08", "mac:00:00:00:00:00:09"
	)
	convs := []cordon.Conversation{
		c(0, ct, pacs, "tcp", 104, "dicom", 5),
		c(1, ct, pacs, "tcp", 104, "dicom", 3),
		c(0, mr, pacs, "tcp", 104, "dicom", 2),
		c(0, ct, pacs, "tcp", 445, "smb", 1),                // modality to PACS not on DICOM
		c(0, lab, lis, "tcp", 2575, "hl7", 7),               // analyser to LIS
		c(0, lab, dc, "udp", 53, "", 4),                     // DNS: core service
		c(0, lab, "ip:10.1.160.99", "tcp", 80, "", 1),       // analyser elsewhere
		c(0, jump, ct, "tcp", 3389, "rdp", 1),               // supplier via jump host
		c(0, "ip:10.1.140.10", mr, "tcp", 3389, "rdp", 1),   // remote access not via jump
		c(0, "ip:203.0.113.7", ct, "tcp", 3389, "rdp", 1),   // inbound from internet
		c(0, ct, "ip:198.51.100.5", "tcp", 80, "http", 2),   // web browsing
		c(0, ct, "ip:198.51.100.6", "tcp", 587, "", 1),      // email
		c(0, pump, "ip:198.51.100.7", "tcp", 443, "tls", 1), // direct internet
		c(0, pump, proxy, "tcp", 3128, "", 3),               // through the proxy
		c(0, dc, "ip:198.51.100.8", "udp", 53, "", 9),       // out of scope
	}
	return devs, convs
}
