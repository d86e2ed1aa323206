package proto

// SMTP recognises an SMTP session by its server greeting (RFC 5321 §4.2:
// "220 domain ESMTP text", possibly over several "220-" lines) and emits
// smtp.banner about the server. FTP and SMTP greet alike; see replyKind for
// how they are told apart. Mail content is never read: the dissector is done
// once the greeting is.
var SMTP = StreamDissector{
	Name:  "smtp",
	Ports: []uint16{25, 587},
	Parse: parseSMTP,
}

func parseSMTP(s *Stream, e Emitter) Status {
	return parseReplyBanner(s, e, replySMTP, "smtp.banner")
}
