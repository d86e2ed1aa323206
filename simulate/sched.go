package simulate

// Scheduling: each device has a list of tasks, each firing first at a
// random moment early in the capture (so every device shows its identity
// evidence even in a short capture) and then periodically with jitter.

type taskKind uint8

const (
	kARP taskKind = iota
	kDHCP
	kNBNS
	kLLMNR
	kDHCPv6
	kSSDPSearch
	kDNS
	kMDNS
	kLLDP
	kCDP
	kSNMP
	kDICOMStore
	kDICOMWorklist
	kDICOMQuery
	kHL7
	kPDE
	kSMB
	kLDAP
	kTLS
	kWinUpdate
	kPrint
	kWeb
	kSSH
	kTelnet
	kFTP
	kRDP
	kBigDNS
	kSSDPNotify
	kHTTPClient
)

type task struct {
	kind  taskKind
	next  int64 // µs offset of the next run
	every int64 // mean µs between runs; 0: once
	count int
}

const minute = int64(60e6)

// schedule fills d.tasks from its family and stack.
func (g *gen) schedule(d *device) {
	f, st := d.fam, d.fam.st
	local := !d.routed
	early := min(10*minute, g.stop*3/4)
	add := func(k taskKind, first, every int64) {
		d.tasks = append(d.tasks, task{kind: k, next: first, every: every})
	}
	soon := func(within int64) int64 { return g.rng.Int64N(max(min(within, early), 1)) }
	if local {
		add(kARP, soon(2*minute), 15*minute)
		if st.dhcp != nil {
			add(kDHCP, soon(5*minute), 40*minute)
		}
		if st.windows && d.hostname != "" {
			add(kNBNS, soon(5*minute), 60*minute)
			if st.dhcp != nil {
				add(kLLMNR, soon(20*minute), 20*minute)
				add(kDHCPv6, soon(5*minute), 0)
			}
			if st.dhcp != nil && len(st.dialects) > 0 {
				add(kSSDPSearch, soon(30*minute), 30*minute)
			}
		}
		if len(f.mdns) > 0 {
			add(kMDNS, soon(3*minute), 10*minute)
		}
		if f.lldp != nil {
			every := minute
			if f.lldp.med != nil {
				every = 2 * minute
			}
			add(kLLDP, soon(every), every)
		}
		if f.cdp != nil {
			add(kCDP, soon(minute), minute)
		}
		if f.ssdp != "" {
			add(kSSDPNotify, soon(5*minute), 15*minute)
		}
	}
	if f.ua != "" || (st.windows && st.dhcp != nil) {
		add(kHTTPClient, soon(10*minute), 30*minute)
	}
	if (st.windows && st.dhcp != nil) || len(f.sni) > 0 {
		add(kDNS, soon(10*minute), 10*minute)
	}
	if f.snmp != nil && d.fam.role != "nms" {
		add(kSNMP, soon(5*minute), 5*minute)
	}
	if f.role == "nms" {
		add(kBigDNS, soon(30*minute), 30*minute)
	}
	if dc := f.dicom; dc != nil && !dc.scp {
		if dc.query {
			add(kDICOMQuery, soon(10*minute), 10*minute)
		} else {
			add(kDICOMStore, soon(10*minute), 40*minute)
			if dc.worklist {
				add(kDICOMWorklist, soon(10*minute), 15*minute)
			}
		}
	}
	if f.hl7 != nil {
		every := int64(f.hl7.every) * minute
		add(kHL7, soon(every), every)
	}
	if f.pde {
		add(kPDE, soon(2*minute), 2*minute)
	}
	if f.smb {
		add(kSMB, soon(10*minute), 45*minute)
		if st.dhcp != nil {
			add(kLDAP, soon(10*minute), 60*minute)
		}
	}
	if len(f.sni) > 0 {
		add(kTLS, soon(15*minute), 20*minute)
	}
	if f.winUpdate {
		add(kWinUpdate, g.rng.Int64N(4*60*minute), 240*minute)
	}
	if f.print {
		add(kPrint, g.rng.Int64N(2*60*minute), 120*minute)
	}
	if f.web != nil {
		add(kWeb, soon(15*minute), 30*minute)
	}
	if f.ssh != "" {
		add(kSSH, soon(15*minute), 30*minute)
	}
	if f.tel != "" {
		add(kTelnet, soon(20*minute), 60*minute)
	}
	if f.ftp != "" {
		add(kFTP, soon(20*minute), 60*minute)
	}
	if f.rdp {
		add(kRDP, soon(30*minute), 90*minute)
	}
}

// runDevice runs every task of d due before end (an offset in µs).
func (g *gen) runDevice(d *device, end int64) {
	for i := range d.tasks {
		t := &d.tasks[i]
		for t.next < end && t.next < g.stop {
			g.runTask(d, t, g.at(t.next))
			t.count++
			if t.every == 0 {
				t.next = 1 << 62
				break
			}
			t.next += g.jitter(t.every)
		}
	}
}

func (g *gen) runTask(d *device, t *task, at int64) {
	switch t.kind {
	case kARP:
		g.doARP(d, at, t.count)
	case kDHCP:
		g.doDHCP(d, at, t.count)
	case kNBNS:
		g.doNBNS(d, at)
	case kLLMNR:
		g.doLLMNR(d, at)
	case kDHCPv6:
		g.doDHCPv6(d, at)
	case kSSDPSearch:
		g.doSSDPSearch(d, at)
	case kDNS:
		g.doDNS(d, at, t.count)
	case kMDNS:
		g.doMDNS(d, at)
	case kLLDP:
		g.doLLDP(d, at)
	case kCDP:
		g.doCDP(d, at)
	case kSNMP:
		g.doSNMP(d, at)
	case kDICOMStore:
		g.doDICOMStore(d, at)
	case kDICOMWorklist:
		g.doDICOMWorklist(d, at)
	case kDICOMQuery:
		g.doDICOMQuery(d, at)
	case kHL7:
		g.doHL7(d, at, t.count)
	case kPDE:
		g.doPDE(d, at)
	case kSMB:
		g.doSMB(d, at, t.count)
	case kLDAP:
		g.doLDAP(d, at)
	case kTLS:
		g.doTLS(d, at, t.count)
	case kWinUpdate:
		g.doWinUpdate(d, at)
	case kPrint:
		g.doPrint(d, at)
	case kWeb:
		g.doWeb(d, at)
	case kSSH:
		g.doSSH(d, at)
	case kTelnet:
		g.doTelnet(d, at)
	case kFTP:
		g.doFTP(d, at)
	case kRDP:
		g.doRDP(d, at)
	case kBigDNS:
		g.doBigDNS(d, at)
	case kSSDPNotify:
		g.doSSDPNotify(d, at)
	case kHTTPClient:
		g.doHTTPClient(d, at)
	}
}
