package proto

import "bytes"

// SNMP reads SNMPv1 and SNMPv2c (RFC 1157, 3416) responses and traps: when
// a management station polls the system group, the agent's answer names
// its description, vendor object ID and name; and a device answering to a
// default community is worth knowing about.
var SNMP = DatagramDissector{Name: "snmp", Ports: []uint16{161, 162}, Parse: parseSNMP}

// SNMP PDU tags (context-specific, constructed).
const (
	snmpGetResponse = 0xa2
	snmpTrapV1      = 0xa4
	snmpInform      = 0xa6
	snmpTrapV2      = 0xa7
	snmpMaxVarbinds = 64
)

// The system group objects read, as OID contents bytes (1.3.6.1.2.1.1.x.0),
// so varbinds compare without formatting.
var (
	oidSysDescr    = []byte{0x2b, 6, 1, 2, 1, 1, 1, 0}
	oidSysObjectID = []byte{0x2b, 6, 1, 2, 1, 1, 2, 0}
	oidSysName     = []byte{0x2b, 6, 1, 2, 1, 1, 5, 0}
)

// parseSNMP emits facts about the agent that sent a response or a
// notification. Requests are recognised but say nothing certain: the agent
// may reject their community. The community string itself is a password
// and is never emitted, only whether it is one of the two defaults.
func parseSNMP(d *Datagram, e Emitter) bool {
	msg, _, ok := berExpect(d.Payload, berSequence)
	if !ok {
		return false
	}
	ver, msg, ok := berExpect(msg, berInteger)
	if !ok {
		return false
	}
	switch v, _ := berInt(ver); v {
	case 0, 1: // v1, v2c
	case 3:
		return true // v3 is encrypted or at least authenticated; nothing here
	default:
		return false
	}
	community, msg, ok := berExpect(msg, berOctetString)
	if !ok {
		return false
	}
	tag, pdu, _, ok := berNext(msg)
	if !ok || tag < 0xa0 || tag > 0xa8 {
		return false
	}
	switch tag {
	case snmpGetResponse, snmpTrapV1, snmpInform, snmpTrapV2:
	default:
		return true
	}
	switch string(community) {
	case "public":
		e.Emit(d.Src, "snmp.community_default", "public")
	case "private":
		e.Emit(d.Src, "snmp.community_default", "private")
	}
	varbinds, ok := snmpVarbinds(tag, pdu)
	if !ok {
		return true
	}
	var buf [MaxValue + 24]byte
	for i := 0; i < snmpMaxVarbinds && len(varbinds) > 0; i++ {
		var vb []byte
		if vb, varbinds, ok = berExpect(varbinds, berSequence); !ok {
			break
		}
		oid, rest, ok := berExpect(vb, berOID)
		if !ok {
			continue
		}
		typ, val, _, ok := berNext(rest)
		if !ok {
			continue
		}
		switch {
		case bytes.Equal(oid, oidSysDescr) && typ == berOctetString:
			emitClean(e, d.Src, "snmp.sys_descr", val)
		case bytes.Equal(oid, oidSysName) && typ == berOctetString:
			emitClean(e, d.Src, "snmp.sys_name", val)
		case bytes.Equal(oid, oidSysObjectID) && typ == berOID:
			if s, ok := berOIDString(buf[:0], val); ok {
				e.Emit(d.Src, "snmp.sys_object_id", s)
			}
		}
	}
	return true
}

// snmpVarbinds returns the contents of the variable-bindings list of a
// PDU, skipping the fields before it. A response with an error status
// carries the request's bindings back, not values, and yields nothing.
func snmpVarbinds(tag byte, pdu []byte) ([]byte, bool) {
	var ok bool
	if tag == snmpTrapV1 {
		// enterprise, agent-addr, generic-trap, specific-trap, time-stamp
		for _, want := range [...]byte{berOID, berIPAddress, berInteger, berInteger, berTimeTicks} {
			if _, pdu, ok = berExpect(pdu, want); !ok {
				return nil, false
			}
		}
	} else {
		// request-id, error-status, error-index
		var status []byte
		if _, pdu, ok = berExpect(pdu, berInteger); !ok {
			return nil, false
		}
		if status, pdu, ok = berExpect(pdu, berInteger); !ok {
			return nil, false
		}
		if n, ok := berInt(status); !ok || n != 0 {
			return nil, false
		}
		if _, pdu, ok = berExpect(pdu, berInteger); !ok {
			return nil, false
		}
	}
	vbs, _, ok := berExpect(pdu, berSequence)
	return vbs, ok
}
