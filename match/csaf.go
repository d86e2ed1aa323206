package match

import (
	"cmp"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/cpe"
	"github.com/cordonsec/cordon/feed/csaf"
)

// AdvisoryIndex finds the CSAF advisories (CISA ICSMA and the like) that
// name a device's product. Advisories describe products by free-text
// vendor, product and version expression, not CPE names, so the index keys
// them by csaf.VendorKey: a device's manufacturer selects the few product
// statuses of its vendor, and only those are compared by product and
// version. It is pure and safe for concurrent use once built.
type AdvisoryIndex struct {
	byVendor map[string][]*advProduct // vendor key → product statuses
	byCPE    map[string][]*advProduct // "part:vendor:product" of a status's CPE
	n        int
}

// advProduct is one product status with its keys and range worked out once.
type advProduct struct {
	adv     *cordon.Advisory
	st      *cordon.ProductStatus
	vendor  string // canonical vendor name
	product string // product without the vendor's name
	pkey    string // csaf.ProductKey
	rng     csaf.Range
	rngOK   bool   // the version expression could be read
	cpeKey  string // of st.CPE, or ""
}

// AdvisoryMatch is a Match together with the advisory and product status
// that made it, for callers that need the advisory's remediations and
// scores.
type AdvisoryMatch struct {
	Match
	Advisory *cordon.Advisory
	Product  *cordon.ProductStatus
}

// NewAdvisories indexes the product statuses of advs. The index keeps the
// advisories: do not change them afterwards.
func NewAdvisories(advs []*cordon.Advisory) *AdvisoryIndex {
	ix := &AdvisoryIndex{byVendor: map[string][]*advProduct{}, byCPE: map[string][]*advProduct{}}
	for _, a := range advs {
		if a == nil {
			continue
		}
		ix.n++
		for i := range a.Products {
			st := &a.Products[i]
			p := &advProduct{adv: a, st: st}
			p.vendor = csaf.ResolveVendor(st.Vendor, st.Product)
			p.product = csaf.NormalizeProduct(st.Vendor, st.Product)
			p.pkey = stripBrand(csaf.VendorKey(p.vendor), csaf.ProductKey(st.Vendor, st.Product))
			p.rng, p.rngOK = csaf.ParseVersions(st.Versions)
			if st.CPE != "" {
				if n, err := cpe.Parse(st.CPE); err == nil && !isWild(n.Product) {
					p.cpeKey = n.Key()
					ix.byCPE[p.cpeKey] = append(ix.byCPE[p.cpeKey], p)
				}
			}
			if vk := csaf.VendorKey(p.vendor); vk != "" && p.pkey != "" {
				ix.byVendor[vk] = append(ix.byVendor[vk], p)
			}
		}
	}
	return ix
}

// Len returns the number of advisories indexed.
func (ix *AdvisoryIndex) Len() int { return ix.n }

// Device returns the advisories' vulnerabilities that apply to the device,
// one Match per CVE (the strongest; on a tie the advisory first by ID),
// sorted by CVE ID. See Matches for the rules.
func (ix *AdvisoryIndex) Device(d *cordon.Device, rec *cordon.Recorded) []Match {
	ams := ix.Matches(d, rec)
	var out []Match
	for i := 0; i < len(ams); {
		j, best := i+1, i
		for ; j < len(ams) && ams[j].CVE == ams[i].CVE; j++ {
			if ams[j].Status == Confirmed && ams[best].Status != Confirmed {
				best = j
			}
		}
		out = append(out, ams[best].Match)
		i = j
	}
	return out
}

// identity is what the device says it is, and where each part comes from.
type identity struct {
	manufacturer, manufacturerFrom string
	model, modelFrom               string
	vkey, pkey                     string
}

func identify(d *cordon.Device, rec *cordon.Recorded) identity {
	var id identity
	if d != nil && d.Manufacturer != "" {
		id.manufacturer, id.manufacturerFrom = d.Manufacturer, "observed"
	} else if rec != nil && rec.Manufacturer != "" {
		id.manufacturer, id.manufacturerFrom = rec.Manufacturer, "recorded"
	}
	if d != nil && d.Model != "" {
		id.model, id.modelFrom = d.Model, "observed"
	} else if rec != nil && rec.Model != "" {
		id.model, id.modelFrom = rec.Model, "recorded"
	}
	if id.manufacturer != "" {
		id.vkey = csaf.VendorKey(csaf.ResolveVendor(id.manufacturer, id.model))
	}
	if id.model != "" {
		id.pkey = stripBrand(id.vkey, csaf.ProductKey(id.manufacturer, id.model))
	}
	return id
}

// stripBrand removes the first word of a vendor key from the front of a
// product key: advisories often write the brand alone before the product
// ("Acme FlowMax 3" of "Acme Medical, Inc."), which csaf.NormalizeProduct
// keeps because it strips only the vendor's full name.
func stripBrand(vkey, pkey string) string {
	brand, _, _ := strings.Cut(vkey, " ")
	if len(brand) < 2 {
		return pkey
	}
	if rest, ok := strings.CutPrefix(pkey, brand+" "); ok && rest != "" {
		return rest
	}
	return pkey
}

// Product relations between a device and an advisory's product.
const (
	relNone     = iota
	relFamily   // the device names a product line the advisory narrows ("IntelliVue" of "IntelliVue MX800")
	relSpecific // the device names a variant of the advisory's product ("Pyxis MedStation ES 2" of "Pyxis MedStation ES")
	relExact    // the same product (or the same CPE product)
)

// relation compares product keys word by word.
func relation(device, advisory string) int {
	switch {
	case device == "" || advisory == "":
		return relNone
	case device == advisory:
		return relExact
	case strings.HasPrefix(advisory, device+" "):
		return relFamily
	case strings.HasPrefix(device, advisory+" "):
		return relSpecific
	}
	return relNone
}

// Matches returns every advisory product status that applies to the
// device, one AdvisoryMatch per CVE and advisory, sorted by CVE and then
// advisory ID. d may be nil (a device only the register knows); rec may be
// nil.
//
// The manufacturer and model come from the observed device, or from the
// recorded fields when traffic did not show them; vendors and products are
// compared by csaf.VendorKey and csaf.ProductKey, so "Phillips" is
// "Philips" and "BD Pyxis ES" of "Becton, Dickinson and Company (BD)" is
// "Pyxis ES" of "BD". The version is the device's own for that product
// (see versionOf) or unknown.
//
//   - known_affected, the same product, the version in range: confirmed.
//     An advisory for all versions confirms without a version.
//   - known_affected, the same product, the version unknown or not
//     orderable against the range: possible.
//   - known_affected of a narrower product ("IntelliVue MX800" for a device
//     known only as "IntelliVue") or a wider one (the device is a variant
//     of it): possible at most, since the product itself is uncertain.
//   - A fixed or known_not_affected status of the product whose range holds
//     the version rules the CVE out for that advisory, whatever its
//     known_affected statuses say. under_investigation makes no match.
func (ix *AdvisoryIndex) Matches(d *cordon.Device, rec *cordon.Recorded) []AdvisoryMatch {
	if ix == nil || (d == nil && rec == nil) {
		return nil
	}
	id := identify(d, rec)
	type cand struct {
		p   *advProduct
		rel int
		cpe string // the device's CPE that named the product, if any
	}
	var cands []cand
	if id.vkey != "" && id.pkey != "" {
		for _, p := range ix.byVendor[id.vkey] {
			if r := relation(id.pkey, p.pkey); r != relNone {
				cands = append(cands, cand{p: p, rel: r})
			}
		}
	}
	if d != nil && len(ix.byCPE) > 0 {
		for _, sw := range d.Software {
			n, err := cpe.Parse(sw.CPE)
			if err != nil {
				continue
			}
			for _, p := range ix.byCPE[n.Key()] {
				cands = append(cands, cand{p: p, rel: relExact, cpe: sw.CPE})
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	// Group by advisory and CVE: fixed statuses of an advisory overrule
	// its affected ones for the same CVE.
	slices.SortStableFunc(cands, func(a, b cand) int {
		return cmp.Or(strings.Compare(a.p.st.CVE, b.p.st.CVE), strings.Compare(a.p.adv.ID, b.p.adv.ID))
	})
	var out []AdvisoryMatch
	for i := 0; i < len(cands); {
		j := i + 1
		for j < len(cands) && cands[j].p.st.CVE == cands[i].p.st.CVE && cands[j].p.adv == cands[i].p.adv {
			j++
		}
		group := cands[i:j]
		i = j
		ruledOut := false
		var best *AdvisoryMatch
		for _, c := range group {
			ver, fact := versionOf(d, rec, c.p, c.cpe)
			switch c.p.st.Status {
			case cordon.StatusFixed, cordon.StatusKnownNotAffected:
				if c.rel == relExact && c.p.rngOK {
					if in, known := c.p.rng.Contains(ver); in && known {
						ruledOut = true
					}
				}
				continue
			case cordon.StatusKnownAffected:
			default:
				continue
			}
			status, note := Confirmed, ""
			if !c.p.rngOK {
				status, note = Possible, "the advisory's version expression "+quote(c.p.st.Versions)+" cannot be read"
			} else {
				in, known := c.p.rng.Contains(ver)
				switch {
				case known && !in:
					continue // a version outside the range
				case !known && ver == "":
					status, note = Possible, "the device's version of the product is unknown"
				case !known:
					status, note = Possible, "version "+ver+" cannot be ordered against "+quote(c.p.st.Versions)
				}
			}
			switch c.rel {
			case relFamily:
				status, note = Possible, joinNote(note, "the device is known only as "+id.model+", the advisory names "+c.p.product)
			case relSpecific:
				status, note = Possible, joinNote(note, "the device is "+id.model+", a variant of the advisory's "+c.p.product)
			}
			if best != nil && (best.Status == Confirmed || status == Possible) {
				continue
			}
			am := ix.advisoryMatch(d, rec, id, c.p, c.cpe, ver, fact, status, note)
			best = &am
		}
		if best != nil && !ruledOut {
			out = append(out, *best)
		}
	}
	return out
}

// advisoryMatch builds the match and its evidence chain: the device facts
// (manufacturer, model, version), the product they name, and the
// advisory's clause.
func (ix *AdvisoryIndex) advisoryMatch(d *cordon.Device, rec *cordon.Recorded, id identity, p *advProduct, devCPE, ver, fact, status, note string) AdvisoryMatch {
	clause := p.vendor + " " + p.product + " " + describeVersions(p.st.Versions) + " (" + p.st.Status + ")"
	m := Match{
		CVE:      p.st.CVE,
		Status:   status,
		Criteria: p.adv.ID + ": " + clause,
	}
	software := strings.TrimSpace(p.vendor + " " + orElse(id.model, p.product))
	if ver != "" {
		software += " " + ver
	} else {
		software += " (version unknown)"
	}
	if devCPE != "" {
		software = devCPE
	}
	m.Software = software
	if devCPE != "" {
		m.Evidence = append(m.Evidence, "fact software "+devCPE)
		m.Evidence = append(m.Evidence, "cpe "+devCPE+" names the advisory's product "+p.st.CPE)
	} else {
		m.Evidence = append(m.Evidence, "fact manufacturer="+id.manufacturer+" ("+id.manufacturerFrom+")")
		m.Evidence = append(m.Evidence, "fact model="+id.model+" ("+id.modelFrom+")")
	}
	if fact != "" {
		m.Evidence = append(m.Evidence, "fact "+fact)
	} else {
		m.Evidence = append(m.Evidence, "version unknown: no software name, DICOM implementation version, LLDP revision or recorded version for the product")
	}
	written := strings.TrimSpace(p.st.Vendor + " " + p.st.Product)
	m.Evidence = append(m.Evidence, "product "+p.vendor+" "+p.product+" (the advisory writes "+quote(written)+")")
	m.Evidence = append(m.Evidence, "advisory "+p.adv.ID+" "+clause+" for "+p.st.CVE)
	if note != "" {
		m.Evidence = append(m.Evidence, "possible: "+note)
	}
	return AdvisoryMatch{Match: m, Advisory: p.adv, Product: p.st}
}

// versionOf finds the device's version of the advisory's product, and the
// fact it comes from: the version of a software name for that product,
// an LLDP-MED software or firmware revision, the DICOM implementation
// version, or a recorded OS field that holds a version rather than an OS
// name. "" when none is known.
func versionOf(d *cordon.Device, rec *cordon.Recorded, p *advProduct, devCPE string) (string, string) {
	if d != nil {
		for _, sw := range d.Software {
			if devCPE != "" && sw.CPE != devCPE {
				continue
			}
			n, err := cpe.Parse(sw.CPE)
			if err != nil || n.Version == cpe.Any || n.Version == cpe.NA || n.Version == "" {
				continue
			}
			if devCPE != "" || strings.ReplaceAll(cpe.Unescape(n.Product), "_", " ") == p.pkey {
				return cpe.Unescape(n.Version), "software " + sw.CPE
			}
		}
		for _, f := range []string{"lldp.med.software_revision", "lldp.med.firmware_revision"} {
			for _, e := range d.Evidence {
				if e.Fact == f && versionToken(e.Value) != "" {
					return versionToken(e.Value), f + "=" + e.Value
				}
			}
		}
		if d.DICOM != nil && d.DICOM.ImplementationVersion != "" {
			if v := versionToken(d.DICOM.ImplementationVersion); v != "" {
				return v, "dicom.implementation_version=" + d.DICOM.ImplementationVersion
			}
		}
	}
	if rec != nil && rec.OS != "" && !looksLikeOS(rec.OS) {
		if v := versionToken(rec.OS); v != "" {
			return v, "recorded os=" + rec.OS
		}
	}
	return "", ""
}

// versionToken picks the version out of text such as "EPIQ_7.0.5",
// "MR_VE11C" or "Firmware v2.3.6": the last word holding a digit, without
// a "v" before a digit.
func versionToken(s string) string {
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '/' || r == ',' })
	for i := len(words) - 1; i >= 0; i-- {
		w := strings.Trim(words[i], "()[]:;")
		if !strings.ContainsAny(w, "0123456789") {
			continue
		}
		if len(w) > 1 && (w[0] == 'v' || w[0] == 'V') && w[1] >= '0' && w[1] <= '9' {
			w = w[1:]
		}
		return w
	}
	return ""
}

// looksLikeOS reports whether recorded text names an operating system
// ("Windows 7 SP1"), whose numbers are not the product's version.
func looksLikeOS(s string) bool {
	l := strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"windows", "win ", "linux", "ubuntu", "debian", "red hat", "rhel", "centos",
		"mac", "ios", "android", "vxworks", "qnx", "unix", "solaris", "aix", "embedded"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// describeVersions writes an advisory's version expression for people.
func describeVersions(v string) string {
	switch strings.TrimSpace(v) {
	case "", "vers:all/*", "*":
		return "all versions"
	}
	return strings.TrimSpace(v)
}

func quote(s string) string { return "\"" + s + "\"" }

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
