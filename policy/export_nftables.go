package policy

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"strings"
)

// exportNftables writes an nft -f script: one inet table "cordon" (made
// idempotent by deleting it first) with a set of addresses per protected
// zone and per multi-address rule side, and a forward chain that accepts
// established traffic and the rules, then drops anything else to or from
// a protected zone. Other traffic passes untouched (policy accept), so the
// table can sit beside a trust's existing ruleset.
func exportNftables(w io.Writer, x *exportable) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("#!/usr/sbin/nft -f\n")
	bw.WriteString(header(x, "#"))
	bw.WriteString("table inet cordon\ndelete table inet cordon\n\ntable inet cordon {\n")
	zoneSets := make([]string, len(x.protected))
	for i, z := range x.protected {
		zoneSets[i] = ident("zone_", fmt.Sprintf("%d_%s", i+1, z.name), 64)
		nftSet(bw, zoneSets[i], "zone "+z.name, z.addrs)
	}
	side := func(r *xrule, which string, as []netip.Addr) string {
		if len(as) == 1 {
			return as[0].String()
		}
		name := ident("", r.ID+"_"+which, 64)
		nftSet(bw, name, r.summary()+" "+which, as)
		return "@" + name
	}
	type line struct{ src, dst string }
	lines := make([]line, len(x.rules))
	for i := range x.rules {
		r := &x.rules[i]
		lines[i] = line{side(r, "src", r.src), side(r, "dst", r.dst)}
	}
	bw.WriteString("\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n")
	bw.WriteString("\t\tct state established,related accept\n")
	for i := range x.rules {
		r := &x.rules[i]
		fmt.Fprintf(bw, "\t\tip saddr %s ip daddr %s %s dport %d counter accept comment \"%s\"\n",
			lines[i].src, lines[i].dst, r.Proto, r.Port, comment(r.summary(), 120))
	}
	for i, z := range x.protected {
		fmt.Fprintf(bw, "\t\tip saddr @%s counter drop comment \"%s\"\n", zoneSets[i], comment("default deny from zone "+z.name, 120))
		fmt.Fprintf(bw, "\t\tip daddr @%s counter drop comment \"%s\"\n", zoneSets[i], comment("default deny to zone "+z.name, 120))
	}
	bw.WriteString("\t}\n}\n")
	return bw.Flush()
}

func nftSet(bw *bufio.Writer, name, what string, as []netip.Addr) {
	fmt.Fprintf(bw, "\tset %s {\n\t\ttype ipv4_addr\n\t\tcomment \"%s\"\n\t\telements = {\n", name, comment(what, 120))
	for _, c := range chunks(as, 8) {
		parts := make([]string, len(c))
		for i, a := range c {
			parts[i] = a.String()
		}
		fmt.Fprintf(bw, "\t\t\t%s,\n", strings.Join(parts, ", "))
	}
	bw.WriteString("\t\t}\n\t}\n")
}
