package policy

import (
	"bufio"
	"fmt"
	"io"
)

// exportCisco writes a Cisco IOS named extended ACL. ACLs are stateless,
// so TCP replies pass by "established" and each UDP rule gets its reply
// line; after the rules, each protected address is denied both ways and
// everything else permitted. Remarks are limited to 100 characters.
func exportCisco(w io.Writer, x *exportable) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(header(x, "!"))
	bw.WriteString("ip access-list extended CORDON-POLICY\n")
	bw.WriteString(" remark replies to connections the rules allow\n permit tcp any any established\n")
	for i := range x.rules {
		r := &x.rules[i]
		fmt.Fprintf(bw, " remark %s\n", comment(r.summary(), 90))
		for _, s := range r.src {
			for _, d := range r.dst {
				fmt.Fprintf(bw, " permit %s host %s host %s eq %d\n", r.Proto, s, d, r.Port)
				if r.Proto == "udp" {
					fmt.Fprintf(bw, " permit udp host %s eq %d host %s\n", d, r.Port, s)
				}
			}
		}
	}
	for _, z := range x.protected {
		fmt.Fprintf(bw, " remark %s\n", comment("default deny around zone "+z.name, 90))
		for _, a := range z.addrs {
			fmt.Fprintf(bw, " deny ip host %s any log\n deny ip any host %s log\n", a, a)
		}
	}
	bw.WriteString(" remark traffic outside the protected zones is not this ACL's business\n permit ip any any\n")
	return bw.Flush()
}
