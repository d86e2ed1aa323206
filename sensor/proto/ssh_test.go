package proto

import "testing"

// sshServerIdent: pcaps/ndpi/ssh.pcap frame 4 (21 bytes), 172.16.238.168:22 → 172.16.238.1:58395.
// tshark: SSH Server: Protocol (SSH-2.0-OpenSSH_5.3), ssh.protocol=SSH-2.0-OpenSSH_5.3.
const sshServerIdent = "SSH-2.0-OpenSSH_5.3\r\n"

// sshClientIdent: pcaps/ndpi/ssh.pcap frame 6 (21 bytes), the client's reply.
// tshark: SSH Client: Protocol (SSH-2.0-OpenSSH_5.6), ssh.protocol=SSH-2.0-OpenSSH_5.6.
const sshClientIdent = "SSH-2.0-OpenSSH_5.6\r\n"

// sshClientKexInit: pcaps/ndpi/ssh.pcap frame 8, first 32 of 904 bytes.
// tshark: SSHv2 Client: Key Exchange Init (packet_length 900, padding 10).
const sshClientKexInit = `
00000384 0a 14 1f30f2e6 f8b04f60 cbb5a45c 6cf65b98 00000059 6469
`

func TestSSH(t *testing.T) {
	kex := unhex(t, sshClientKexInit)
	runStreamCases(t, SSH, []streamCase{
		{
			name:   "OpenSSH",
			port:   22,
			client: append([]byte(sshClientIdent), kex...),
			server: []byte(sshServerIdent),
			status: Done,
			want: []streamFact{
				{'c', "ssh.banner", "SSH-2.0-OpenSSH_5.6"},
				{'s', "ssh.banner", "SSH-2.0-OpenSSH_5.3"},
			},
		},
		{
			name:   "ServerOnly",
			port:   2222,
			server: []byte(sshServerIdent),
			status: Mine,
			want:   []streamFact{{'s', "ssh.banner", "SSH-2.0-OpenSSH_5.3"}},
		},
		{
			// RFC 4253 §4.2: a server may send lines before its
			// identification string; a client may not.
			name:   "ServerPreamble",
			port:   22,
			client: []byte("SSH-2.0-PuTTY_Release_0.78\r\n"),
			server: []byte("Authorised users only\r\nSSH-2.0-dropbear_2019.78\r\n"),
			status: Done,
			want: []streamFact{
				{'c', "ssh.banner", "SSH-2.0-PuTTY_Release_0.78"},
				{'s', "ssh.banner", "SSH-2.0-dropbear_2019.78"},
			},
		},
		{
			name:   "Comment",
			port:   22,
			client: []byte("SSH-2.0-Go\r\n"),
			server: []byte("SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7\n"),
			status: Done,
			want: []streamFact{
				{'c', "ssh.banner", "SSH-2.0-Go"},
				{'s', "ssh.banner", "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7"},
			},
		},
		{
			name:   "ErrNotSSHClient",
			port:   22,
			client: []byte("GET / HTTP/1.1\r\n\r\n"),
			server: []byte(sshServerIdent),
			status: NotMine,
		},
		{
			name:   "ErrFTPServer",
			port:   22,
			client: []byte("USER anonymous\r\n"),
			server: []byte("220 (vsFTPd 3.0.3)\r\n"),
			status: NotMine,
		},
	})
}
