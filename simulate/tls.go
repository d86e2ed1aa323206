package simulate

// TLS records: a ClientHello with SNI (1.2 or 1.3 style), the server's
// answer, and application data records of random-looking bytes.

// tlsClientHello builds a handshake record carrying a ClientHello for sni.
// tls13 adds supported_versions and key_share as modern clients do.
func tlsClientHello(b []byte, g *gen, sni string, tls13 bool, alpn string) []byte {
	var ext []byte
	// server_name
	ext = be16(ext, 0)
	ext = be16(ext, uint16(len(sni)+5))
	ext = be16(ext, uint16(len(sni)+3))
	ext = append(ext, 0)
	ext = be16(ext, uint16(len(sni)))
	ext = append(ext, sni...)
	// extended_master_secret, renegotiation_info
	ext = append(ext, 0x00, 0x17, 0, 0, 0xff, 0x01, 0, 1, 0)
	// supported_groups: x25519, secp256r1, secp384r1
	ext = append(ext, 0x00, 0x0a, 0, 8, 0, 6, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18)
	// ec_point_formats: uncompressed
	ext = append(ext, 0x00, 0x0b, 0, 2, 1, 0)
	if alpn != "" {
		ext = be16(ext, 16)
		ext = be16(ext, uint16(len(alpn)+3))
		ext = be16(ext, uint16(len(alpn)+1))
		ext = append(ext, byte(len(alpn)))
		ext = append(ext, alpn...)
	}
	// signature_algorithms
	sig := []uint16{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601}
	ext = be16(ext, 13)
	ext = be16(ext, uint16(2+2*len(sig)))
	ext = be16(ext, uint16(2*len(sig)))
	for _, s := range sig {
		ext = be16(ext, s)
	}
	suites := []uint16{0xc02b, 0xc02f, 0xc02c, 0xc030, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035}
	if tls13 {
		suites = append([]uint16{0x1301, 0x1302, 0x1303}, suites...)
		// supported_versions: 1.3, 1.2
		ext = append(ext, 0x00, 0x2b, 0, 5, 4, 0x03, 0x04, 0x03, 0x03)
		// psk_key_exchange_modes: psk_dhe_ke
		ext = append(ext, 0x00, 0x2d, 0, 2, 1, 1)
		// key_share: x25519
		ext = append(ext, 0x00, 0x33, 0, 38, 0, 36, 0x00, 0x1d, 0, 32)
		ext = g.randBytes(ext, 32)
	}
	var ch []byte
	ch = append(ch, 3, 3)
	ch = g.randBytes(ch, 32)
	ch = append(ch, 32)
	ch = g.randBytes(ch, 32)
	ch = be16(ch, uint16(2*len(suites)))
	for _, s := range suites {
		ch = be16(ch, s)
	}
	ch = append(ch, 1, 0)
	ch = be16(ch, uint16(len(ext)))
	ch = append(ch, ext...)
	return tlsHandshake(b, 1, ch)
}

func tlsHandshake(b []byte, typ byte, body []byte) []byte {
	b = append(b, 0x16, 3, 1)
	b = be16(b, uint16(4+len(body)))
	b = append(b, typ, byte(len(body)>>16), byte(len(body)>>8), byte(len(body)))
	return append(b, body...)
}

// tlsServerHello builds ServerHello + ChangeCipherSpec and one encrypted
// handshake record (1.3), or a resumed 1.2 ServerHello + CCS + Finished.
func tlsServerHello(b []byte, g *gen, tls13 bool) []byte {
	var sh []byte
	sh = append(sh, 3, 3)
	sh = g.randBytes(sh, 32)
	sh = append(sh, 32)
	sh = g.randBytes(sh, 32)
	if tls13 {
		sh = append(sh, 0x13, 0x01, 0)
		var ext []byte
		ext = append(ext, 0x00, 0x2b, 0, 2, 0x03, 0x04)
		ext = append(ext, 0x00, 0x33, 0, 36, 0x00, 0x1d, 0, 32)
		ext = g.randBytes(ext, 32)
		sh = be16(sh, uint16(len(ext)))
		sh = append(sh, ext...)
	} else {
		sh = append(sh, 0xc0, 0x2f, 0)
		sh = append(sh, 0, 5, 0xff, 0x01, 0, 1, 0)
	}
	b = tlsHandshake(b, 2, sh)
	b[len(b)-len(sh)-4-5+2] = 3 // record version 1.2 for the server's records
	b = append(b, 0x14, 3, 3, 0, 1, 1)
	return tlsAppData(b, g, 1200)
}

// tlsClientFinish is the client's CCS and encrypted Finished.
func tlsClientFinish(b []byte, g *gen) []byte {
	b = append(b, 0x14, 3, 3, 0, 1, 1)
	return tlsAppData(b, g, 53)
}

// tlsAppData appends application-data records totalling about n bytes of
// ciphertext, at most 16 KiB + 256 each.
func tlsAppData(b []byte, g *gen, n int) []byte {
	for n > 0 {
		c := min(n, 16384+17)
		b = append(b, 0x17, 3, 3, byte(c>>8), byte(c))
		b = appendFill(b, c, byte(g.rng.Uint32()))
		n -= c
	}
	return b
}
