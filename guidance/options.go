package guidance

import (
	"net/netip"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
)

// ParsePrefixes reads a comma-separated list of addresses and prefixes
// ("10.20.0.0/24, 203.0.113.7") for the option named field, naming the
// first bad entry and its position. An address stands for itself.
func ParsePrefixes(field, s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		var p netip.Prefix
		var err error
		if strings.Contains(part, "/") {
			p, err = netip.ParsePrefix(part)
			p = p.Masked()
		} else {
			var a netip.Addr
			if a, err = netip.ParseAddr(part); err == nil {
				a = a.Unmap()
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil || strings.Contains(part, "%") {
			return nil, cordon.Errorf(cordon.EINVALID, "%s: entry %d, %q, is not an address or prefix such as 10.20.0.0/24.", field, i+1, part)
		}
		out = append(out, p)
	}
	return out, nil
}

// FromDetect returns the options that the detections' configuration
// (cordon serve --detect-config) approves, so that the guidance checks and
// the alerts judge traffic by the same lists. Internet endpoints apply to
// every device here, whichever devices their allow-list entry selects.
func FromDetect(c *detect.Config) Options {
	var o Options
	o.AllowWeb, o.FileServers, o.JumpHosts = c.Approved()
	return o
}
