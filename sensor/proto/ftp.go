package proto

// FTP recognises an FTP control connection by its server greeting (RFC 959
// §4.2: "220 text", possibly over several "220-" lines) and emits ftp.banner
// about the server. FTP and SMTP greet alike; see replyKind for how they are
// told apart. Nothing the client sends is emitted: its USER and PASS lines
// hold credentials, which are only matched against the known default pairs
// (ftpLogin, credentials.go) for credential.default.
var FTP = StreamDissector{
	Name:  "ftp",
	Ports: []uint16{21},
	Parse: parseFTP,
}

func parseFTP(s *Stream, e Emitter) Status {
	if st := parseReplyBanner(s, e, replyFTP, "ftp.banner"); st != Done {
		return st
	}
	return ftpLogin(s, e)
}
