package nvdgen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Product is a CPE vendor and product pair, each already in CPE 2.3
// formatted-string form (lower case, special characters escaped with "\").
type Product struct {
	Vendor  string
	Product string
}

// DefaultProducts returns the built-in products: software common on
// hospital networks and medical device makers' products, with the names the
// NVD CPE dictionary gives them.
func DefaultProducts() []Product {
	return []Product{
		{"openssl", "openssl"}, {"apache", "tomcat"}, {"apache", "http_server"},
		{"apache", "log4j"}, {"microsoft", "internet_explorer"}, {"microsoft", "sql_server"},
		{"microsoft", ".net_framework"}, {"microsoft", "office"}, {"oracle", "jre"},
		{"oracle", "mysql"}, {"postgresql", "postgresql"}, {"openbsd", "openssh"},
		{"isc", "bind"}, {"samba", "samba"}, {"curl", "curl"}, {"nginx", "nginx"},
		{"jenkins", "jenkins"}, {"vmware", "vcenter_server"}, {"citrix", "netscaler_gateway"},
		{"fortinet", "fortios"}, {"teamviewer", "teamviewer"}, {"realvnc", "vnc_server"},
		{"dcmtk", "dcmtk"}, {"orthanc-server", "orthanc"}, {"openemr", "openemr"},
		{"siemens", "syngo_imaging_xs"}, {"siemens", "somatom_scope"}, {"philips", "intellispace_cardiovascular"},
		{"philips", "intellivue_mx800"}, {"ge", "centricity_pacs"}, {"baxter", "sigma_spectrum_infusion_pump"},
		{"bd", "alaris_infusion_central"}, {"medtronic", "carelink_2090"}, {"hospira", "lifecare_pca"},
		{"b.braun", "infusomat_space_large_volume_pump"}, {"draeger", "infinity_delta"},
		{"carestream", "vue_pacs"}, {"agfa", "impax"}, {"hillrom", "welch_allyn_connex_spot_monitor"},
	}
}

// LoadProducts reads "vendor","product" lines, as the tiiuae/cpedict
// extract of the NVD CPE dictionary has them (with a header line). That
// file is not strict CSV (some quotes are escaped with a backslash, not
// doubled), so lines are split on the "," between the two quoted fields.
// Only pairs of printable ASCII are kept, so that every generated criterion
// is a well-formed CPE 2.3 name.
func LoadProducts(r io.Reader) ([]Product, error) {
	sc := bufio.NewScanner(r)
	var out []Product
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		var vendor, product string
		if len(line) >= 2 && line[0] == '"' && line[len(line)-1] == '"' {
			var ok bool
			vendor, product, ok = strings.Cut(line[1:len(line)-1], `","`)
			if !ok {
				continue
			}
		} else {
			vendor, product, _ = strings.Cut(line, ",")
		}
		if vendor == "vendor" && product == "product" {
			continue
		}
		if usable(vendor) && usable(product) {
			out = append(out, Product{Vendor: vendor, Product: product})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("nvdgen: load products: %w", err)
	}
	if len(out) == 0 {
		return nil, errors.New("nvdgen: load products: no usable vendor,product pairs")
	}
	return out, nil
}

// usable reports whether s is a non-empty CPE component of printable ASCII
// whose only colons are escaped.
func usable(s string) bool {
	if s == "" || s == "*" || s == "-" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 == len(s) {
				return false
			}
			i++
		case c <= ' ' || c > '~' || c == ':' || c == '"':
			return false
		}
	}
	return true
}
