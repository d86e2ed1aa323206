package simulate

import (
	"strconv"
	"strings"
)

// SMB sessions of Windows clients: SMB1 to the legacy file server for old
// consoles, SMB2/3 with a file copy for everything newer.

// filetime converts µs since the Unix epoch to a Windows FILETIME.
func filetime(at int64) uint64 { return uint64(at)*10 + 116444736000000000 }

func (g *gen) smbServerOf(s *device) *smbServer {
	st := s.fam.st
	dialect := uint16(0x0311)
	if len(st.dialects) > 0 {
		dialect = st.dialects[len(st.dialects)-1]
	}
	nb := netbiosName(s.hostname)
	return &smbServer{
		ver:     st.ver,
		dialect: dialect,
		id: ntlmIdentity{nbDomain: "NHSTRUST", nbComputer: nb, dnsDomain: domainName,
			dnsComputer: strings.ToLower(s.hostname) + "." + domainName},
		nativeOS: st.nativeOS, nativeLanMan: st.lanman,
	}
}

func (g *gen) smbClientOf(d *device) *smbClient {
	st := d.fam.st
	user := "u" + strconv.Itoa(100000+int(d.h.ip[2])*1000+int(d.h.ip[3]))
	if d.fam.category != "workstation" {
		user = serviceAccount(d.fam.maker)
	}
	return &smbClient{ver: st.ver, dialects: st.dialects, smb1Dialects: smb1Legacy,
		nativeOS: st.nativeOS, nativeLanMan: st.lanman,
		workstation: netbiosName(d.hostname), user: user, domain: "NHSTRUST"}
}

func (g *gen) doSMB(d *device, at int64, count int) {
	st := d.fam.st
	if st.smb1 {
		srv := g.role("fslegacy")
		if srv == nil || srv == d {
			return
		}
		g.smb1Session(d, srv, at)
		return
	}
	srv := g.role("fs")
	if count%3 == 1 {
		if dc := g.role("dc"); dc != nil {
			srv = dc
		}
	}
	if srv == nil || srv == d {
		return
	}
	size := int(float64(20000+g.rng.IntN(300000)) * g.cfg.Bulk)
	// Consoles and clinical stations export to the share; office PCs read.
	write := d.fam.category != "workstation"
	share := `\\` + netbiosName(srv.hostname) + `\Shared`
	name := `reports\discharge_` + strconv.Itoa(g.rng.IntN(100000)) + `.docx`
	if srv.fam.role == "dc" {
		share, name, size, write = `\\`+netbiosName(srv.hostname)+`\SYSVOL`, `nhs-trust.local\Policies\{31B2F340-016D-11D2-945F-00C04FB984F9}\GPT.INI`, 22+g.rng.IntN(40), false
	}
	if write {
		name = `exports\` + d.ae + `_` + strconv.Itoa(g.rng.IntN(100000)) + `.zip`
	}
	g.smb2Session(d, srv, at, share, name, size, write)
}

func (g *gen) smb2Session(d, srv *device, at int64, share, name string, size int, write bool) {
	cl, sv := g.smbClientOf(d), g.smbServerOf(srv)
	cn := g.dial(at, &d.h, &srv.h, 445)
	ft := filetime(cn.t)
	b := smb2NegotiateReq(g.buf[1][:0], g, cl)
	cn.send(true, b)
	dialect := uint16(0x0202)
	for _, x := range cl.dialects {
		if x <= sv.dialect {
			dialect = x
		}
	}
	cn.t += 800
	cn.send(false, smb2NegotiateResp(b[:0], g, sv, dialect, ft))
	session := g.rng.Uint64() | 1
	cn.send(true, smb2SessionSetupReq(b[:0], 1, 0, spnegoInit(ntlmNegotiate(cl.ver))))
	cn.t += 600
	cn.send(false, smb2SessionSetupResp(b[:0], statusMoreProcessing, 1, session, spnegoResp(1, true, ntlmChallenge(g, sv.ver, sv.id, ft))))
	cn.send(true, smb2SessionSetupReq(b[:0], 2, session, spnegoResp(-1, false, ntlmAuthenticate(g, cl.ver, cl.domain, cl.user, cl.workstation, sv.id, ft))))
	cn.t += 2000
	cn.send(false, smb2SessionSetupResp(b[:0], 0, 2, session, spnegoResp(0, false, nil)))
	tree := uint32(1 + g.rng.IntN(8))
	cn.send(true, smb2TreeConnectReq(b[:0], 3, session, share))
	cn.send(false, smb2TreeConnectResp(b[:0], 3, session, tree))
	var fid [16]byte
	copy(fid[:], g.randBytes(nil, 16))
	cn.send(true, smb2CreateReq(b[:0], 4, session, tree, name, write))
	cn.t += 700
	cn.send(false, smb2CreateResp(b[:0], 4, session, tree, fid, uint64(size), ft))
	msg := uint64(5)
	const chunk = 65536
	for off := 0; off < size; off += chunk {
		n := min(chunk, size-off)
		if write {
			g.bulk = smb2WriteReq(g.bulk[:0], msg, session, tree, fid, uint64(off), n, byte(off>>16))
			cn.send(true, g.bulk)
			cn.send(false, smb2WriteResp(b[:0], msg, session, tree, n))
		} else {
			cn.send(true, smb2ReadReq(b[:0], msg, session, tree, fid, uint64(off), uint32(n)))
			cn.t += 300
			g.bulk = smb2ReadResp(g.bulk[:0], msg, session, tree, n, byte(off>>16))
			cn.send(false, g.bulk)
		}
		msg++
	}
	cn.send(true, smb2CloseReq(b[:0], msg, session, tree, fid))
	cn.send(false, smb2CloseResp(b[:0], msg, session, tree))
	g.buf[1] = b
	cn.close()
	g.noteSMB(d, srv)
}

func (g *gen) smb1Session(d, srv *device, at int64) {
	cl, sv := g.smbClientOf(d), g.smbServerOf(srv)
	cn := g.dial(at, &d.h, &srv.h, 445)
	ft := filetime(cn.t)
	b := smb1NegotiateReq(g.buf[1][:0], cl.smb1Dialects)
	cn.send(true, b)
	cn.t += 800
	cn.send(false, smb1NegotiateResp(b[:0], g, len(cl.smb1Dialects)-1, ft))
	cn.send(true, smb1SessionSetupReq(b[:0], 0, 2, spnegoInit(ntlmNegotiate(cl.ver)), cl.nativeOS, cl.nativeLanMan))
	uid := uint16(2048 + g.rng.IntN(4096))
	cn.t += 600
	cn.send(false, smb1SessionSetupResp(b[:0], statusMoreProcessing, uid, 2, spnegoResp(1, true, ntlmChallenge(g, sv.ver, sv.id, ft)), sv.nativeOS, sv.nativeLanMan, "NHSTRUST"))
	cn.send(true, smb1SessionSetupReq(b[:0], uid, 3, spnegoResp(-1, false, ntlmAuthenticate(g, cl.ver, cl.domain, cl.user, cl.workstation, sv.id, ft)), cl.nativeOS, cl.nativeLanMan))
	cn.t += 2000
	cn.send(false, smb1SessionSetupResp(b[:0], 0, uid, 3, spnegoResp(0, false, nil), sv.nativeOS, sv.nativeLanMan, "NHSTRUST"))
	tid := uint16(1 + g.rng.IntN(200))
	cn.send(true, smb1TreeConnectReq(b[:0], uid, 4, `\\`+netbiosName(srv.hostname)+`\IMAGES`))
	cn.send(false, smb1TreeConnectResp(b[:0], tid, uid, 4))
	g.buf[1] = b
	cn.close()
	g.noteSMB(d, srv)
}

func (g *gen) noteSMB(d, srv *device) {
	for _, x := range []*device{d, srv} {
		if x.hostname != "" {
			x.shownHost = true
		}
		if x.fam.st.os.Name != "" {
			x.shownOS = true
		}
		x.noteIP(x.h.ip)
	}
}

// serviceAccount is the account a maker's engineers or software use:
// svc_ and the first word of the maker's name.
func serviceAccount(maker string) string {
	w := strings.Fields(strings.ToLower(maker))
	if len(w) == 0 {
		return "svc_it"
	}
	return "svc_" + strings.Trim(w[0], ".")
}
