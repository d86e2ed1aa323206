package policy

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// Formats lists the export formats, as `--format` takes them.
var Formats = []string{"json", "csv", "nftables", "iptables", "cisco", "panos", "fortigate"}

// ExportOptions chooses the rules an export carries.
type ExportOptions struct {
	// Now leaves out temporary rules that have expired.
	Now time.Time
	// ApprovedOnly leaves out rules still only suggested.
	ApprovedOnly bool
}

// Export writes the policy in one of Formats. Names and comments that came
// from the network or from people (zone names, justifications) are
// sanitised for each format, so a hostile host name cannot break out of a
// comment or a quoted string.
func Export(w io.Writer, p *Policy, format string, opt ExportOptions) error {
	x := prepare(p, opt)
	switch format {
	case "json":
		return exportJSON(w, p, x)
	case "csv":
		return exportCSV(w, x)
	case "nftables":
		return exportNftables(w, x)
	case "iptables":
		return exportIptables(w, x)
	case "cisco":
		return exportCisco(w, x)
	case "panos":
		return exportPANOS(w, x)
	case "fortigate":
		return exportFortiGate(w, x)
	}
	return cordon.Errorf(cordon.EINVALID, "Unknown policy format %q: use %s.", format, strings.Join(Formats, ", "))
}

// exportable is a policy reduced to what a firewall sees: the active
// rules with parsed IPv4 addresses, and the protected zones.
type exportable struct {
	p         *Policy
	generated time.Time
	rules     []xrule
	protected []xzone
}

type xrule struct {
	*Rule
	src, dst []netip.Addr
}

type xzone struct {
	name  string
	addrs []netip.Addr
}

func prepare(p *Policy, opt ExportOptions) *exportable {
	x := &exportable{p: p, generated: p.Generated}
	for i := range p.Rules {
		r := &p.Rules[i]
		if !r.Active(opt.Now) || (opt.ApprovedOnly && r.State != StateApproved) {
			continue
		}
		if r.Proto != "tcp" && r.Proto != "udp" {
			continue
		}
		xr := xrule{Rule: r, src: v4(r.Src), dst: v4(r.Dst)}
		if len(xr.src) == 0 || len(xr.dst) == 0 {
			continue
		}
		x.rules = append(x.rules, xr)
	}
	for _, zn := range p.Zones {
		if zn.Protected {
			if as := v4(zn.Addrs); len(as) > 0 {
				x.protected = append(x.protected, xzone{name: zn.Name, addrs: as})
			}
		}
	}
	return x
}

func v4(ss []string) []netip.Addr {
	var out []netip.Addr
	for _, a := range parseAddrs(ss) {
		if a.Is4() {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return slices.Compact(out)
}

// ident turns a name into an identifier every format accepts: letters,
// digits, '-' and '_' only, starting with a letter, at most max bytes.
func ident(prefix, s string, max int) string {
	var b strings.Builder
	b.WriteString(prefix)
	dash := false
	for _, r := range s {
		ok := r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
		if ok {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if len(out) > max {
		out = out[:max]
	}
	return out
}

// comment makes text safe inside a double-quoted comment of any format:
// printable ASCII only, without quotes, backslashes or the characters some
// shells and CLIs treat specially, at most max bytes.
func comment(s string, max int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		case r < 0x20 || r >= 0x7f, r == '"', r == '\\', r == '\'', r == '`', r == '$', r == ';', r == '#', r == '{', r == '}', r == '[', r == ']', r == '|':
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
		space = false
	}
	out := strings.TrimSpace(b.String())
	if len(out) > max {
		out = strings.TrimSpace(out[:max])
	}
	return out
}

// summary is the one-line description of a rule used in comments.
func (r *xrule) summary() string {
	s := fmt.Sprintf("%s %s to %s %s/%d", r.ID, r.SrcZone, r.DstZone, r.Proto, r.Port)
	if r.App != "" {
		s += " " + r.App
	}
	s += " " + r.State
	if r.Expires != nil {
		s += " expires " + r.Expires.UTC().Format(time.DateOnly)
	}
	return s
}

func header(x *exportable, lead string) string {
	return fmt.Sprintf("%s Cordon segmentation policy, generated %s: %d rules; traffic to or from %d protected zones that no rule allows is dropped.\n",
		lead, x.generated.UTC().Format(time.RFC3339), len(x.rules), len(x.protected))
}

// chunks splits addresses so no single line grows without bound.
func chunks(as []netip.Addr, n int) [][]netip.Addr {
	var out [][]netip.Addr
	for len(as) > n {
		out = append(out, as[:n])
		as = as[n:]
	}
	return append(out, as)
}
