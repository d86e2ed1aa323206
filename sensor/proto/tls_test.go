package proto

import (
	"strings"
	"testing"
)

// tlsRDNSANs are the DNS names of the leaf certificate of tlsRDNServer, as
// `tshark -T fields -e x509ce.dNSName` lists them for frame 6.
var tlsRDNSANs = strings.Split("*.vo.msecnd.net,*.officeapps.live.com,*.msads.net,*.ads2.msads.net,"+
	"*.stc.s-msn.com,cdn.dc2files.*.livefilestore-int.com,cdn.*.livefilestore.com,"+
	"*.marketplace.windowsmobile.com,*.marketplace.windowsmobile-int.com,"+
	"*.marketplace.windowsmobile-perf.com,*.stj.s-msn.com,ajax.microsoft.com,"+
	"*.microsoft-sbs-domains.com,*.live.net,*.msn.com,*.msn-int.com,*.f1ds.shared.live-int.com,"+
	"*.f1ds.wlxrs-int.com,*.shared.live-int.com,*.shared.live.com,*.microsoft.com,*.live.com,"+
	"*.live-int.com,*.wlxrs.com,*.wlxrs-int.com,*.st.s-msn.com,*.stb.s-msn.com,"+
	"images.moxy.windowsphone-int.com,*.wlxrsu-int.com,images.partner.windowsphone-int.com,"+
	"images.partner.windowsphone.com,*.jp.msn.com,*.c3scs.jp.msn.com,*.aspnetcdn.com,"+
	"*.hotmail.com,*.partner-df.windowsphone-int.com,*.s-msn.com,*.live-int.net,"+
	"*.windowsphone-int.com,*.windowsphone.com,*.partner-pc.windowsphone-int.com,"+
	"*.manage.microsoft.com", ",")

// tlsRDNSubject is the leaf's subject, 46 RDNs most of them CNs, in RFC
// 4514 order (the order of tshark's rdnSequence summary) and cut at the fact
// length limit.
const tlsRDNSubject = "CN=*.vo.msecnd.net,CN=*.manage.microsoft.com,CN=*.partner-pc.windowsphone-int.com," +
	"CN=*.windowsphone.com,CN=*.windowsphone-int.com,CN=*.live-int.net,CN=*.s-msn.com," +
	"CN=*.partner-df.windowsphone-int.com,CN=*.hotmail.com,CN=*.aspnetcdn.com,CN=*.c3scs.jp.msn.co"

// sslv2Hello is an SSL 2.0 compatible CLIENT-HELLO offering TLS 1.0 with
// the seven SSL 2.0 cipher specs of old browsers (RFC 6101 appendix E.1),
// checked with text2pcap and tshark: "SSLv2 Record Layer: Client Hello,
// Version: TLS 1.0 (0x0301), Cipher Specs (7 specs)".
const sslv2Hello = `802e0103010015000000100700c005008003008001008006004004008002008
09f93d8e6a11ba166e6ba5c3b96291a0c`

func TestTLS(t *testing.T) {
	rdnWant := []streamFact{
		{'s', "tls.sni", "ads1.msads.net"},
		{'c', "tls.client_version", "1.0"},
		{'c', "tls.ja4", "t10d120500_d94e65cdb899_c35b4a14be45"},
		{'s', "tls.cert_subject", tlsRDNSubject},
		{'s', "tls.cert_issuer", "CN=Microsoft Secure Server Authority,DC=redmond,DC=corp,DC=microsoft,DC=com"},
	}
	for _, name := range tlsRDNSANs {
		rdnWant = append(rdnWant, streamFact{'s', "tls.cert_san", name})
	}
	runStreamCases(t, TLS, []streamCase{
		{
			// A certificate message over five TCP segments.
			name:   "CertificateSpanningSegments",
			port:   443,
			client: unhex(t, tlsRDNClient),
			server: unhex(t, tlsRDNServer),
			status: Done,
			want:   rdnWant,
		},
		{
			name:   "AnyDesk",
			port:   443,
			client: unhex(t, anydeskClient),
			server: unhex(t, anydeskServer),
			status: Done,
			want: []streamFact{
				{'c', "tls.client_version", "1.2"},
				{'c', "tls.ja4", "t12i6406ax_9197985d2161_a1e935682795"},
				{'s', "tls.cert_subject", "CN=AnyNet Relay,O=philandro Software GmbH,C=DE"},
				{'s', "tls.cert_issuer", "C=DE,O=philandro Software GmbH,CN=AnyNet Root CA"},
			},
		},
		{
			// The ServerHello selects TLS 1.3: the certificate is
			// encrypted and the dissector is done.
			name:   "OpenSSLTLS13",
			port:   44333,
			client: unhex(t, openssl13Client),
			server: unhex(t, openssl13Server),
			status: Done,
			want: []streamFact{
				{'s', "tls.sni", "pacs.example.test"},
				{'c', "tls.client_version", "1.3"},
				{'c', "tls.ja4", "t13d3111h2_e8f1e7e78f70_1f22a2ca17c4"},
			},
		},
		{
			name:   "OpenSSLTLS12",
			port:   44333,
			client: unhex(t, openssl12Client),
			server: unhex(t, openssl12Server),
			status: Done,
			want: []streamFact{
				{'s', "tls.sni", "pacs.example.test"},
				{'c', "tls.client_version", "1.2"},
				{'c', "tls.ja4", "t12d280700_d943125447b4_e7e480e5a997"},
				{'s', "tls.cert_subject", "CN=pacs.example.test,O=Cordon Test,C=GB"},
				{'s', "tls.cert_issuer", "CN=pacs.example.test,O=Cordon Test,C=GB"},
				{'s', "tls.cert_san", "pacs.example.test"},
				{'s', "tls.cert_san", "pacs"},
			},
		},
		{
			// Each handshake message cut into records of 50 bytes:
			// messages span records as well as segments.
			name:   "MessagesSpanningRecords",
			port:   443,
			client: tlsReframe(t, unhex(t, openssl12Client), 50),
			server: tlsReframe(t, unhex(t, openssl12Server), 50),
			status: Done,
			want: []streamFact{
				{'s', "tls.sni", "pacs.example.test"},
				{'c', "tls.client_version", "1.2"},
				{'c', "tls.ja4", "t12d280700_d943125447b4_e7e480e5a997"},
				{'s', "tls.cert_subject", "CN=pacs.example.test,O=Cordon Test,C=GB"},
				{'s', "tls.cert_issuer", "CN=pacs.example.test,O=Cordon Test,C=GB"},
				{'s', "tls.cert_san", "pacs.example.test"},
				{'s', "tls.cert_san", "pacs"},
			},
		},
		{
			name:   "ClientOnly",
			port:   7070,
			client: unhex(t, anydesk7070Client),
			status: Mine,
			want: []streamFact{
				{'c', "tls.client_version", "1.2"},
				{'c', "tls.ja4", "t12i550500_168bb377f8c8_a1e935682795"},
			},
		},
		{
			name:   "SSLv2Hello",
			port:   443,
			client: unhex(t, sslv2Hello),
			status: Mine,
			want:   []streamFact{{'c', "tls.client_version", "1.0"}},
		},
		{
			name:   "ErrHTTP",
			port:   443,
			client: []byte("GET / HTTP/1.1\r\nHost: pacs\r\n\r\n"),
			status: NotMine,
		},
		{
			name:   "ErrSSH",
			port:   443,
			client: []byte(sshClientIdent),
			server: []byte(sshServerIdent),
			status: NotMine,
		},
		{
			name:   "ErrServerHelloFirst",
			port:   443,
			client: unhex(t, openssl12Server),
			status: NotMine,
		},
	})
}

// TestTLSJA4 checks JA4 against tshark's decoding of each ClientHello in
// the shared captures: tshark 4.0 has no tls.handshake.ja4 field, so the
// expected values were computed from its tls.handshake.ciphersuite,
// extension.type, sig_hash_alg, extensions.supported_version and
// extensions_alpn_str fields by the algorithm of the FoxIO specification
// (see also TestJA4SpecExample).
func TestTLSJA4(t *testing.T) {
	tests := []struct{ name, hello, want string }{
		{"TLSRDNExtract", tlsRDNClient, "t10d120500_d94e65cdb899_c35b4a14be45"},
		{"AnyDesk443", anydeskClient, "t12i6406ax_9197985d2161_a1e935682795"},
		{"AnyDesk7070", anydesk7070Client, "t12i550500_168bb377f8c8_a1e935682795"},
		{"AnyDesk7070b", anydesk7070bClient, "t12i640500_9197985d2161_a1e935682795"},
		{"RDP", rdpClientHello, "t12d220700_0d4ca5d4ec72_3304d8368043"},
		{"OpenSSL13", openssl13Client, "t13d3111h2_e8f1e7e78f70_1f22a2ca17c4"},
		{"OpenSSL12", openssl12Client, "t12d280700_d943125447b4_e7e480e5a997"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tlsHelloOf(t, unhex(t, tt.hello))
			if got := ja4(&h); got != tt.want {
				t.Errorf("ja4 = %s, want %s", got, tt.want)
			}
		})
	}
}

// tlsHelloOf parses the ClientHello in the first record of b.
func tlsHelloOf(tb testing.TB, b []byte) tlsHello {
	tb.Helper()
	var h tlsHello
	found := false
	tlsWalk(b, func(typ byte, msg []byte) bool {
		h, found = parseClientHello(msg)
		return false
	})
	if !found {
		tb.Fatal("no ClientHello")
	}
	return h
}

// tlsReframe rewrites the handshake records at the start of b as records of
// at most size bytes each, keeping the records that follow as they are.
func tlsReframe(tb testing.TB, b []byte, size int) []byte {
	tb.Helper()
	var hs, rest []byte
	ver := b[1:3]
	for len(b) >= 5 {
		n := int(be16(b[3:]))
		if b[0] != tlsRecordHandshake || 5+n > len(b) {
			break
		}
		hs = append(hs, b[5:5+n]...)
		b = b[5+n:]
	}
	rest = b
	var out []byte
	for len(hs) > 0 {
		n := min(size, len(hs))
		out = append(out, tlsRecordHandshake, ver[0], ver[1], byte(n>>8), byte(n))
		out = append(out, hs[:n]...)
		hs = hs[n:]
	}
	return append(out, rest...)
}

// FuzzTLS runs TLS over arbitrary conversations; see fuzzStreamInput.
func FuzzTLS(f *testing.F) {
	f.Add(fuzzStreamSeed(0, unhex(f, openssl12Client), unhex(f, openssl12Server)))
	f.Add(fuzzStreamSeed(0, unhex(f, openssl13Client), unhex(f, openssl13Server)))
	f.Add(fuzzStreamSeed(0, unhex(f, anydeskClient), unhex(f, anydeskServer)))
	f.Add(fuzzStreamSeed(0, tlsReframe(f, unhex(f, openssl12Client), 40), tlsReframe(f, unhex(f, openssl12Server), 40)))
	f.Add(fuzzStreamSeed(0, unhex(f, sslv2Hello), nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzStreamInput(t, TLS, data)
	})
}

// FuzzTLSCertificate feeds arbitrary DER to the certificate reader.
func FuzzTLSCertificate(f *testing.F) {
	for _, server := range []string{openssl12Server, rdpServerHello} {
		tlsWalk(unhex(f, server), func(typ byte, msg []byte) bool {
			if typ == tlsCertificate {
				f.Add(leafCertificate(msg))
			}
			return true
		})
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		c := &collector{}
		emitCertificate(der, testClientEP, c)
		c.checkValues(t)
	})
}
