package csaf

import (
	_ "embed"
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"
)

// vendorsJSON is the alias table: canonical manufacturer names as Cordon's
// device profiles write them, each with the spellings advisories use, and
// rules that pick a vendor by product line. It is data so that a new
// spelling is a one-line change with no code.
//
//go:embed data/vendors.json
var vendorsJSON []byte

type vendorTable struct {
	Vendors []struct {
		Name    string   `json:"name"`
		Aliases []string `json:"aliases"`
	} `json:"vendors"`
	ProductRules []struct {
		Vendor    string `json:"vendor"`
		Product   string `json:"product"`
		Canonical string `json:"canonical"`
	} `json:"product_rules"`
}

type productRule struct {
	vendorKey string
	product   *regexp.Regexp
	canonical string
}

var (
	// canonicalByKey maps the fold of every name and alias to its
	// canonical name.
	canonicalByKey map[string]string
	// aliasesOf lists the folds of each canonical name's spellings, longest
	// first, to strip a vendor prefix from product names.
	aliasesOf    map[string][]string
	productRules []productRule
)

func init() {
	var t vendorTable
	if err := json.Unmarshal(vendorsJSON, &t); err != nil {
		// The table is compiled in; a broken one must stop the build's
		// tests, not pass silently.
		panic("csaf: embedded data/vendors.json: " + err.Error())
	}
	canonicalByKey = make(map[string]string)
	aliasesOf = make(map[string][]string)
	for _, v := range t.Vendors {
		for _, a := range append([]string{v.Name}, v.Aliases...) {
			k := fold(a)
			canonicalByKey[k] = v.Name
			aliasesOf[v.Name] = append(aliasesOf[v.Name], k)
		}
	}
	for name, keys := range aliasesOf {
		sortLongestFirst(keys)
		aliasesOf[name] = keys
	}
	for _, r := range t.ProductRules {
		productRules = append(productRules, productRule{
			vendorKey: fold(r.Vendor),
			product:   regexp.MustCompile(r.Product),
			canonical: r.Canonical,
		})
	}
}

func sortLongestFirst(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && len(s[j]) > len(s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// NormalizeVendor returns the canonical name Cordon uses for a vendor as an
// advisory writes it: "Phillips" and "Philips" give "Philips"; "GE
// Healthcare", "General Electric (GE)" and "GE HealthCare" give "GE
// HealthCare"; "Becton, Dickinson and Company (BD)" gives "BD". A vendor not
// in the table comes back tidied: mis-decoded UTF-8 repaired, spaces
// collapsed, a trailing legal form (", Inc.", "Ltd", "AG") dropped.
//
// "Siemens" stays "Siemens" (Siemens AG, the industrial company): CISA files
// Siemens Healthineers' medical products under both names, so use
// ResolveVendor, which also looks at the product, when one is known.
func NormalizeVendor(name string) string {
	name = tidy(name)
	if c, ok := canonicalByKey[fold(name)]; ok {
		return c
	}
	if c, ok := canonicalByKey[stripLegal(fold(name))]; ok {
		return c
	}
	return dropLegalForm(name)
}

// ResolveVendor is NormalizeVendor informed by the product: a Siemens
// product of a medical line (SOMATOM, syngo, Symbia, SPECT and PET systems
// …) belongs to "Siemens Healthineers".
func ResolveVendor(vendor, product string) string {
	k := fold(tidy(vendor))
	for _, r := range productRules {
		if r.vendorKey == k && r.product.MatchString(product) {
			return r.canonical
		}
	}
	return NormalizeVendor(vendor)
}

// VendorKey is the comparison key of a vendor: equal keys are the same
// vendor. It is the lower-case, punctuation-free form of NormalizeVendor.
func VendorKey(name string) string {
	return fold(NormalizeVendor(name))
}

// NormalizeProduct returns the product name without the vendor's name in
// front of it ("BD Pyxis MedStation ES" of BD is "Pyxis MedStation ES",
// "GE Aespire" of General Electric is "Aespire") and with spaces collapsed.
func NormalizeProduct(vendor, product string) string {
	product = tidy(product)
	canon := ResolveVendor(vendor, product)
	prefixes := append([]string{fold(tidy(vendor))}, aliasesOf[canon]...)
	if canon != "" {
		prefixes = append(prefixes, fold(canon))
	}
	for _, p := range prefixes {
		if p == "" {
			continue
		}
		if rest, ok := cutFoldedPrefix(product, p); ok && rest != "" {
			return rest
		}
	}
	return product
}

// ProductKey is the comparison key of a vendor's product: equal keys are the
// same product line.
func ProductKey(vendor, product string) string {
	return fold(NormalizeProduct(vendor, product))
}

// cutFoldedPrefix removes from s the shortest prefix whose fold is p,
// ending at a word boundary, and returns the rest.
func cutFoldedPrefix(s, p string) (string, bool) {
	if !strings.HasPrefix(fold(s), p) {
		return "", false
	}
	for i := 1; i <= len(s); i++ {
		if i < len(s) && isAlnum(s[i]) && isAlnum(s[i-1]) {
			continue // not a word boundary
		}
		if fold(s[:i]) == p {
			return strings.TrimLeft(s[i:], " -:,/"), true
		}
	}
	return "", false
}

// tidy repairs UTF-8 that was decoded as Latin-1 ("YhtymÃ¤" is "Yhtymä")
// and collapses white space.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if !strings.ContainsAny(s, "ÃÂ") {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return s
		}
		b = append(b, byte(r))
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return s
}

// fold lower-cases s, removes accents of common Latin letters, and turns
// every run of other characters into one space, so that "Becton,
// Dickinson" and "becton dickinson" are equal.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToLower(s) {
		if f, ok := accents[r]; ok {
			r = f
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '&' {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

var accents = map[rune]rune{
	'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a',
	'ç': 'c', 'è': 'e', 'é': 'e', 'ê': 'e', 'ë': 'e',
	'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i', 'ñ': 'n',
	'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o', 'ø': 'o',
	'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u', 'ý': 'y', 'ÿ': 'y',
}

// legalForms are words that name a company's legal form, not the company.
var legalForms = map[string]bool{
	"inc": true, "incorporated": true, "ltd": true, "limited": true, "llc": true,
	"co": true, "corp": true, "corporation": true, "company": true, "ag": true,
	"gmbh": true, "se": true, "sa": true, "plc": true, "oy": true, "bv": true,
	"nv": true, "kgaa": true, "kg": true, "ab": true, "as": true, "spa": true,
	"srl": true, "pty": true, "kk": true,
}

// stripLegal drops trailing legal-form words from a fold.
func stripLegal(k string) string {
	for {
		i := strings.LastIndexByte(k, ' ')
		if i < 0 || !legalForms[k[i+1:]] {
			return k
		}
		k = k[:i]
	}
}

// dropLegalForm drops trailing legal-form words from a display name,
// keeping its case: "Acme Medical, Inc." is "Acme Medical".
func dropLegalForm(name string) string {
	for {
		trimmed := strings.TrimRight(name, " ,.")
		i := strings.LastIndexAny(trimmed, " ,")
		if i < 0 || !legalForms[fold(trimmed[i+1:])] {
			return trimmed
		}
		name = trimmed[:i]
	}
}

func isAlnum(c byte) bool { return isDigit(c) || isLetter(c) || c >= 0x80 }
