package simulate

// Banner protocols (SSH, Telnet, FTP) and RDP's X.224 connection
// request/confirm, the part of each that identifies the software.

// telnetGreeting is option negotiation followed by the banner text.
func telnetGreeting(b []byte, banner string) []byte {
	b = append(b, 0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfd, 0x18, 0xff, 0xfd, 0x1f)
	b = append(b, "\r\n"...)
	b = append(b, banner...)
	return append(b, "\r\n\r\nUser Name : "...)
}

// telnetClientOpts is the client's answer to the server's options.
var telnetClientOpts = []byte{0xff, 0xfd, 0x01, 0xff, 0xfd, 0x03, 0xff, 0xfc, 0x18, 0xff, 0xfc, 0x1f}

// rdpConnectionRequest builds TPKT + X.224 CR with the routing cookie and
// an RDP_NEG_REQ for SSL, CredSSP and RDSTLS.
func rdpConnectionRequest(b []byte, user string) []byte {
	cookie := "Cookie: mstshash=" + user + "\r\n"
	li := 6 + len(cookie) + 8
	b = append(b, 3, 0)
	b = be16(b, uint16(4+1+li))
	b = append(b, byte(li), 0xe0, 0, 0, 0, 0, 0)
	b = append(b, cookie...)
	b = append(b, 1, 0, 8, 0)
	return le32(b, 0x0b)
}

// rdpConnectionConfirm selects CredSSP (hybrid).
func rdpConnectionConfirm(b []byte) []byte {
	b = append(b, 3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0)
	b = append(b, 2, 0x1f, 8, 0)
	return le32(b, 2)
}
