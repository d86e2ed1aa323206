package simulate

// SMB1 (MS-CIFS/MS-SMB) as old Windows clients still speak it: negotiate NT
// LM 0.12 with extended security, session setup AndX carrying NTLMSSP and
// the NativeOS / NativeLanMan strings, and a tree connect.

const (
	smb1Negotiate    = 0x72
	smb1SessionSetup = 0x73
	smb1TreeConnect  = 0x75
)

func smb1Hdr(b []byte, cmd byte, status uint32, resp bool, tid, uid, mid uint16) []byte {
	b = append(b, 0xff, 'S', 'M', 'B', cmd)
	b = le32(b, status)
	if resp {
		b = append(b, 0x98)
	} else {
		b = append(b, 0x18)
	}
	b = le16(b, 0xc807) // unicode, NT status, extended security, signatures, EAs, long names
	b = le16(b, 0)
	b = append(b, make([]byte, 8)...)
	b = le16(b, 0)
	b = le16(b, tid)
	b = le16(b, 0xfeff)
	b = le16(b, uid)
	return le16(b, mid)
}

// smb1Strings appends UTF-16 strings, each NUL-terminated, after aligning
// to an even offset from the SMB header at h.
func smb1Strings(b []byte, h int, ss ...string) []byte {
	if (len(b)-h)&1 == 1 {
		b = append(b, 0)
	}
	for _, s := range ss {
		b = utf16le(b, s)
		b = append(b, 0, 0)
	}
	return b
}

// setByteCount writes the byte count at off covering everything after it.
func setByteCount(b []byte, off int) {
	n := len(b) - off - 2
	b[off], b[off+1] = byte(n), byte(n>>8)
}

func smb1NegotiateReq(b []byte, dialects []string) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb1Hdr(b, smb1Negotiate, 0, false, 0, 0, 0)
	b = append(b, 0)
	bc := len(b)
	b = le16(b, 0)
	for _, d := range dialects {
		b = append(b, 2)
		b = append(b, d...)
		b = append(b, 0)
	}
	setByteCount(b, bc)
	return nbssEnd(b, s)
}

func smb1NegotiateResp(b []byte, g *gen, index int, filetime uint64) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb1Hdr(b, smb1Negotiate, 0, true, 0, 0, 0)
	b = append(b, 17)
	b = le16(b, uint16(index))
	b = append(b, 0x03) // user security, encrypt passwords
	b = le16(b, 50)
	b = le16(b, 1)
	b = le32(b, 16644)
	b = le32(b, 65536)
	b = le32(b, 0)
	b = le32(b, 0x8001f3fd) // extended security, unicode, NT SMBs, status32 …
	b = le64(b, filetime)
	b = le16(b, 0)
	b = append(b, 0) // challenge length: 0 with extended security
	bc := len(b)
	b = le16(b, 0)
	b = g.randBytes(b, 16) // server GUID
	b = append(b, spnegoServerInit()...)
	setByteCount(b, bc)
	return nbssEnd(b, s)
}

func smb1SessionSetupReq(b []byte, uid, mid uint16, blob []byte, nativeOS, lanman string) []byte {
	s := len(b)
	b = nbssBegin(b)
	h := len(b)
	b = smb1Hdr(b, smb1SessionSetup, 0, false, 0, uid, mid)
	b = append(b, 12, 0xff, 0)
	b = le16(b, 0)
	b = le16(b, 16644)
	b = le16(b, 50)
	b = le16(b, 0)
	b = le32(b, 0)
	b = le16(b, uint16(len(blob)))
	b = le32(b, 0)
	b = le32(b, 0x800000d4)
	bc := len(b)
	b = le16(b, 0)
	b = append(b, blob...)
	b = smb1Strings(b, h, nativeOS, lanman)
	setByteCount(b, bc)
	return nbssEnd(b, s)
}

func smb1SessionSetupResp(b []byte, status uint32, uid, mid uint16, blob []byte, nativeOS, lanman, domain string) []byte {
	s := len(b)
	b = nbssBegin(b)
	h := len(b)
	b = smb1Hdr(b, smb1SessionSetup, status, true, 0, uid, mid)
	b = append(b, 4, 0xff, 0)
	b = le16(b, 0)
	b = le16(b, 0)
	b = le16(b, uint16(len(blob)))
	bc := len(b)
	b = le16(b, 0)
	b = append(b, blob...)
	b = smb1Strings(b, h, nativeOS, lanman, domain)
	setByteCount(b, bc)
	return nbssEnd(b, s)
}

func smb1TreeConnectReq(b []byte, uid, mid uint16, path string) []byte {
	s := len(b)
	b = nbssBegin(b)
	h := len(b)
	b = smb1Hdr(b, smb1TreeConnect, 0, false, 0, uid, mid)
	b = append(b, 4, 0xff, 0)
	b = le16(b, 0)
	b = le16(b, 0x0008) // extended response
	b = le16(b, 1)
	bc := len(b)
	b = le16(b, 0)
	b = append(b, 0) // empty password
	b = smb1Strings(b, h, path)
	b = append(b, "?????\x00"...)
	setByteCount(b, bc)
	return nbssEnd(b, s)
}

func smb1TreeConnectResp(b []byte, tid, uid, mid uint16) []byte {
	s := len(b)
	b = nbssBegin(b)
	h := len(b)
	b = smb1Hdr(b, smb1TreeConnect, 0, true, tid, uid, mid)
	b = append(b, 7, 0xff, 0)
	b = le16(b, 0)
	b = le16(b, 0x0001)
	b = le32(b, 0x001f01ff)
	b = le32(b, 0)
	bc := len(b)
	b = le16(b, 0)
	b = append(b, "A:\x00"...)
	b = smb1Strings(b, h, "NTFS")
	setByteCount(b, bc)
	return nbssEnd(b, s)
}
