package simulate

// SMB2/3 (MS-SMB2) over direct TCP 445 with NetBIOS session framing:
// negotiate (with 3.1.1 negotiate contexts), an NTLM session setup, a tree
// connect, and a file read or write that carries the bulk of the bytes.

const (
	smb2Negotiate    = 0
	smb2SessionSetup = 1
	smb2TreeConnect  = 3
	smb2Create       = 5
	smb2Close        = 6
	smb2Read         = 8
	smb2Write        = 9

	statusMoreProcessing = 0xc0000016
)

// smbClient is how one Windows client speaks SMB.
type smbClient struct {
	ver          winVersion
	dialects     []uint16 // SMB2 dialects offered; nil for SMB1-only clients
	smb1Dialects []string // SMB1 dialect strings offered
	nativeOS     string   // SMB1 session setup NativeOS
	nativeLanMan string
	workstation  string
	user, domain string
}

// smbServer is the server side of a session.
type smbServer struct {
	ver          winVersion
	id           ntlmIdentity
	dialect      uint16 // highest SMB2 dialect it speaks
	nativeOS     string // SMB1 answers
	nativeLanMan string
}

// nbssBegin reserves the 4-byte NetBIOS session header; nbssEnd fills it.
func nbssBegin(b []byte) []byte { return append(b, 0, 0, 0, 0) }

func nbssEnd(b []byte, start int) []byte {
	n := len(b) - start - 4
	b[start], b[start+1], b[start+2], b[start+3] = 0, byte(n>>16), byte(n>>8), byte(n)
	return b
}

func smb2Hdr(b []byte, cmd uint16, status uint32, resp bool, msgID uint64, tree uint32, session uint64) []byte {
	b = append(b, 0xfe, 'S', 'M', 'B')
	b = le16(b, 64)
	b = le16(b, 1) // credit charge
	b = le32(b, status)
	b = le16(b, cmd)
	b = le16(b, 32) // credits requested / granted
	if resp {
		b = le32(b, 1)
	} else {
		b = le32(b, 0)
	}
	b = le32(b, 0) // next command
	b = le64(b, msgID)
	b = le32(b, 0xfeff) // process id
	b = le32(b, tree)
	b = le64(b, session)
	return append(b, make([]byte, 16)...)
}

func padTo8(b []byte, start int) []byte {
	for (len(b)-start)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

func smb2NegotiateReq(b []byte, g *gen, c *smbClient) []byte {
	s := len(b)
	b = nbssBegin(b)
	h := len(b)
	b = smb2Hdr(b, smb2Negotiate, 0, false, 0, 0, 0)
	has311 := false
	for _, d := range c.dialects {
		has311 = has311 || d == 0x0311
	}
	b = le16(b, 36)
	b = le16(b, uint16(len(c.dialects)))
	b = le16(b, 1) // signing enabled
	b = le16(b, 0)
	b = le32(b, 0x7f) // capabilities
	b = g.randBytes(b, 16)
	ctxOffField := len(b)
	b = le64(b, 0) // negotiate context offset/count, or client start time
	for _, d := range c.dialects {
		b = le16(b, d)
	}
	if has311 {
		b = padTo8(b, h)
		off := len(b) - h
		b[ctxOffField] = byte(off)
		b[ctxOffField+1] = byte(off >> 8)
		b[ctxOffField+4] = 2 // count
		b = le16(b, 1)       // preauth integrity: SHA-512 with a 32-byte salt
		b = le16(b, 38)
		b = le32(b, 0)
		b = le16(b, 1)
		b = le16(b, 32)
		b = le16(b, 1)
		b = g.randBytes(b, 32)
		b = padTo8(b, h)
		b = le16(b, 2) // encryption: AES-128-GCM, AES-128-CCM
		b = le16(b, 6)
		b = le32(b, 0)
		b = le16(b, 2)
		b = le16(b, 2)
		b = le16(b, 1)
	}
	return nbssEnd(b, s)
}

func smb2NegotiateResp(b []byte, g *gen, sv *smbServer, dialect uint16, filetime uint64) []byte {
	s := len(b)
	b = nbssBegin(b)
	h := len(b)
	b = smb2Hdr(b, smb2Negotiate, 0, true, 0, 0, 0)
	blob := spnegoServerInit()
	b = le16(b, 65)
	b = le16(b, 1)
	b = le16(b, dialect)
	if dialect == 0x0311 {
		b = le16(b, 2)
	} else {
		b = le16(b, 0)
	}
	b = g.randBytes(b, 16)
	b = le32(b, 0x2f)
	b = le32(b, 8<<20)
	b = le32(b, 8<<20)
	b = le32(b, 8<<20)
	b = le64(b, filetime)
	b = le64(b, 0)
	b = le16(b, 128) // security buffer right after the fixed part
	b = le16(b, uint16(len(blob)))
	ctxOffField := len(b)
	b = le32(b, 0)
	b = append(b, blob...)
	if dialect == 0x0311 {
		b = padTo8(b, h)
		off := len(b) - h
		b[ctxOffField] = byte(off)
		b[ctxOffField+1] = byte(off >> 8)
		b = le16(b, 1)
		b = le16(b, 38)
		b = le32(b, 0)
		b = le16(b, 1)
		b = le16(b, 32)
		b = le16(b, 1)
		b = g.randBytes(b, 32)
		b = padTo8(b, h)
		b = le16(b, 2)
		b = le16(b, 4)
		b = le32(b, 0)
		b = le16(b, 1)
		b = le16(b, 2)
	}
	return nbssEnd(b, s)
}

func smb2SessionSetupReq(b []byte, msgID, session uint64, blob []byte) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb2Hdr(b, smb2SessionSetup, 0, false, msgID, 0, session)
	b = le16(b, 25)
	b = append(b, 0, 1) // flags, security mode: signing enabled
	b = le32(b, 1)      // capabilities: DFS
	b = le32(b, 0)
	b = le16(b, 88)
	b = le16(b, uint16(len(blob)))
	b = le64(b, 0)
	b = append(b, blob...)
	return nbssEnd(b, s)
}

func smb2SessionSetupResp(b []byte, status uint32, msgID, session uint64, blob []byte) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb2Hdr(b, smb2SessionSetup, status, true, msgID, 0, session)
	b = le16(b, 9)
	b = le16(b, 0)
	b = le16(b, 72)
	b = le16(b, uint16(len(blob)))
	b = append(b, blob...)
	return nbssEnd(b, s)
}

func smb2TreeConnectReq(b []byte, msgID, session uint64, path string) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb2Hdr(b, smb2TreeConnect, 0, false, msgID, 0, session)
	p := utf16le(nil, path)
	b = le16(b, 9)
	b = le16(b, 0)
	b = le16(b, 72)
	b = le16(b, uint16(len(p)))
	b = append(b, p...)
	return nbssEnd(b, s)
}

func smb2TreeConnectResp(b []byte, msgID, session uint64, tree uint32) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb2Hdr(b, smb2TreeConnect, 0, true, msgID, tree, session)
	b = le16(b, 16)
	b = append(b, 1, 0) // disk share
	b = le32(b, 0)
	b = le32(b, 0)
	b = le32(b, 0x001f01ff)
	return nbssEnd(b, s)
}

func smb2CreateReq(b []byte, msgID, session uint64, tree uint32, name string, write bool) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb2Hdr(b, smb2Create, 0, false, msgID, tree, session)
	n := utf16le(nil, name)
	b = le16(b, 57)
	b = append(b, 0, 0)
	b = le32(b, 2) // impersonation
	b = le64(b, 0)
	b = le64(b, 0)
	access, disp := uint32(0x00120089), uint32(1) // read; open
	if write {
		access, disp = 0x00130197, 5 // read/write; overwrite-if
	}
	b = le32(b, access)
	b = le32(b, 0x80)
	b = le32(b, 1) // share read
	b = le32(b, disp)
	b = le32(b, 0x40) // non-directory file
	b = le16(b, 120)
	b = le16(b, uint16(len(n)))
	b = le32(b, 0)
	b = le32(b, 0)
	b = append(b, n...)
	return nbssEnd(b, s)
}

func smb2CreateResp(b []byte, msgID, session uint64, tree uint32, fid [16]byte, size uint64, filetime uint64) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb2Hdr(b, smb2Create, 0, true, msgID, tree, session)
	b = le16(b, 89)
	b = append(b, 0, 0)
	b = le32(b, 1) // opened
	for range 4 {
		b = le64(b, filetime)
	}
	b = le64(b, (size+4095)&^4095)
	b = le64(b, size)
	b = le32(b, 0x80)
	b = le32(b, 0)
	b = append(b, fid[:]...)
	b = le32(b, 0)
	b = le32(b, 0)
	return nbssEnd(b, s)
}

func smb2ReadReq(b []byte, msgID, session uint64, tree uint32, fid [16]byte, off uint64, n uint32) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb2Hdr(b, smb2Read, 0, false, msgID, tree, session)
	b = le16(b, 49)
	b = append(b, 0x50, 0)
	b = le32(b, n)
	b = le64(b, off)
	b = append(b, fid[:]...)
	b = le32(b, 1)
	b = le32(b, 0)
	b = le32(b, 0)
	b = le32(b, 0)
	b = append(b, 0)
	return nbssEnd(b, s)
}

func smb2ReadResp(b []byte, msgID, session uint64, tree uint32, n int, fill byte) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb2Hdr(b, smb2Read, 0, true, msgID, tree, session)
	b = le16(b, 17)
	b = append(b, 80, 0)
	b = le32(b, uint32(n))
	b = le32(b, 0)
	b = le32(b, 0)
	b = appendFill(b, n, fill)
	return nbssEnd(b, s)
}

func smb2WriteReq(b []byte, msgID, session uint64, tree uint32, fid [16]byte, off uint64, n int, fill byte) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb2Hdr(b, smb2Write, 0, false, msgID, tree, session)
	b = le16(b, 49)
	b = le16(b, 112)
	b = le32(b, uint32(n))
	b = le64(b, off)
	b = append(b, fid[:]...)
	b = le32(b, 0)
	b = le32(b, 0)
	b = le32(b, 0)
	b = le32(b, 0)
	b = appendFill(b, n, fill)
	return nbssEnd(b, s)
}

func smb2WriteResp(b []byte, msgID, session uint64, tree uint32, n int) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb2Hdr(b, smb2Write, 0, true, msgID, tree, session)
	b = le16(b, 17)
	b = le16(b, 0)
	b = le32(b, uint32(n))
	b = le32(b, 0)
	b = le32(b, 0)
	return nbssEnd(b, s)
}

func smb2CloseReq(b []byte, msgID, session uint64, tree uint32, fid [16]byte) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb2Hdr(b, smb2Close, 0, false, msgID, tree, session)
	b = le16(b, 24)
	b = le16(b, 0)
	b = le32(b, 0)
	b = append(b, fid[:]...)
	return nbssEnd(b, s)
}

func smb2CloseResp(b []byte, msgID, session uint64, tree uint32) []byte {
	s := len(b)
	b = nbssBegin(b)
	b = smb2Hdr(b, smb2Close, 0, true, msgID, tree, session)
	b = le16(b, 60)
	b = le16(b, 0)
	b = le32(b, 0)
	b = append(b, make([]byte, 56)...)
	return nbssEnd(b, s)
}
