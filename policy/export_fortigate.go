package policy

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"strings"
)

// exportFortiGate writes FortiOS CLI: firewall addresses, address groups,
// custom services, then policies (new IDs with "edit 0") accepting the
// rules and denying the rest around the protected zones. Quoted strings
// are sanitised, names at most 79 characters.
func exportFortiGate(w io.Writer, x *exportable) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(header(x, "#"))
	var hosts []netip.Addr
	seen := map[netip.Addr]bool{}
	collect := func(as []netip.Addr) {
		for _, a := range as {
			if !seen[a] {
				seen[a] = true
				hosts = append(hosts, a)
			}
		}
	}
	for _, z := range x.protected {
		collect(z.addrs)
	}
	for _, r := range x.rules {
		collect(r.src)
		collect(r.dst)
	}
	bw.WriteString("config firewall address\n")
	for _, a := range hosts {
		fmt.Fprintf(bw, "    edit \"h-%s\"\n        set subnet %s 255.255.255.255\n    next\n", a, a)
	}
	bw.WriteString("end\n")
	zones := make([]string, len(x.protected))
	bw.WriteString("config firewall addrgrp\n")
	for i, z := range x.protected {
		zones[i] = ident("zone-", fmt.Sprintf("%d-%s", i+1, z.name), 79)
		fmt.Fprintf(bw, "    edit \"%s\"\n        set member %s\n        set comment \"%s\"\n    next\n", zones[i], quotedHosts(z.addrs), comment("zone "+z.name, 255))
	}
	bw.WriteString("end\n")
	bw.WriteString("config firewall service custom\n")
	services := map[string]bool{}
	for _, r := range x.rules {
		svc := fmt.Sprintf("cordon-%s-%d", r.Proto, r.Port)
		if !services[svc] {
			services[svc] = true
			fmt.Fprintf(bw, "    edit \"%s\"\n        set %s-portrange %d\n    next\n", svc, r.Proto, r.Port)
		}
	}
	bw.WriteString("end\n")
	bw.WriteString("config firewall policy\n")
	policy := func(name, src, dst, svc, action, note string) {
		fmt.Fprintf(bw, "    edit 0\n        set name \"%s\"\n        set srcintf \"any\"\n        set dstintf \"any\"\n", name)
		fmt.Fprintf(bw, "        set srcaddr %s\n        set dstaddr %s\n        set action %s\n        set schedule \"always\"\n", src, dst, action)
		fmt.Fprintf(bw, "        set service %s\n        set logtraffic all\n        set comments \"%s\"\n    next\n", svc, comment(note, 1000))
	}
	for _, r := range x.rules {
		policy("cordon-"+r.ID, quotedHosts(r.src), quotedHosts(r.dst), fmt.Sprintf("\"cordon-%s-%d\"", r.Proto, r.Port), "accept", r.summary()+": "+r.Justification)
	}
	for i, z := range x.protected {
		policy(fmt.Sprintf("cordon-deny-from-%d", i+1), `"`+zones[i]+`"`, `"all"`, `"ALL"`, "deny", "default deny from zone "+z.name)
		policy(fmt.Sprintf("cordon-deny-to-%d", i+1), `"all"`, `"`+zones[i]+`"`, `"ALL"`, "deny", "default deny to zone "+z.name)
	}
	bw.WriteString("end\n")
	return bw.Flush()
}

func quotedHosts(as []netip.Addr) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = `"h-` + a.String() + `"`
	}
	return strings.Join(parts, " ")
}
