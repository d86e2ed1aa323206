package proto

import "testing"

// The capture corpus holds no POP3; this greeting is the example of RFC
// 1939 §7, checked with text2pcap and tshark: pop.response.indicator=+OK,
// pop.response.description="POP3 server ready <1896.697170952@dbc.mtview.ca.us>".
const pop3Greeting = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"

func TestPOP3(t *testing.T) {
	runStreamCases(t, POP3, []streamCase{
		{
			name:   "RFC1939",
			port:   110,
			client: []byte("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
			server: []byte(pop3Greeting),
			status: Done,
			want:   []streamFact{{'s', "pop3.banner", "POP3 server ready"}},
		},
		{
			name:   "Dovecot",
			port:   110,
			server: []byte("+OK Dovecot (Debian) ready.\r\n"),
			status: Done,
			want:   []streamFact{{'s', "pop3.banner", "Dovecot (Debian) ready."}},
		},
		{
			name:   "OtherPortCAPA",
			port:   1110,
			client: []byte("CAPA\r\n"),
			server: []byte("+OK Dovecot ready.\r\n"),
			status: Done,
			want:   []streamFact{{'s', "pop3.banner", "Dovecot ready."}},
		},
		{
			// Redis answers "+OK" too, but only to a command.
			name:   "ErrRedis",
			port:   6379,
			client: []byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"),
			server: []byte("+OK\r\n"),
			status: NotMine,
		},
		{
			name:   "ErrIMAP",
			port:   110,
			server: []byte("* OK IMAP4rev1 Service Ready\r\n"),
			status: NotMine,
		},
	})
}
