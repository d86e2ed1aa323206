package sqlite

import (
	"encoding/hex"
	"net/netip"
	"strings"

	"github.com/cordonsec/cordon"
)

// deviceCols holds the denormalised columns of a devices row, copied from
// its documents for filtering, sorting and search.
type deviceCols struct {
	mac, ip, ipSort, hostname     string
	category, manufacturer, model string
	medical                       bool
	site                          string
	firstSeen, lastSeen           string
	search                        string
}

// deviceColumnsOf derives the columns from what the network shows and what
// the register records. Identity columns prefer the observation and fall
// back to the record, so that a device only the register knows still sorts
// and filters by what it recorded; search covers both, so a device is found
// by either name.
func deviceColumnsOf(o *cordon.Device, r cordon.Recorded) deviceCols {
	var c deviceCols
	var words []string
	add := func(vs ...string) {
		for _, v := range vs {
			if v = strings.TrimSpace(v); v != "" {
				words = append(words, strings.ToLower(v))
			}
		}
	}
	if o != nil {
		c.mac = o.MAC.String()
		if len(o.IPs) > 0 {
			c.ip = o.IPs[0]
		}
		if len(o.Hostnames) > 0 {
			c.hostname = strings.ToLower(o.Hostnames[0])
		}
		c.category, c.manufacturer, c.model = o.Category, o.Manufacturer, o.Model
		c.medical = o.Medical
		c.firstSeen, c.lastSeen = formatTime(o.FirstSeen), formatTime(o.LastSeen)
		add(c.mac)
		add(o.IPs...)
		add(o.Hostnames...)
		add(o.Vendor, o.Manufacturer, o.Model)
	}
	if c.mac == "" && r.MAC != "" {
		if m, err := cordon.ParseMAC(r.MAC); err == nil {
			c.mac = m.String()
		}
	}
	if c.ip == "" {
		c.ip = r.IP
	}
	if c.hostname == "" {
		c.hostname = strings.ToLower(r.Hostname)
	}
	if c.category == "" || c.category == cordon.CategoryUnknown && r.Category != "" {
		c.category = r.Category
	}
	if c.manufacturer == "" {
		c.manufacturer = r.Manufacturer
	}
	if c.model == "" {
		c.model = r.Model
	}
	c.medical = c.medical || cordon.IsMedicalCategory(c.category)
	c.site = r.Site
	c.ipSort = ipSortKey(c.ip)
	add(r.AssetTag, r.Serial, r.MAC, r.IP, r.Hostname, r.Manufacturer, r.Model)
	// NUL ends a string for SQLite's LIKE; nothing searchable follows one.
	c.search = strings.ReplaceAll(strings.Join(words, " "), "\x00", "")
	return c
}

// ipSortKey returns an address as 32 hex digits, IPv4 as IPv4-mapped IPv6,
// so that text order is numeric order; "" for none or unparseable.
func ipSortKey(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return ""
	}
	b := a.As16()
	return hex.EncodeToString(b[:])
}
