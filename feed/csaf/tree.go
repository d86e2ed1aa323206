package csaf

import (
	"fmt"
	"strings"
)

// Product is one product of an advisory's product tree, flattened: the
// vendor, product and version branches above it, and what its
// identification helper says.
type Product struct {
	ID       string `json:"id"`        // product_id, "CSAFPID-0001"
	FullName string `json:"full_name"` // "Paceart Optima: <= 1.11"
	Vendor   string `json:"vendor"`    // vendor branch as written
	Family   string `json:"family,omitempty"`
	Product  string `json:"product"` // product_name branch as written
	// Versions is the product_version or product_version_range branch as
	// written, "" when the tree names no version (all versions).
	Versions string `json:"versions"`
	// VersionRange is true when Versions came from a product_version_range
	// branch rather than a single product_version.
	VersionRange bool     `json:"version_range,omitempty"`
	CPE          string   `json:"cpe,omitempty"`
	PURL         string   `json:"purl,omitempty"`
	ModelNumbers []string `json:"model_numbers,omitempty"`
	SKUs         []string `json:"skus,omitempty"`
	// Relationship and Platform are set for products a relationship defines:
	// the category ("installed_on", "default_component_of" …) and the
	// product ID of the platform. Vendor, Product and Versions are then the
	// component's.
	Relationship string `json:"relationship,omitempty"`
	Platform     string `json:"platform,omitempty"`
}

// tree is a flattened product tree: products by ID in the order defined,
// and groups by ID.
type tree struct {
	file     string
	order    []string
	products map[string]*Product
	groups   map[string][]string
}

// maxBranchDepth bounds recursion: real trees are three or four deep, and
// a hostile file must not exhaust the stack.
const maxBranchDepth = 64

func flattenTree(file string, t *rawTree) (*tree, error) {
	ft := &tree{file: file, products: map[string]*Product{}, groups: map[string][]string{}}
	if t == nil {
		return ft, nil
	}
	for i := range t.Branches {
		if err := ft.branch(&t.Branches[i], fmt.Sprintf("$.product_tree.branches[%d]", i), Product{}, 0); err != nil {
			return nil, err
		}
	}
	for i, fp := range t.FullProductNames {
		p := Product{}
		if err := ft.add(&fp, fmt.Sprintf("$.product_tree.full_product_names[%d]", i), p); err != nil {
			return nil, err
		}
	}
	if err := ft.relationships(t.Relationships); err != nil {
		return nil, err
	}
	for i, g := range t.ProductGroups {
		path := fmt.Sprintf("$.product_tree.product_groups[%d]", i)
		if g.GroupID == "" {
			return nil, parseErr(file, path+".group_id", "group_id is missing")
		}
		if _, dup := ft.groups[g.GroupID]; dup {
			return nil, parseErr(file, path+".group_id", "group id %q is defined twice", g.GroupID)
		}
		for j, id := range g.ProductIDs {
			if ft.products[id] == nil {
				return nil, parseErr(file, fmt.Sprintf("%s.product_ids[%d]", path, j), "product id %q is not in the product tree", id)
			}
		}
		ft.groups[g.GroupID] = g.ProductIDs
	}
	return ft, nil
}

// branch walks one branch, carrying what the branches above it named.
func (ft *tree) branch(b *rawBranch, path string, above Product, depth int) error {
	if depth > maxBranchDepth {
		return parseErr(ft.file, path, "branches are nested more than %d deep", maxBranchDepth)
	}
	name := strings.Join(strings.Fields(b.Name), " ")
	switch b.Category {
	case "vendor":
		above.Vendor = name
	case "product_family":
		above.Family = name
	case "product_name":
		above.Product = name
	case "product_version":
		above.Versions, above.VersionRange = name, false
	case "product_version_range":
		above.Versions, above.VersionRange = name, true
	case "architecture", "host_name", "language", "legacy", "patch_level", "service_pack", "specification":
		// Qualifiers Cordon does not match on; the full product name keeps them.
	case "":
		return parseErr(ft.file, path+".category", "category is missing")
	default:
		return parseErr(ft.file, path+".category", "unknown branch category %q", b.Category)
	}
	if b.Product != nil {
		if err := ft.add(b.Product, path+".product", above); err != nil {
			return err
		}
	}
	for i := range b.Branches {
		if err := ft.branch(&b.Branches[i], fmt.Sprintf("%s.branches[%d]", path, i), above, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// add records a full product name with what the branches said about it.
func (ft *tree) add(fp *rawFullProduct, path string, p Product) error {
	if fp.ProductID == "" {
		return parseErr(ft.file, path+".product_id", "product_id is missing")
	}
	if _, dup := ft.products[fp.ProductID]; dup {
		return parseErr(ft.file, path+".product_id", "product id %q is defined twice", fp.ProductID)
	}
	p.ID = fp.ProductID
	p.FullName = strings.Join(strings.Fields(fp.Name), " ")
	if h := fp.Helper; h != nil {
		p.CPE, p.PURL = h.CPE, h.PURL
		p.ModelNumbers = append([]string(nil), h.ModelNumbers...)
		p.SKUs = append([]string(nil), h.SKUs...)
	}
	if p.Product == "" {
		p.fillFromCPE()
	}
	if p.Product == "" {
		p.Product = p.FullName
	}
	ft.products[p.ID] = &p
	ft.order = append(ft.order, p.ID)
	return nil
}

// fillFromCPE takes vendor, product and version from a CPE 2.3 name when
// the tree gave no branches, as full_product_names entries often do.
func (p *Product) fillFromCPE() {
	parts := splitCPE(p.CPE)
	if len(parts) < 6 || parts[0] != "cpe" || parts[1] != "2.3" {
		return
	}
	unq := func(s string) string {
		if s == "*" || s == "-" {
			return ""
		}
		return strings.ReplaceAll(strings.ReplaceAll(s, `\`, ""), "_", " ")
	}
	if p.Vendor == "" {
		p.Vendor = unq(parts[3])
	}
	p.Product = unq(parts[4])
	if p.Versions == "" {
		p.Versions = unq(parts[5])
	}
}

// splitCPE splits a CPE 2.3 formatted string on the colons that are not
// escaped.
func splitCPE(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	if s != "" {
		parts = append(parts, s[start:])
	}
	return parts
}

// relationships adds the products relationships define. A relationship may
// refer to one defined by a later relationship, so they are resolved in
// rounds until none is left or no round makes progress.
func (ft *tree) relationships(rels []rawRelationship) error {
	pending := make([]int, len(rels))
	for i := range rels {
		pending[i] = i
	}
	for len(pending) > 0 {
		var next []int
		for _, i := range pending {
			r := &rels[i]
			comp := ft.products[r.ProductReference]
			if comp == nil || ft.products[r.RelatesToProductReference] == nil {
				next = append(next, i)
				continue
			}
			p := *comp
			p.Relationship, p.Platform = r.Category, r.RelatesToProductReference
			p.CPE, p.PURL, p.ModelNumbers, p.SKUs = "", "", nil, nil
			if err := ft.add(&r.FullProductName, fmt.Sprintf("$.product_tree.relationships[%d].full_product_name", i), p); err != nil {
				return err
			}
		}
		if len(next) == len(pending) {
			i := next[0]
			path := fmt.Sprintf("$.product_tree.relationships[%d]", i)
			if ft.products[rels[i].ProductReference] == nil {
				return parseErr(ft.file, path+".product_reference", "product id %q is not in the product tree", rels[i].ProductReference)
			}
			return parseErr(ft.file, path+".relates_to_product_reference", "product id %q is not in the product tree", rels[i].RelatesToProductReference)
		}
		pending = next
	}
	return nil
}

// expand returns product IDs and the members of group IDs, each once.
func (ft *tree) expand(ids, groups []string) []string {
	out := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, id := range ids {
		add(id)
	}
	for _, g := range groups {
		for _, id := range ft.groups[g] {
			add(id)
		}
	}
	return out
}
