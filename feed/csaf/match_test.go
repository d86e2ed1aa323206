package csaf

import "github.com/cordonsec/cordon"

// affected is the check the matcher makes, built from this package's
// pieces: is a device of vendor and product at version covered by a
// known_affected status of the advisory? known is false when a status
// names the product but the version cannot be compared.
func affected(a *cordon.Advisory, vendor, product, version string) (in, known bool) {
	vk, pk := VendorKey(ResolveVendor(vendor, product)), ProductKey(vendor, product)
	known = true
	for _, s := range a.Products {
		if s.Status != cordon.StatusKnownAffected ||
			VendorKey(ResolveVendor(s.Vendor, s.Product)) != vk || ProductKey(s.Vendor, s.Product) != pk {
			continue
		}
		r, ok := ParseVersions(s.Versions)
		if !ok {
			known = false
			continue
		}
		in, k := r.Contains(version)
		if in && k {
			return true, true
		}
		if !k {
			known = false
		}
	}
	return false, known
}
