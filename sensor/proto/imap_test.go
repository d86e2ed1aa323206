package proto

import "testing"

// The capture corpus holds no IMAP. imapGreeting is the example of RFC 9051
// §7.1.1; imapDovecot is the shape Dovecot greets with. Both were checked
// with text2pcap and tshark: imap.line="* OK IMAP4rev2 Service Ready\r\n".
const (
	imapGreeting = "* OK IMAP4rev2 Service Ready\r\n"
	imapDovecot  = "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Debian) ready.\r\n"
)

func TestIMAP(t *testing.T) {
	runStreamCases(t, IMAP, []streamCase{
		{
			name:   "RFC9051",
			port:   143,
			client: []byte("a001 CAPABILITY\r\n"),
			server: []byte(imapGreeting),
			status: Done,
			want:   []streamFact{{'s', "imap.banner", "IMAP4rev2 Service Ready"}},
		},
		{
			name:   "CapabilityCode",
			port:   143,
			server: []byte(imapDovecot),
			status: Done,
			want:   []streamFact{{'s', "imap.banner", "Dovecot (Debian) ready."}},
		},
		{
			name:   "CodeOnly",
			port:   143,
			server: []byte("* OK [CAPABILITY IMAP4rev1]\r\n"),
			status: Done,
			want:   []streamFact{{'s', "imap.banner", "[CAPABILITY IMAP4rev1]"}},
		},
		{
			name:   "Preauth",
			port:   143,
			server: []byte("* PREAUTH IMAP4rev1 server ready\r\n"),
			status: Done,
			want:   []streamFact{{'s', "imap.banner", "IMAP4rev1 server ready"}},
		},
		{
			name:   "ErrPOP3",
			port:   143,
			server: []byte(pop3Greeting),
			status: NotMine,
		},
		{
			name:   "ErrOKWithoutSpace",
			port:   143,
			server: []byte("* OKAY\r\n"),
			status: NotMine,
		},
	})
}
