package proto

import "bytes"

// SSH recognises an SSH connection by its identification strings (RFC 4253
// §4.2: "SSH-protoversion-softwareversion SP comments CR LF") and emits
// ssh.banner about each side that sends one. Everything after the
// identification strings is key exchange and then ciphertext, so the
// dissector is done once it has both.
var SSH = StreamDissector{
	Name:  "ssh",
	Ports: []uint16{22},
	Parse: parseSSH,
}

// sshMaxIdent is the longest identification string RFC 4253 allows,
// including the CR LF.
const sshMaxIdent = 255

// sshMaxPreLines bounds the lines of text a server may send before its
// identification string (RFC 4253 §4.2 allows them; few servers do it).
const sshMaxPreLines = 8

func parseSSH(s *Stream, e Emitter) Status {
	cst, cid := sshIdent(s.ClientData, false)
	sst, sid := sshIdent(s.ServerData, true)
	switch {
	case cst == NotMine:
		return NotMine
	case cst == Undecided && sst == NotMine:
		// A server that is not SSH makes the stream not SSH, whatever
		// the client might yet send.
		return NotMine
	case cst == Undecided && sst == Undecided:
		if s.Closed {
			return NotMine
		}
		return Undecided
	}
	if cid != nil {
		e.Emit(s.Client, "ssh.banner", Clean(cid))
	}
	if sid != nil {
		e.Emit(s.Server, "ssh.banner", Clean(sid))
	}
	if cst == Mine && sst != Undecided || s.Closed {
		return Done
	}
	return Mine
}

// sshIdent finds the identification string in one direction. It returns
// Mine and the string (without CR LF) once found, Undecided while it may
// still come, and NotMine when the bytes cannot hold one. Only a server may
// send other lines first.
func sshIdent(b []byte, server bool) (Status, []byte) {
	rest := b
	for n := 0; n <= sshMaxPreLines; n++ {
		if !prefixOf(rest, "SSH-") && (!server || n == sshMaxPreLines) {
			return NotMine, nil
		}
		line, r, ok := bannerLine(rest)
		if !ok {
			if len(rest) >= sshMaxIdent && prefixOf(rest, "SSH-") || len(rest) >= maxBannerLine {
				return NotMine, nil
			}
			if t := bytes.TrimSuffix(rest, []byte("\r")); len(t) > 0 && !prefixOf(t, "SSH-") && !bannerText(t) {
				return NotMine, nil
			}
			return Undecided, nil
		}
		if prefixOf(line, "SSH-") && len(line) >= 4 {
			if len(line) >= sshMaxIdent || !bannerText(line) {
				return NotMine, nil
			}
			return Mine, line
		}
		if !server || len(line) > 0 && !bannerText(line) {
			return NotMine, nil
		}
		rest = r
	}
	return NotMine, nil
}
