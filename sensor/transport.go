package sensor

import (
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sensor/decode"
	"github.com/cordonsec/cordon/sensor/proto"
)

// transport handles a TCP or UDP packet: flow accounting, then the datagram
// or stream dissectors.
func (s *Sensor) transport(t time.Time, p *decode.Packet) {
	src := cordon.Endpoint{IP: p.SrcIP, Port: p.SrcPort}
	dst := cordon.Endpoint{IP: p.DstIP, Port: p.DstPort}
	if p.HasMAC {
		src.MAC, dst.MAC = p.SrcMAC, p.DstMAC
	}
	if p.Proto == decode.ProtoUDP {
		s.datagram(src, dst, p)
	}
	// Broadcast and multicast chatter is dissected but not kept as flows:
	// it has no server, and a flow per sender would fill the table.
	if !p.DstIP.IsGlobalUnicast() && !p.DstIP.IsPrivate() && !p.DstIP.IsLoopback() && !p.DstIP.IsLinkLocalUnicast() {
		return
	}
	if p.HasMAC && p.DstMAC.IsMulticast() {
		return
	}
	now := t.UnixNano()
	f, fromA, created := s.lookup(p, now)
	if created && p.TTL != 0 {
		s.emit.Emit(src, "ip.ttl", ttlClass(p.TTL))
	}
	f.last = now
	f.packets++
	f.bytes += uint64(p.IPLen)
	if fromA {
		f.seenA = true
		if p.HasMAC {
			f.macA = p.SrcMAC
		}
	} else {
		f.seenB = true
		if p.HasMAC {
			f.macB = p.SrcMAC
		}
	}
	if p.Proto == decode.ProtoTCP {
		s.segment(f, fromA, p)
	}
}

// datagram hands a UDP payload to the dissector for its destination port, or
// failing that its source port.
func (s *Sensor) datagram(src, dst cordon.Endpoint, p *decode.Packet) {
	i := s.udp[p.DstPort]
	if i == 0 {
		i = s.udp[p.SrcPort]
	}
	if i == 0 {
		return
	}
	// The datagram lives in the Sensor: a local would escape to the heap
	// through the function value, one allocation per packet.
	s.dgram = proto.Datagram{Src: src, Dst: dst, Payload: p.Payload}
	s.cfg.Datagrams[i-1].Parse(&s.dgram, &s.emit)
	s.dgram.Payload = nil
}

// ttlClass rounds an observed TTL up to the initial value its sender most
// likely used: 64 (Linux, macOS, most embedded stacks), 128 (Windows) or 255
// (network equipment, some RTOSes).
func ttlClass(ttl uint8) string {
	switch {
	case ttl <= 32:
		return "32"
	case ttl <= 64:
		return "64"
	case ttl <= 128:
		return "128"
	}
	return "255"
}
