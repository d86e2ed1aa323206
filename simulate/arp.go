package simulate

// arpPacket appends an Ethernet/IPv4 ARP request (op 1) or reply (op 2).
// A gratuitous ARP has the sender's own address as the target.
func arpPacket(b []byte, op uint16, sha [6]byte, spa [4]byte, tha [6]byte, tpa [4]byte) []byte {
	b = be16(b, 1)
	b = be16(b, etherIPv4)
	b = append(b, 6, 4)
	b = be16(b, op)
	b = append(b, sha[:]...)
	b = append(b, spa[:]...)
	b = append(b, tha[:]...)
	return append(b, tpa[:]...)
}
