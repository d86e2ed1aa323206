package proto

import "testing"

// rdpNegRequest: pcaps/ndpi/rdp.pcap frame 4 (19 bytes), 172.16.2.185:52494 → 192.168.2.142:3389.
// tshark: TPKT length 19, COTP CR Connect Request, RDP Negotiation Request,
// rdp.negReq.requestedProtocols=0x0000000b (TLS, CredSSP, CredSSP with Early User Authorization Result PDU).
const rdpNegRequest = "030000130ee00000000000010008000b000000"

// rdpNegResponse: pcaps/ndpi/rdp.pcap frame 5 (19 bytes), the server's reply.
// tshark: COTP CC Connect Confirm, RDP Negotiation Response, flags 0x1f,
// rdp.negRsp.selectedProtocol=0x00000008 (CredSSP with Early User Authorization Result PDU).
const rdpNegResponse = "030000130ed00000123400021f080008000000"

// rdpClientHello: pcaps/ndpi/rdp.pcap frame 7 (173 bytes), the TLS ClientHello after the negotiation.
// tshark -d tcp.port==3389,tls: TLSv1.2 Client Hello, tls.handshake.extensions_server_name=192.168.2.142.
const rdpClientHello = `
16030100a8010000a403035cef9e29f7050d16a1a2391d64625681e3425a70bd
d5045db0a23d3db250dbe700002c00ffc02cc02bc024c023c00ac009c008c030
c02fc028c027c014c013c012009d009c003d003c0035002f000a0100004f0000
0012001000000d3139322e3136382e322e313432000a00080006001700180019
000b00020100000d001200100401020105010601040302030503060300050005
01000000000012000000170000`

// rdpServerHello: pcaps/ndpi/rdp.pcap frame 8 (1179 bytes).
// tshark -d tcp.port==3389,tls: TLSv1.2 Server Hello, Certificate, Server Key Exchange, Server Hello Done;
// leaf x509sat.printableString subject and issuer CN=OFFICE-WIN10-VM (self-signed), no dNSName.
const rdpServerHello = `
16030304960200005103035cef9e29fc014194909b53af86699d233ed91ac0ae
93eb33ba83c67dc3251284205546000051f0a1cf87fe3fc0e31472677019381d
caffb9355b5e746e41b2f498c03000000900170000ff010001000b0002ec0002
e90002e6308202e2308201caa00302010202103dde271223f54fa148cca5d217
d88b33300d06092a864886f70d01010b0500301a311830160603550403130f4f
46464943452d57494e31302d564d301e170d3139303331393130343731315a17
0d3139303931383130343731315a301a311830160603550403130f4f46464943
452d57494e31302d564d30820122300d06092a864886f70d0101010500038201
0f003082010a0282010100a69e107c5bd42aad64d84286068d8c20b72d31de34
d2413f3901956d0dc577cf91910894d0f55f7b8d7478ebf9421c314fc96742dd
55a2318c7412ffcad753c211ff0bc7ffa53f7ba0f1333ac59ec9279aba6f7d71
57229b0bcf2ba08b5cc79d9727885c096a57c594a86dc43041f738e482ed61d4
d97c1dd9cbed2ec0ddab4a0df89ade2adc9beed83fd4e188bf5592b1ca43511b
c9b232d18340353e207b4fbe04748df098d802e7a83d2e06c13408f7d367c74b
a25368a53c41f12e4e702514213478790536ea1c7c6278ea013bcfe9f990e376
b6133cb0c444f0c087cfd43455d7ba12e093bf2f2f02cbdc16cc0ae3c30397e5
aaff920b6480196dccb2cd0203010001a324302230130603551d25040c300a06
082b06010505070301300b0603551d0f040403020430300d06092a864886f70d
01010b0500038201010087bf31566ec914ad93926bea04a7ab5b06a53e54502f
f969e9b0365dff76a75443e5715b08e0090cf0e29ef1726eef0612ed20b1c240
574f362edd3bb0e2002e9de113f5baf3072472f9629e4afb104e45ad4aa55d8b
0017604371977efe01adb36324dad95e4e809a766349986e7a920e8781b64e6b
374064adc0a16a60106468a1172bcc36692aefbcf4e3bb5ef9ce9a8bb1eaf7bd
e543ab1ef4f7eda82a47265ea2a44ec28ca0ff9cae06308a019a165a1454d146
fc5eab939f010e9ab17a7869a9915cf4719dd33d83d2d18e4b1f36f180a704dc
a40814a09594fde739b2e57f750ec975ed688bf142b50cab25ed1ceb53977e43
a971e3f027196313fe3c0c0001490300174104e22f53f42a41c839ad777ab586
75cfab86ec28fd7d7128574370a90854e77ff6b304eff7c3da0f2d8e5c824eb9
d4906c281e4b028e2c6d5a3880655fb466ec0b04010100618123c390dc569d2d
9a1d5566cfb148b643e876fb71716a7c60ad73c13dc706c497010ece070dddf2
039f186805ac8f08a6f5b98d0394d4b6589bc04ee5b7836f8d6c623a4f114e10
2e6c67a3edd76ca45b9fd22c5e7bb5cff925e4ae0bc9268390a24ae32f969935
7747d3db3684e3e0725766f150b999f1b9762a24060a04984381b4b45dd30402
7544ef195096d757fabfda289315f11603d7534bf49bbac63a5474eb3358d024
1e43a5dafa7099a89249cfb64364a7acfbdad5425c9ed324712fb133e24fe20b
64acdd855cdfdc28fdb316893fd3c28ef32de775ecd3ccdfae0f5c370cc3370e
5357b73ee42efbd9c899dc3a056a5ec033422aa12a97d80e000000`

// rdpCookieRequest is the Client X.224 Connection Request PDU of the
// MS-RDPBCGR protocol example (§4.1.1), checked with text2pcap and tshark:
// rdp.rt_cookie="Cookie: mstshash=eltons", rdp.negReq.requestedProtocols=0x00000000.
const rdpCookieRequest = "0300002c27e00000000000436f6f6b69653a206d737473686173683d656c746f6e730d0a010008000000000000"

// rdpNegFailureSSL is a Connection Confirm carrying RDP_NEG_FAILURE
// SSL_REQUIRED_BY_SERVER (MS-RDPBCGR §2.2.1.2.2), checked with text2pcap and
// tshark: "RDP Negotiation Failure, failureCode: TLS required by server (0x00000001)".
const rdpNegFailureSSL = "030000130ed00000123400030008000100000000"

// s7commConnect: pcaps/ndpi/s7comm.pcap frames 1 and 2 (22 bytes each), 4185 → 102.
// tshark: COTP CR TPDU src-ref 0x0007 with TSAP parameters (c1 src-tsap, c2 dst-tsap, c0 tpdu-size),
// then CC TPDU: ISO-on-TCP like RDP, but not RDP.
const (
	s7commCR = "0300001611e00000000700c1020100c2020102c0010a"
	s7commCC = "0300001611d00007000300c0010ac1020100c2020102"
)

func TestRDP(t *testing.T) {
	client := append(unhex(t, rdpNegRequest), unhex(t, rdpClientHello)...)
	server := append(unhex(t, rdpNegResponse), unhex(t, rdpServerHello)...)
	runStreamCases(t, RDP, []streamCase{
		{
			// CredSSP: the TLS handshake that follows is read too,
			// and its self-signed certificate names the host.
			name:   "CredSSP",
			port:   3389,
			client: client,
			server: server,
			status: Done,
			want: []streamFact{
				{'c', "rdp.requested_protocols", "ssl,hybrid,hybrid_ex"},
				{'s', "rdp.selected_protocol", "hybrid_ex"},
				{'s', "tls.sni", "192.168.2.142"},
				{'c', "tls.client_version", "1.2"},
				{'c', "tls.ja4", "t12d220700_0d4ca5d4ec72_3304d8368043"},
				{'s', "tls.cert_subject", "CN=OFFICE-WIN10-VM"},
				{'s', "tls.cert_issuer", "CN=OFFICE-WIN10-VM"},
			},
		},
		{
			name:   "NegotiationOnly",
			port:   3389,
			client: unhex(t, rdpNegRequest),
			server: unhex(t, rdpNegResponse),
			status: Mine,
			want: []streamFact{
				{'c', "rdp.requested_protocols", "ssl,hybrid,hybrid_ex"},
				{'s', "rdp.selected_protocol", "hybrid_ex"},
			},
		},
		{
			name:   "Cookie",
			port:   3389,
			client: unhex(t, rdpCookieRequest),
			server: unhex(t, rdpNegFailureSSL),
			status: Done,
			want: []streamFact{
				{'c', "rdp.cookie", "mstshash=eltons"},
				{'c', "rdp.requested_protocols", "rdp"},
				{'s', "rdp.selected_protocol", "failure:ssl_required_by_server"},
			},
		},
		{
			name:   "OtherPort",
			port:   33890,
			client: unhex(t, rdpCookieRequest),
			status: Mine,
			want: []streamFact{
				{'c', "rdp.cookie", "mstshash=eltons"},
				{'c', "rdp.requested_protocols", "rdp"},
			},
		},
		{
			name:   "ServerOnly",
			port:   3389,
			server: unhex(t, rdpNegResponse),
			status: Mine,
			want:   []streamFact{{'s', "rdp.selected_protocol", "hybrid_ex"}},
		},
		{
			name:   "ErrS7comm",
			port:   102,
			client: unhex(t, s7commCR),
			server: unhex(t, s7commCC),
			status: NotMine,
		},
		{
			name:   "ErrS7commOnRDPPort",
			port:   3389,
			client: unhex(t, s7commCR),
			server: unhex(t, s7commCC),
			status: NotMine,
		},
		{
			name:   "ErrTLS",
			port:   3389,
			client: unhex(t, rdpClientHello),
			status: NotMine,
		},
	})
}

func TestRDPProtocolNames(t *testing.T) {
	tests := []struct {
		name string
		in   uint32
		want string
	}{
		{"Standard", 0, "rdp"},
		{"TLS", 1, "ssl"},
		{"CredSSP", 3, "ssl,hybrid"},
		{"All", 0x1f, "ssl,hybrid,rdstls,hybrid_ex,rdsaad"},
		{"Unknown", 0x101, "ssl,0x100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rdpProtocolNames(tt.in); got != tt.want {
				t.Errorf("rdpProtocolNames(%#x) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzRDP runs RDP over arbitrary conversations; see fuzzStreamInput.
func FuzzRDP(f *testing.F) {
	f.Add(fuzzStreamSeed(0, append(unhex(f, rdpNegRequest), unhex(f, rdpClientHello)...),
		append(unhex(f, rdpNegResponse), unhex(f, rdpServerHello)...)))
	f.Add(fuzzStreamSeed(0, unhex(f, rdpCookieRequest), unhex(f, rdpNegFailureSSL)))
	f.Add(fuzzStreamSeed(9, unhex(f, s7commCR), unhex(f, s7commCC)))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzStreamInput(t, RDP, data)
	})
}
