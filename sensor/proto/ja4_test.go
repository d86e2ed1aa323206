package proto

import (
	"bytes"
	"testing"
)

// TestJA4SpecExample checks the hashes against the worked example of the
// JA4 specification (FoxIO-LLC/ja4, technical_details/JA4.md).
func TestJA4SpecExample(t *testing.T) {
	ciphers := []uint16{0x002f, 0x0035, 0x009c, 0x009d, 0x1301, 0x1302, 0x1303, 0xc013, 0xc014,
		0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8, 0xcca9}
	exts := []uint16{0x0005, 0x000a, 0x000b, 0x000d, 0x0012, 0x0015, 0x0017, 0x001b, 0x0023,
		0x002b, 0x002d, 0x0033, 0x4469, 0xff01}
	sigs := []uint16{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601}
	tests := []struct {
		name         string
		values, sigs []uint16
		want         string
	}{
		{"Ciphers", ciphers, nil, "8daaf6152771"},
		{"Extensions", exts, sigs, "e5627efa2ab1"},
		{"ExtensionsNoSigs", exts, nil, "6d807ffa2a79"},
		{"Empty", nil, sigs, "000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(ja4Hash(nil, tt.values, tt.sigs)); got != tt.want {
				t.Errorf("ja4Hash = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestJA4ALPN(t *testing.T) {
	// The examples of the specification's "ALPN Extension Value".
	tests := []struct {
		name  string
		proto []byte
		want  string
	}{
		{"H2", []byte("h2"), "h2"},
		{"HTTP11", []byte("http/1.1"), "h1"},
		{"Single", []byte("h"), "hh"},
		{"AB", []byte{0xab}, "ab"},
		{"ABCD", []byte{0xab, 0xcd}, "ad"},
		{"30AB", []byte{0x30, 0xab}, "3b"},
		{"3031ABCD", []byte{0x30, 0x31, 0xab, 0xcd}, "3d"},
		{"30ABCD31", []byte{0x30, 0xab, 0xcd, 0x31}, "01"},
		{"Empty", nil, "00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ext := append([]byte{0, byte(len(tt.proto) + 1), byte(len(tt.proto))}, tt.proto...)
			if got := ja4ALPN(ext); string(got[:]) != tt.want {
				t.Errorf("ja4ALPN(%x) = %s, want %s", tt.proto, got[:], tt.want)
			}
		})
	}
	if got := ja4ALPN(nil); string(got[:]) != "00" {
		t.Errorf("ja4ALPN(nil) = %s, want 00", got[:])
	}
}

// TestJA4GREASE adds GREASE values (RFC 8701) to a real ClientHello, as
// Chrome sends them, and checks that the fingerprint does not change.
func TestJA4GREASE(t *testing.T) {
	orig := tlsHelloOf(t, unhex(t, openssl13Client))
	want := ja4(&orig)

	h := orig
	h.ciphers = append([]byte{0x3a, 0x3a}, orig.ciphers...)
	var exts []byte
	exts = append(exts, 0x1a, 0x1a, 0, 0) // empty GREASE extension first
	for ext := orig.extensions; len(ext) > 0; {
		typ, data, rest, ok := tlsNextExtension(ext)
		if !ok {
			t.Fatal("bad extensions")
		}
		switch typ {
		case tlsExtSupportedVersions:
			// A GREASE version ahead of the real ones.
			data = append([]byte{data[0] + 2, 0x7a, 0x7a}, data[1:]...)
		case tlsExtSignatureAlgs:
			n := int(be16(data)) + 2
			data = append([]byte{byte(n >> 8), byte(n), 0xba, 0xba}, data[2:]...)
		}
		exts = append(exts, byte(typ>>8), byte(typ), byte(len(data)>>8), byte(len(data)))
		exts = append(exts, data...)
		ext = rest
	}
	exts = append(exts, 0xfa, 0xfa, 0, 1, 0) // and one at the end
	h.extensions = exts
	if bytes.Equal(h.extensions, orig.extensions) {
		t.Fatal("extensions unchanged")
	}
	if got := ja4(&h); got != want {
		t.Errorf("ja4 with GREASE = %s, want %s", got, want)
	}
	if got := tlsVersionName(h.maxVersion()); got != "1.3" {
		t.Errorf("client version with GREASE = %s, want 1.3", got)
	}
}
