package proto

import "testing"

// The capture corpus holds no SMTP, so these greetings are the examples of
// RFC 5321 (appendix D.1) and a multi-line Postfix greeting, checked with
// text2pcap and tshark: smtp.response.code=220,
// smtp.rsp.parameter="foo.com Simple Mail Transfer Service Ready".
const (
	smtpGreeting = "220 foo.com Simple Mail Transfer Service Ready\r\n"
	smtpEHLO     = "EHLO bar.com\r\n"
	// tshark: smtp.rsp.parameter = mail.example.org ESMTP Postfix
	// (Debian/GNU), Authorised use only., mail.example.org ESMTP ready.
	smtpMultiline = "220-mail.example.org ESMTP Postfix (Debian/GNU)\r\n" +
		"220-Authorised use only.\r\n" +
		"220 mail.example.org ESMTP ready\r\n"
)

func TestSMTP(t *testing.T) {
	runStreamCases(t, SMTP, []streamCase{
		{
			name:   "RFC5321",
			port:   25,
			client: []byte(smtpEHLO),
			server: []byte(smtpGreeting),
			status: Done,
			want:   []streamFact{{'s', "smtp.banner", "foo.com Simple Mail Transfer Service Ready"}},
		},
		{
			name:   "Multiline",
			port:   587,
			server: []byte(smtpMultiline),
			status: Done,
			want: []streamFact{
				{'s', "smtp.banner", "mail.example.org ESMTP Postfix (Debian/GNU)"},
				{'s', "smtp.banner", "mail.example.org ESMTP ready"},
			},
		},
		{
			// EHLO from the client decides on any port.
			name:   "OtherPort",
			port:   2600,
			client: []byte(smtpEHLO),
			server: []byte(smtpGreeting),
			status: Done,
			want:   []streamFact{{'s', "smtp.banner", "foo.com Simple Mail Transfer Service Ready"}},
		},
		{
			name:   "ESMTPWord",
			port:   10025,
			server: []byte("220 relay.trust.nhs.example Microsoft ESMTP MAIL Service ready\r\n"),
			status: Done,
			want:   []streamFact{{'s', "smtp.banner", "relay.trust.nhs.example Microsoft ESMTP MAIL Service ready"}},
		},
		{
			// Without a client line the port alone cannot decide yet.
			name:   "UndecidedOtherPort",
			port:   2600,
			server: []byte(smtpGreeting),
			status: Undecided,
		},
		{
			name:   "ErrFTP",
			port:   25,
			client: []byte(ftpUser),
			server: []byte(ftpGreeting),
			status: NotMine,
		},
		{
			name:   "ErrTLS",
			port:   25,
			client: unhex(t, openssl12Client),
			status: NotMine,
		},
	})
}
