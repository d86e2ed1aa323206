package policy

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"strings"
)

// exportPANOS writes PAN-OS configuration-mode set commands: an address
// object per host, address groups per protected zone and per rule side, a
// service per port, allow rules, then deny rules around the protected
// zones. Names are at most 63 characters of letters, digits, '.', '-'
// and '_'; descriptions are quoted and sanitised.
func exportPANOS(w io.Writer, x *exportable) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(header(x, "#"))
	seen := map[netip.Addr]bool{}
	addr := func(as []netip.Addr) {
		for _, a := range as {
			if !seen[a] {
				seen[a] = true
				fmt.Fprintf(bw, "set address h-%s ip-netmask %s/32\n", a, a)
			}
		}
	}
	group := func(name string, as []netip.Addr) string {
		if len(as) == 1 {
			return "h-" + as[0].String()
		}
		fmt.Fprintf(bw, "set address-group %s static [ %s ]\n", name, hostNames(as))
		return name
	}
	zones := make([]string, len(x.protected))
	for i, z := range x.protected {
		addr(z.addrs)
		zones[i] = group(ident("zone-", fmt.Sprintf("%d-%s", i+1, z.name), 63), z.addrs)
	}
	services := map[string]bool{}
	for i := range x.rules {
		r := &x.rules[i]
		addr(r.src)
		addr(r.dst)
		src := group(ident("", r.ID+"-src", 63), r.src)
		dst := group(ident("", r.ID+"-dst", 63), r.dst)
		svc := fmt.Sprintf("svc-%s-%d", r.Proto, r.Port)
		if !services[svc] {
			services[svc] = true
			fmt.Fprintf(bw, "set service %s protocol %s port %d\n", svc, r.Proto, r.Port)
		}
		fmt.Fprintf(bw, "set rulebase security rules cordon-%s from any to any source %s destination %s application any service %s action allow description \"%s\"\n",
			r.ID, src, dst, svc, comment(r.summary()+": "+r.Justification, 1000))
	}
	for i, z := range x.protected {
		fmt.Fprintf(bw, "set rulebase security rules cordon-deny-from-%d from any to any source %s destination any application any service any action deny description \"%s\"\n",
			i+1, zones[i], comment("default deny from zone "+z.name, 1000))
		fmt.Fprintf(bw, "set rulebase security rules cordon-deny-to-%d from any to any source any destination %s application any service any action deny description \"%s\"\n",
			i+1, zones[i], comment("default deny to zone "+z.name, 1000))
	}
	return bw.Flush()
}

func hostNames(as []netip.Addr) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = "h-" + a.String()
	}
	return strings.Join(parts, " ")
}
