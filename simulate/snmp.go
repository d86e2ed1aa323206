package simulate

import (
	"strconv"
	"strings"
)

// SNMPv2c GetRequest and GetResponse in BER, as a management station polls
// the system group of printers, switches and UPSes.

var (
	oidSysDescr    = "1.3.6.1.2.1.1.1.0"
	oidSysObjectID = "1.3.6.1.2.1.1.2.0"
	oidSysUpTime   = "1.3.6.1.2.1.1.3.0"
	oidSysName     = "1.3.6.1.2.1.1.5.0"
)

func berLen(b []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(b, byte(n))
	case n < 0x100:
		return append(b, 0x81, byte(n))
	}
	return append(b, 0x82, byte(n>>8), byte(n))
}

func berTLV(b []byte, tag byte, v []byte) []byte {
	b = append(b, tag)
	b = berLen(b, len(v))
	return append(b, v...)
}

func berInt(b []byte, tag byte, v uint32) []byte {
	var x []byte
	for {
		x = append([]byte{byte(v)}, x...)
		v >>= 8
		if v == 0 {
			break
		}
	}
	if x[0]&0x80 != 0 {
		x = append([]byte{0}, x...)
	}
	return berTLV(b, tag, x)
}

// berOID encodes a dotted OID (its content bytes only).
func berOID(s string) []byte {
	parts := strings.Split(s, ".")
	var v []uint64
	for _, p := range parts {
		n, _ := strconv.ParseUint(p, 10, 32)
		v = append(v, n)
	}
	if len(v) < 2 {
		return []byte{0}
	}
	out := []byte{byte(v[0]*40 + v[1])}
	for _, n := range v[2:] {
		var tmp [10]byte
		i := len(tmp) - 1
		tmp[i] = byte(n & 0x7f)
		for n >>= 7; n > 0; n >>= 7 {
			i--
			tmp[i] = byte(n&0x7f) | 0x80
		}
		out = append(out, tmp[i:]...)
	}
	return out
}

// snmpVar is one variable binding; value is nil for a request.
type snmpVar struct {
	oid   string
	tag   byte // 0x04 string, 0x06 OID, 0x43 TimeTicks, 0x05 NULL
	value []byte
}

// snmpMessage builds an SNMPv2c message with PDU type pdu (0xa0 get, 0xa2
// response).
func snmpMessage(b []byte, community string, pdu byte, reqID uint32, vars []snmpVar) []byte {
	var vl []byte
	for _, v := range vars {
		var one []byte
		one = berTLV(one, 0x06, berOID(v.oid))
		one = berTLV(one, v.tag, v.value)
		vl = berTLV(vl, 0x30, one)
	}
	var p []byte
	p = berInt(p, 0x02, reqID)
	p = berInt(p, 0x02, 0)
	p = berInt(p, 0x02, 0)
	p = berTLV(p, 0x30, vl)
	var m []byte
	m = berInt(m, 0x02, 1) // version 2c
	m = berTLV(m, 0x04, []byte(community))
	m = berTLV(m, pdu, p)
	return berTLV(b, 0x30, m)
}

// snmpSystemVars returns the system-group bindings; request when nil values.
func snmpSystemVars(descr, objectID, name string, uptime uint32, request bool) []snmpVar {
	if request {
		return []snmpVar{{oidSysDescr, 0x05, nil}, {oidSysObjectID, 0x05, nil}, {oidSysUpTime, 0x05, nil}, {oidSysName, 0x05, nil}}
	}
	var up []byte
	up = berInt(up, 0x43, uptime)
	return []snmpVar{
		{oidSysDescr, 0x04, []byte(descr)},
		{oidSysObjectID, 0x06, berOID(objectID)},
		{oidSysUpTime, 0x43, up[2:]},
		{oidSysName, 0x04, []byte(name)},
	}
}
