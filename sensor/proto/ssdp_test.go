package proto

import (
	"encoding/hex"
	"testing"
)

const (
	// ndpi/ssdp-m-search-ua.pcap frame 1: "M-SEARCH * HTTP/1.1" from
	// 192.168.242.50.56446 with ST urn:dial-multiscreen-org:service:dial:1
	// and USER-AGENT "Google Chrome/99.0.4844.74 Mac OS X".
	ssdpSearchMsg = "4d2d534541524348202a20485454502f312e310d0a484f53543a203233392e32" +
		"35352e3235352e3235303a313930300d0a4d414e3a2022737364703a64697363" +
		"6f766572220d0a4d583a20310d0a53543a2075726e3a6469616c2d6d756c7469" +
		"73637265656e2d6f72673a736572766963653a6469616c3a310d0a555345522d" +
		"4147454e543a20476f6f676c65204368726f6d652f39392e302e343834342e37" +
		"34204d6163204f5320580d0a0d0a"
)

// The shared captures hold no NOTIFY or search response, so these follow
// the examples of UPnP Device Architecture 2.0, sections 1.2.2 and 1.3.3.
var (
	ssdpNotifyMsg = hex.EncodeToString([]byte("NOTIFY * HTTP/1.1\r\n" +
		"HOST: 239.255.255.250:1900\r\n" +
		"CACHE-CONTROL: max-age=1800\r\n" +
		"LOCATION: http://10.20.30.40:49152/description.xml\r\n" +
		"NT: urn:schemas-upnp-org:device:MediaServer:1\r\n" +
		"NTS: ssdp:alive\r\n" +
		"SERVER: Linux/4.9 UPnP/1.0 MiniUPnPd/2.1\r\n" +
		"USN: uuid:4d696e69-444c-164e-9d41-b827eb0c0b5a::urn:schemas-upnp-org:device:MediaServer:1\r\n" +
		"\r\n"))
	ssdpResponseMsg = hex.EncodeToString([]byte("HTTP/1.1 200 OK\n" +
		"cache-control: max-age=120\n" +
		"ext:\n" +
		"location: http://10.20.30.41:80/upnp.xml\n" +
		"server: RTOS/1.0 UPnP/1.0 Printer/2.3\n" +
		"st: upnp:rootdevice\n" +
		"usn: uuid:16a65700-007c-1000-bb49-00805f1e9b3f::upnp:rootdevice\n" +
		"\n"))
)

func TestSSDP(t *testing.T) {
	chrome := udpEnd(t, "f0:2f:4b:09:93:bc", "192.168.242.50", 56446)
	group := udpEnd(t, "01:00:5e:7f:ff:fa", "239.255.255.250", 1900)
	server := udpEnd(t, "b8:27:eb:0c:0b:5a", "10.20.30.40", 1900)
	printer := udpEnd(t, "00:80:5f:1e:9b:3f", "10.20.30.41", 1900)
	tests := []datagramCase{
		{"MSearch", chrome, group, ssdpSearchMsg, true, []emitted{
			{chrome, "ssdp.user_agent", "Google Chrome/99.0.4844.74 Mac OS X"},
		}},
		{"Notify", server, group, ssdpNotifyMsg, true, []emitted{
			{server, "ssdp.location", "http://10.20.30.40:49152/description.xml"},
			{server, "ssdp.nt", "urn:schemas-upnp-org:device:MediaServer:1"},
			{server, "ssdp.server", "Linux/4.9 UPnP/1.0 MiniUPnPd/2.1"},
			{server, "ssdp.usn", "uuid:4d696e69-444c-164e-9d41-b827eb0c0b5a::urn:schemas-upnp-org:device:MediaServer:1"},
		}},
		{"ResponseLowerCaseLF", printer, chrome, ssdpResponseMsg, true, []emitted{
			{printer, "ssdp.location", "http://10.20.30.41:80/upnp.xml"},
			{printer, "ssdp.server", "RTOS/1.0 UPnP/1.0 Printer/2.3"},
			{printer, "ssdp.nt", "upnp:rootdevice"},
			{printer, "ssdp.usn", "uuid:16a65700-007c-1000-bb49-00805f1e9b3f::upnp:rootdevice"},
		}},
		{"ErrorResponse", printer, chrome, hex.EncodeToString([]byte("HTTP/1.1 404 Not Found\r\nSERVER: x\r\n\r\n")), false, nil},
		{"NotSSDP", chrome, group, dnsExampleQuery, false, nil},
	}
	runDatagramCases(t, SSDP, tests)
}

func FuzzSSDP(f *testing.F) {
	fuzzDatagram(f, SSDP, ssdpSearchMsg, ssdpNotifyMsg, ssdpResponseMsg)
}
