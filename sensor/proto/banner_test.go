package proto

import "testing"

func TestReplyGreeting(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		code        int
		first, last string
		status      Status
	}{
		{"OK", "220 (vsFTPd 3.0.3)\r\n", 220, "(vsFTPd 3.0.3)", "(vsFTPd 3.0.3)", Mine},
		{"BareLF", "220 ready\n", 220, "ready", "ready", Mine},
		{"CodeOnly", "220\r\n", 220, "", "", Mine},
		{"Multiline", smtpMultiline, 220, "mail.example.org ESMTP Postfix (Debian/GNU)", "mail.example.org ESMTP ready", Mine},
		{"FreeMiddle", ftpMultiline, 220, "FileZilla Server 0.9.60 beta", "Please visit https://filezilla-project.org/", Mine},
		{"Short", "22", 0, "", "", Undecided},
		{"Incomplete", "220 (vsFTPd", 0, "", "", Undecided},
		{"IncompleteMultiline", "220-first\r\n220-sec", 220, "first", "first", Undecided},
		{"ErrLetters", "HTTP/1.1 200 OK\r\n", 0, "", "", NotMine},
		{"ErrCode", "620 nope\r\n", 0, "", "", NotMine},
		{"ErrSeparator", "220x\r\n", 0, "", "", NotMine},
		{"ErrBinary", "220 \x00\x01\x02\r\n", 0, "", "", NotMine},
		{"ErrTooLong", "220 " + string(make([]byte, maxBannerLine)), 0, "", "", NotMine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, first, last, st := replyGreeting([]byte(tt.in))
			if st != tt.status || code != tt.code || string(first) != tt.first || string(last) != tt.last {
				t.Errorf("replyGreeting = %d %q %q %s, want %d %q %q %s",
					code, first, last, statusName(st), tt.code, tt.first, tt.last, statusName(tt.status))
			}
		})
	}
}

// bannerDissectors are the dissectors FuzzBanner runs.
var bannerDissectors = []StreamDissector{FTP, SMTP, POP3, IMAP, Telnet, SSH}

// FuzzBanner runs the banner dissectors (and SSH) over arbitrary
// conversations; see fuzzStreamInput for the input's layout.
func FuzzBanner(f *testing.F) {
	f.Add(fuzzStreamSeed(0, []byte(ftpUser), []byte(ftpGreeting)))
	f.Add(fuzzStreamSeed(0, nil, []byte(ftpMultiline)))
	f.Add(fuzzStreamSeed(0, []byte(smtpEHLO), []byte(smtpMultiline)))
	f.Add(fuzzStreamSeed(0, []byte("CAPA\r\n"), []byte(pop3Greeting)))
	f.Add(fuzzStreamSeed(0, nil, []byte(imapDovecot)))
	f.Add(fuzzStreamSeed(0, unhex(f, telnetClient), unhex(f, telnetServer)))
	f.Add(fuzzStreamSeed(0, nil, []byte("\r\n\r\nUser Access Verification\r\n\r\nUsername: ")))
	f.Add(fuzzStreamSeed(0, []byte(sshClientIdent), []byte(sshServerIdent)))
	f.Add(fuzzStreamSeed(0, []byte("SSH-2.0-PuTTY\r\n"), []byte("Authorised users only\r\nSSH-2.0-dropbear\r\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range bannerDissectors {
			fuzzStreamInput(t, d, data)
		}
	})
}
