package proto

import "testing"

// ftpGreeting: pcaps/ndpi/ftp_failed.pcap frame 4 (20 bytes), [2a00:800:1010::1]:21 → client 44724.
// tshark: FTP Response: 220 (vsFTPd 3.0.3), ftp.response.code=220, ftp.response.arg=(vsFTPd 3.0.3).
const ftpGreeting = "220 (vsFTPd 3.0.3)\r\n"

// ftpUser: pcaps/ndpi/ftp_failed.pcap frame 6 (12 bytes), the client's first command.
// tshark: FTP Request: USER hello.
const ftpUser = "USER hello\r\n"

// ftpMultiline is a multi-line greeting as RFC 959 §4.2 describes it (the
// middle line need not repeat the code), in the shape FileZilla Server sends.
const ftpMultiline = "220-FileZilla Server 0.9.60 beta\r\n" +
	"Unauthorised access is prohibited.\r\n" +
	"220 Please visit https://filezilla-project.org/\r\n"

func TestFTP(t *testing.T) {
	runStreamCases(t, FTP, []streamCase{
		{
			name:   "vsFTPd",
			port:   21,
			client: []byte(ftpUser),
			server: []byte(ftpGreeting),
			status: Done,
			want:   []streamFact{{'s', "ftp.banner", "(vsFTPd 3.0.3)"}},
		},
		{
			name:   "GreetingOnly",
			port:   21,
			server: []byte(ftpGreeting),
			status: Mine,
			want:   []streamFact{{'s', "ftp.banner", "(vsFTPd 3.0.3)"}},
		},
		{
			// "FTP" in the greeting is enough on another port.
			name:   "OtherPort",
			port:   2100,
			server: []byte("220 Microsoft FTP Service\r\n"),
			status: Mine,
			want:   []streamFact{{'s', "ftp.banner", "Microsoft FTP Service"}},
		},
		{
			// So is a file client's first command.
			name:   "OtherPortUser",
			port:   5021,
			client: []byte("AUTH TLS\r\n"),
			server: []byte("220 Service ready for new user.\r\n"),
			status: Done,
			want:   []streamFact{{'s', "ftp.banner", "Service ready for new user."}},
		},
		{
			name:   "Multiline",
			port:   21,
			server: []byte(ftpMultiline),
			status: Mine,
			want: []streamFact{
				{'s', "ftp.banner", "FileZilla Server 0.9.60 beta"},
				{'s', "ftp.banner", "Please visit https://filezilla-project.org/"},
			},
		},
		{
			name:   "ErrUnknownPort",
			port:   4000,
			client: []byte("HELP\r\n"),
			server: []byte("220 Service ready\r\n"),
			status: NotMine,
		},
		{
			name:   "ErrSMTP",
			port:   21,
			client: []byte("EHLO client.example\r\n"),
			server: []byte("220 mx.example ESMTP\r\n"),
			status: NotMine,
		},
		{
			name:   "ErrHTTPOnFTPPort",
			port:   21,
			client: []byte("GET / HTTP/1.0\r\n\r\n"),
			server: []byte("HTTP/1.0 200 OK\r\n\r\n"),
			status: NotMine,
		},
		{
			name:   "ErrNotAGreeting",
			port:   21,
			server: []byte("530 Please login with USER and PASS.\r\n"),
			status: NotMine,
		},
	})
}
