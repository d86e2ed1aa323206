package sbom

import (
	"strings"

	"github.com/cordonsec/cordon/cpe"
)

// checkCPE returns v when it is a CPE 2.3 formatted string and "" with a
// warning otherwise: one bad identifier should not cost the whole SBOM, but
// it must not reach the matcher either. The value is returned as written,
// not canonicalised, so that what the user sees is what the file says.
func checkCPE(w *warnings, path, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if _, err := cpe.Parse(v); err != nil {
		w.Addf("%s: CPE %.80q is not a valid CPE 2.3 formatted string and was left out: %v", path, v, err)
		return ""
	}
	return v
}

// checkPURL returns v when it has the shape of a package URL
// ("pkg:type/name", RFC-like scheme of the purl specification), "" with a
// warning otherwise. It checks the shape only; the matcher decides what a
// purl type means.
func checkPURL(w *warnings, path, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if !validPURL(v) {
		w.Addf("%s: purl %.80q is not a package URL (pkg:type/name) and was left out", path, v)
		return ""
	}
	return v
}

func validPURL(v string) bool {
	rest, ok := strings.CutPrefix(v, "pkg:")
	if !ok {
		return false
	}
	rest = strings.TrimLeft(rest, "/")
	typ, name, ok := strings.Cut(rest, "/")
	if !ok || typ == "" || strings.Trim(name, "/") == "" {
		return false
	}
	for i, r := range typ {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '.' || r == '+' || r == '-'):
		default:
			return false
		}
	}
	return true
}
