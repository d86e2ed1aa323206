package match

import (
	"math/rand/v2"
	"strconv"

	"github.com/cordonsec/cordon"
)

// A generated corpus in NVD's shape, for the benchmark and for checking the
// Index against NaiveDevice: a Zipf-like spread of CVEs over products (a few
// products, Windows and Linux above all, carry thousands of CVEs; most
// carry a handful), ranges with start/end including/excluding, exact
// versions, firmware-on-hardware AND configurations, and applications on
// Windows platforms like MS17-010.

type genProduct struct {
	part, vendor, product string
	any                   string // criterion with version ANY, shared
	hw                    string // hardware platform for firmware, or ""
}

// windowsPlatforms are real NVD product names, used as platforms.
var windowsPlatforms = []string{
	"cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*",
	"cpe:2.3:o:microsoft:windows_8.1:-:*:*:*:*:*:*:*",
	"cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:x64:*",
	"cpe:2.3:o:microsoft:windows_10_21h2:-:*:*:*:*:*:x64:*",
	"cpe:2.3:o:microsoft:windows_10_22h2:-:*:*:*:*:*:x64:*",
	"cpe:2.3:o:microsoft:windows_11_22h2:-:*:*:*:*:*:x64:*",
	"cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*",
	"cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*",
	"cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*",
	"cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*",
}

// deviceOSes are the OS names of generated devices, as classify makes them.
var deviceOSes = []struct{ name, version, cpe string }{
	{"Windows 7", "6.1.7601", "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"},
	{"Windows 10", "10.0.19045", "cpe:2.3:o:microsoft:windows_10_22h2:-:*:*:*:*:*:*:*"},
	{"Windows 10", "10.0.19044", "cpe:2.3:o:microsoft:windows_10_21h2:-:*:*:*:*:*:*:*"},
	{"Windows 10", "10.0", "cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:*:*"},
	{"Windows 10", "10.0.14393", "cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:*:*"},
	{"Windows Server 2008 R2", "6.1.7601", "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*"},
	{"Windows Server 2016", "10.0.14393", "cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*"},
	{"Linux", "4.19.0", "cpe:2.3:o:linux:linux_kernel:4.19.0:*:*:*:*:*:*:*"},
	{"Linux", "5.10.12", "cpe:2.3:o:linux:linux_kernel:5.10.12:*:*:*:*:*:*:*"},
	{"", "", ""},
}

type generator struct {
	r        *rand.Rand
	products []genProduct
	zipf     *rand.Zipf
	versions []string // pool of version strings, shared by all records
}

func newGenerator(seed uint64, nProducts int) *generator {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	// The head of the distribution: real products with many CVEs.
	for _, p := range [][3]string{
		{"o", "microsoft", "windows_10_22h2"}, {"o", "microsoft", "windows_10_21h2"},
		{"o", "microsoft", "windows_7"}, {"o", "linux", "linux_kernel"},
		{"a", "google", "chrome"}, {"a", "mozilla", "firefox"}, {"a", "oracle", "mysql"},
		{"a", "apache", "http_server"}, {"a", "openssl", "openssl"}, {"a", "openbsd", "openssh"},
		{"o", "cisco", "ios"}, {"a", "offis", "dcmtk"}, {"o", "microsoft", "windows_server_2016"},
	} {
		g.products = append(g.products, g.product(p[0], p[1], p[2], ""))
	}
	for i := len(g.products); i < nProducts; i++ {
		v := "vendor" + strconv.Itoa(i%(nProducts/4+1))
		switch i % 5 {
		case 0: // firmware on hardware
			name := "device" + strconv.Itoa(i)
			g.products = append(g.products, g.product("o", v, name+"_firmware", "cpe:2.3:h:"+v+":"+name+":-:*:*:*:*:*:*:*"))
		default:
			g.products = append(g.products, g.product("a", v, "product"+strconv.Itoa(i), ""))
		}
	}
	g.zipf = rand.NewZipf(g.r, 1.07, 8, uint64(len(g.products)-1))
	for major := 0; major < 20; major++ {
		for minor := 0; minor < 10; minor++ {
			for patch := 0; patch < 10; patch++ {
				g.versions = append(g.versions, strconv.Itoa(major)+"."+strconv.Itoa(minor)+"."+strconv.Itoa(patch))
			}
		}
	}
	return g
}

func (g *generator) product(part, vendor, product, hw string) genProduct {
	return genProduct{part, vendor, product, "cpe:2.3:" + part + ":" + vendor + ":" + product + ":*:*:*:*:*:*:*:*", hw}
}

func (g *generator) version() string { return g.versions[g.r.IntN(len(g.versions))] }

func (g *generator) pick() *genProduct { return &g.products[g.zipf.Uint64()] }

// criterion is a vulnerable criterion for p: usually a range, sometimes an
// exact version.
func (g *generator) criterion(p *genProduct) cordon.CPEMatch {
	m := cordon.CPEMatch{Vulnerable: true, Criteria: p.any}
	// Most NVD ranges cover one release branch up to its fix
	// (1.1.1 <= v < 1.1.1k); a few cover everything before a version.
	i := g.r.IntN(len(g.versions))
	branch := i - i%10
	switch g.r.IntN(8) {
	case 0, 1:
		m.Criteria = "cpe:2.3:" + p.part + ":" + p.vendor + ":" + p.product + ":" + g.versions[i] + ":*:*:*:*:*:*:*"
	case 2:
		m.VersionStartIncluding, m.VersionEndIncluding = g.versions[branch], g.versions[i]
	case 3:
		m.VersionEndExcluding = g.versions[i]
	default:
		m.VersionStartIncluding, m.VersionEndExcluding = g.versions[branch], g.versions[i]
	}
	return m
}

func (g *generator) vulns(n int) []cordon.Vulnerability {
	vs := make([]cordon.Vulnerability, n)
	for i := range vs {
		v := &vs[i]
		v.ID = "CVE-" + strconv.Itoa(2000+i%25) + "-" + strconv.Itoa(10000+i)
		nc := 1 + g.r.IntN(2)
		for c := 0; c < nc; c++ {
			p := g.pick()
			switch {
			case p.hw != "":
				v.Configurations = append(v.Configurations, andConfig(
					or(g.criterion(p)), or(crit(false, p.hw))))
			case p.part == "a" && g.r.IntN(10) == 0:
				// An application on some Windows platforms.
				plats := make([]cordon.CPEMatch, 0, 4)
				for k, off := 0, g.r.IntN(len(windowsPlatforms)); k < 4; k++ {
					plats = append(plats, crit(false, windowsPlatforms[(off+k)%len(windowsPlatforms)]))
				}
				v.Configurations = append(v.Configurations, andConfig(or(g.criterion(p)), or(plats...)))
			default:
				ms := []cordon.CPEMatch{g.criterion(p)}
				for k := g.r.IntN(3); k > 0; k-- {
					ms = append(ms, g.criterion(p))
				}
				v.Configurations = append(v.Configurations, orConfig(or(ms...)))
			}
		}
	}
	return vs
}

func (g *generator) devices(n int) []*cordon.Device {
	ds := make([]*cordon.Device, n)
	for i := range ds {
		o := deviceOSes[g.r.IntN(len(deviceOSes))]
		d := dev(o.name, o.version, o.cpe)
		for k := g.r.IntN(4); k > 0; k-- {
			p := g.pick()
			if p.part == "o" && p.vendor == "microsoft" {
				continue
			}
			d.Software = append(d.Software, cordon.Software{
				CPE:    "cpe:2.3:" + p.part + ":" + p.vendor + ":" + p.product + ":" + g.version() + ":*:*:*:*:*:*:*",
				Source: "generated"})
			if p.hw != "" {
				d.Software = append(d.Software, cordon.Software{CPE: p.hw, Source: "generated"})
			}
		}
		ds[i] = d
	}
	return ds
}
