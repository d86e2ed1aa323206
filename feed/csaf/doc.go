// Package csaf reads CSAF 2.0 security advisories, such as CISA's medical
// advisories (ICSMA), into cordon.Advisory values: the document's tracking
// id, title, publisher and dates; the product tree flattened into one
// cordon.ProductStatus per CVE and product (vendor, product and version
// expression as the advisory writes them); the remediations and the CVSS
// scores.
//
// Advisories write vendors, products and versions as free text. The package
// also normalises them for the matcher: NormalizeVendor and ResolveVendor map
// the spellings advisories use ("Phillips", "General Electric (GE)",
// "Becton, Dickinson and Company (BD)") onto the manufacturer names Cordon's
// device profiles use, from an embedded alias table (data/vendors.json);
// ParseVersions turns version expressions ("<= 2.3.6", "vers:generic/>=1.0|<2.3",
// "All versions prior to 7.1") into a Range whose Contains says whether a
// device's version is affected, and whether that could be decided at all.
//
// Parsing never panics on its input; every problem is a *ParseError naming
// the file and the JSON path.
package csaf
