package policy

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
)

// exportIptables writes an iptables-restore file for the filter table: a
// CORDON chain jumped to from FORWARD, accepting established traffic and
// the rules, then dropping anything else to or from a protected zone.
// Apply it with `iptables-restore --noflush` to leave other chains alone.
// iptables has no sets without ipset, so each rule's addresses are written
// as comma lists of at most 16, which iptables expands.
func exportIptables(w io.Writer, x *exportable) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(header(x, "#"))
	bw.WriteString("# Apply with: iptables-restore --noflush FILE\n")
	bw.WriteString("*filter\n:CORDON - [0:0]\n")
	bw.WriteString("-A FORWARD -j CORDON\n")
	bw.WriteString("-A CORDON -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n")
	for i := range x.rules {
		r := &x.rules[i]
		c := comment(r.summary(), 200)
		for _, s := range chunks(r.src, 16) {
			for _, d := range chunks(r.dst, 16) {
				fmt.Fprintf(bw, "-A CORDON -s %s -d %s -p %s -m %s --dport %d -m comment --comment \"%s\" -j ACCEPT\n",
					list(s), list(d), r.Proto, r.Proto, r.Port, c)
			}
		}
	}
	for _, z := range x.protected {
		for _, as := range chunks(z.addrs, 16) {
			fmt.Fprintf(bw, "-A CORDON -s %s -m comment --comment \"%s\" -j DROP\n", list(as), comment("default deny from zone "+z.name, 200))
			fmt.Fprintf(bw, "-A CORDON -d %s -m comment --comment \"%s\" -j DROP\n", list(as), comment("default deny to zone "+z.name, 200))
		}
	}
	bw.WriteString("COMMIT\n")
	return bw.Flush()
}

func list(as []netip.Addr) string {
	b := make([]byte, 0, len(as)*16)
	for i, a := range as {
		if i > 0 {
			b = append(b, ',')
		}
		b = a.AppendTo(b)
		b = append(b, "/32"...)
	}
	return string(b)
}
