package decode

import (
	"errors"
	"testing"

	"github.com/cordonsec/cordon/capture"
)

// fuzzLinks are the link types FuzzDecode picks from, including two it
// does not support.
var fuzzLinks = []capture.LinkType{
	capture.LinkEthernet, capture.LinkNull, capture.LinkRaw, capture.LinkLoop, capture.LinkLinuxSLL,
	capture.LinkIPv4, capture.LinkIPv6, capture.LinkLinuxSLL2, 12, 147,
}

func FuzzDecode(f *testing.F) {
	for _, s := range []struct {
		link byte
		hex  string
	}{
		{0, snmpVLAN}, {0, dnsQinQPPPoE}, {1, opcuaNull}, {0, ipxLLC}, {0, netbeuiIFrame}, {0, cdpSNAP},
		{0, dhcpv6}, {0, iec104Padded}, {0, arpRequest}, {4, synSLL}, {7, fragSLL2v4b}, {7, fragSLL2v6b},
	} {
		f.Add(s.link, unhex(f, s.hex))
	}
	f.Add(byte(2), ipv6(0, cat(ext(44, 1), frag6(60, 8, false, 5), ext(ProtoUDP, 1), udp(1, 2, nil))))
	f.Add(byte(2), ipv4(ProtoUDP, 9, 8, false, udp(1, 2, pattern(8, 0))))
	f.Fuzz(func(t *testing.T, link byte, data []byte) {
		d := NewDecoder(Config{MaxFragmentBytes: 64 << 10})
		var p Packet
		lt := fuzzLinks[int(link)%len(fuzzLinks)]
		// Decode the input, then its halves, so that fragments of one
		// input can meet.
		for _, b := range [][]byte{data, data[:len(data)/2], data[len(data)/2:], data} {
			err := d.Decode(lt, tNow, b, &p)
			var e *Error
			if err != nil && !errors.As(err, &e) {
				t.Fatalf("error %v is not a *Error", err)
			}
			if err == nil && p.Incomplete && (p.Payload != nil || !p.Fragment) {
				t.Fatalf("incomplete packet with payload: %+v", summarize(&p))
			}
		}
		if s := d.Stats(); s.PendingBytes < 0 || s.PendingBytes > 64<<10 || s.PendingDatagrams < 0 {
			t.Fatalf("stats out of bounds: %+v", s)
		}
	})
}
