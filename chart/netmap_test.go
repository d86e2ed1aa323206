package chart

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// ward is a small hospital network: an ICU and radiology with their
// clinical servers, corporate IT, the core network and two outside parties.
func ward() ([]Node, []Edge) {
	nodes := []Node{
		{ID: "10.20.0.11", Label: "icu-pump-01", Group: "ICU (VLAN 20)", Kind: KindMedical, Href: "/devices/1"},
		{ID: "10.20.0.12", Label: "icu-pump-02", Group: "ICU (VLAN 20)", Kind: KindMedical, Href: "/devices/2"},
		{ID: "10.20.0.13", Label: "icu-pump-03", Group: "ICU (VLAN 20)", Kind: KindMedical},
		{ID: "10.20.0.21", Label: "bedside-mon-1", Group: "ICU (VLAN 20)", Kind: KindMedical},
		{ID: "10.20.0.22", Label: "bedside-mon-2", Group: "ICU (VLAN 20)", Kind: KindMedical},
		{ID: "10.20.0.5", Label: "icu-central-station", Group: "ICU (VLAN 20)", Kind: KindClinicalServer},
		{ID: "10.20.0.50", Label: "icu-nurse-pc", Group: "ICU (VLAN 20)", Kind: KindIT},
		{ID: "10.30.0.10", Label: "ct-scanner", Group: "Radiology (VLAN 30)", Kind: KindMedical, Href: "/devices/10"},
		{ID: "10.30.0.11", Label: "mri-1", Group: "Radiology (VLAN 30)", Kind: KindMedical},
		{ID: "10.30.0.12", Label: "us-cart-2", Group: "Radiology (VLAN 30)", Kind: KindMedical},
		{ID: "10.30.0.60", Label: "reporting-ws-1", Group: "Radiology (VLAN 30)", Kind: KindIT},
		{ID: "10.1.0.20", Label: "pacs-archive", Group: "Data centre", Kind: KindClinicalServer},
		{ID: "10.1.0.21", Label: "hl7-engine", Group: "Data centre", Kind: KindClinicalServer},
		{ID: "10.1.0.30", Label: "dc01.trust.nhs.uk", Group: "Data centre", Kind: KindIT},
		{ID: "10.1.0.31", Label: "file-server", Group: "Data centre", Kind: KindIT},
		{ID: "10.1.0.1", Label: "core-sw-1", Group: "Data centre", Kind: KindInfrastructure},
		{ID: "10.40.0.100", Label: "admin-pc-14", Group: "Corporate", Kind: KindIT},
		{ID: "10.40.0.101", Label: "admin-pc-15", Group: "Corporate", Kind: KindIT},
		{ID: "10.40.0.200", Label: "printer-2f", Group: "Corporate", Kind: KindIT},
		{ID: "203.0.113.7", Label: "vendor-remote", Group: "Internet", Kind: KindExternal},
		{ID: "198.51.100.9", Label: "nhs-spine", Group: "Internet", Kind: KindExternal},
	}
	edges := []Edge{
		{From: "10.20.0.11", To: "10.20.0.5", Label: "hl7 2575", Weight: 120},
		{From: "10.20.0.12", To: "10.20.0.5", Label: "hl7 2575", Weight: 110},
		{From: "10.20.0.13", To: "10.20.0.5", Label: "hl7 2575", Weight: 95},
		{From: "10.20.0.21", To: "10.20.0.5", Label: "philips 24105", Weight: 900},
		{From: "10.20.0.22", To: "10.20.0.5", Label: "philips 24105", Weight: 870},
		{From: "10.20.0.5", To: "10.1.0.21", Label: "hl7 2575", Weight: 400},
		{From: "10.20.0.50", To: "10.1.0.30", Label: "ldap 389", Weight: 30},
		{From: "10.30.0.10", To: "10.1.0.20", Label: "dicom 104", Weight: 5000},
		{From: "10.30.0.11", To: "10.1.0.20", Label: "dicom 104", Weight: 3000},
		{From: "10.30.0.12", To: "10.1.0.20", Label: "dicom 104", Weight: 200},
		{From: "10.30.0.60", To: "10.1.0.20", Label: "dicom 104", Weight: 800},
		{From: "10.1.0.20", To: "10.30.0.60", Label: "dicom 11112", Weight: 40},
		{From: "10.30.0.60", To: "10.1.0.30", Label: "kerberos 88", Weight: 20},
		{From: "10.40.0.100", To: "10.1.0.30", Label: "ldap 389", Weight: 50},
		{From: "10.40.0.101", To: "10.1.0.30", Label: "ldap 389", Weight: 45},
		{From: "10.40.0.100", To: "10.1.0.31", Label: "smb 445", Weight: 300},
		{From: "10.40.0.100", To: "10.40.0.200", Label: "ipp 631", Weight: 12},
		{From: "10.40.0.101", To: "10.40.0.200", Label: "ipp 631", Weight: 8},
		{From: "203.0.113.7", To: "10.30.0.10", Label: "rdp 3389", Weight: 6},
		{From: "10.1.0.21", To: "198.51.100.9", Label: "https 443", Weight: 60},
		{From: "10.1.0.1", To: "10.1.0.30", Label: "snmp 161", Weight: 4},
		{From: "10.20.0.11", To: "nowhere", Label: "dropped", Weight: 1},
		{From: "10.20.0.11", To: "10.20.0.11", Label: "self", Weight: 1},
	}
	return nodes, edges
}

// bigNetwork makes n nodes in a dozen or so groups of uneven size and m
// edges, most of them to servers, from a fixed seed.
func bigNetwork(n, m int) ([]Node, []Edge) {
	r := rand.New(rand.NewPCG(1, 2))
	groups := []string{"ICU", "Theatres", "Radiology", "Pathology", "Ward 1", "Ward 2", "Ward 3",
		"Maternity", "Outpatients", "Pharmacy", "Data centre", "Corporate", "Guest Wi-Fi", "Internet"}
	kinds := []string{KindMedical, KindMedical, KindMedical, KindIT, KindIT, KindClinicalServer, KindInfrastructure, KindExternal}
	nodes := make([]Node, n)
	var servers []int
	for i := range nodes {
		// Square the draw so a few groups are large and most are small.
		g := groups[int(float64(len(groups))*r.Float64()*r.Float64())]
		k := kinds[r.IntN(len(kinds))]
		if g == "Internet" {
			k = KindExternal
		}
		nodes[i] = Node{ID: fmt.Sprint("n", i), Label: fmt.Sprintf("%s-%03d", strings.ToLower(strings.Fields(g)[0]), i), Group: g, Kind: k, Href: fmt.Sprint("/devices/", i)}
		if k == KindClinicalServer {
			servers = append(servers, i)
		}
	}
	ports := []string{"dicom 104", "hl7 2575", "https 443", "smb 445", "ldap 389", "dns 53"}
	edges := make([]Edge, m)
	for i := range edges {
		a := r.IntN(n)
		b := r.IntN(n)
		if len(servers) > 0 && r.IntN(3) > 0 {
			b = servers[r.IntN(len(servers))]
		}
		edges[i] = Edge{From: nodes[a].ID, To: nodes[b].ID, Label: ports[r.IntN(len(ports))], Weight: float64(1 + r.IntN(1000)*r.IntN(1000))}
	}
	return nodes, edges
}

func TestMap(t *testing.T) {
	nodes, edges := ward()
	big, bigEdges := bigNetwork(300, 1000)
	aggN, aggE := AggregateByGroup(big, bigEdges)
	tests := []struct {
		name   string
		nodes  []Node
		edges  []Edge
		golden string
		want   []string
	}{
		{"Ward", nodes, edges, "map.svg", []string{
			`<a href="/devices/10"><g class="node node-medical"><title>ct-scanner · Medical device · Radiology (VLAN 30)</title>`,
			"<title>vendor-remote → ct-scanner: rdp 3389 (6)</title>",
			"<title>pacs-archive ↔ reporting-ws-1: dicom 104, dicom 11112 (840)</title>",
			">icu-central-…<",
		}},
		{"Aggregated", aggN, aggE, "map_aggregated.svg", []string{"group"}},
		{"Big", big, bigEdges, "", nil}, // too large for a golden file; see TestMapLayout
		{"NoEdges", nodes[:3], nil, "", []string{"with 0 connections"}},
		{"OneNode", []Node{{ID: "x"}}, nil, "", []string{">x<", "Ungrouped"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Map("Network map", tt.nodes, tt.edges)
			checkSVG(t, out)
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q", w)
				}
			}
			if strings.Contains(string(out), "dropped") || strings.Contains(string(out), "self") {
				t.Error("edge to an unknown node or to itself was drawn")
			}
			if tt.golden != "" {
				golden(t, tt.golden, out)
			}
		})
	}
}

// TestMapLayout checks the geometry that makes the map readable: every
// node's cell lies inside its group's box, boxes do not overlap each other
// or the legend, and everything fits in the picture, which stays a bounded
// size for the largest input we promise to draw.
func TestMapLayout(t *testing.T) {
	tests := []struct {
		name string
		n, m int
	}{
		{"Tiny", 3, 2},
		{"Medium", 60, 150},
		{"Large", 300, 1000},
		{"Skewed", 300, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes, edges := bigNetwork(tt.n, tt.m)
			if tt.name == "Skewed" {
				// One huge group beside a long-named tiny one.
				for i := range nodes {
					nodes[i].Group = "Flat network"
				}
				nodes[0].Group = strings.Repeat("Very long zone name ", 5)
			}
			l := layoutMap(nodes, edges)
			if len(l.nodes) != tt.n {
				t.Fatalf("placed %d nodes, want %d", len(l.nodes), tt.n)
			}
			if l.width > 3000 || l.height > 3000 {
				t.Errorf("picture is %v x %v, want at most 3000 x 3000", l.width, l.height)
			}
			for i, g := range l.groups {
				if g.x < 0 || g.y < legendH || g.x+g.w > l.width || g.y+g.h > l.height {
					t.Errorf("group %q box %v,%v %vx%v outside the picture %vx%v", g.name, g.x, g.y, g.w, g.h, l.width, l.height)
				}
				for _, h := range l.groups[i+1:] {
					if g.x < h.x+h.w && h.x < g.x+g.w && g.y < h.y+h.h && h.y < g.y+g.h {
						t.Errorf("groups %q and %q overlap", g.name, h.name)
					}
				}
			}
			for _, n := range l.nodes {
				g := l.groups[n.group]
				if g.name != n.Group {
					t.Errorf("node %s in box %q, want %q", n.ID, g.name, n.Group)
				}
				left, right := n.x-mapCellW/2, n.x+mapCellW/2
				top, bottom := n.y-nodeCY, n.y-nodeCY+mapCellH
				if left < g.x || right > g.x+g.w || top < g.y+mapHeader || bottom > g.y+g.h {
					t.Errorf("node %s cell outside its group %q", n.ID, g.name)
				}
			}
			out := Map("Network", nodes, edges)
			if len(out) > 1<<20 {
				t.Errorf("output is %d bytes, want at most 1 MiB", len(out))
			}
		})
	}
}

func TestAggregateByGroup(t *testing.T) {
	nodes, edges := ward()
	gotN, gotE := AggregateByGroup(nodes, edges)
	wantN := []Node{
		{ID: "group:Corporate", Label: "3 nodes", Group: "Corporate", Kind: KindIT},
		{ID: "group:Data centre", Label: "5 nodes", Group: "Data centre", Kind: KindClinicalServer},
		{ID: "group:ICU (VLAN 20)", Label: "7 (5 med)", Group: "ICU (VLAN 20)", Kind: KindMedical},
		{ID: "group:Internet", Label: "2 nodes", Group: "Internet", Kind: KindExternal},
		{ID: "group:Radiology (VLAN 30)", Label: "4 (3 med)", Group: "Radiology (VLAN 30)", Kind: KindMedical},
	}
	wantE := []Edge{
		{From: "group:Corporate", To: "group:Data centre", Label: "smb 445, ldap 389", Weight: 395},
		{From: "group:Data centre", To: "group:Internet", Label: "https 443", Weight: 60},
		{From: "group:Data centre", To: "group:Radiology (VLAN 30)", Label: "dicom 11112", Weight: 40},
		{From: "group:ICU (VLAN 20)", To: "group:Data centre", Label: "hl7 2575, ldap 389", Weight: 430},
		{From: "group:Internet", To: "group:Radiology (VLAN 30)", Label: "rdp 3389", Weight: 6},
		{From: "group:Radiology (VLAN 30)", To: "group:Data centre", Label: "dicom 104, kerberos 88", Weight: 9020},
	}
	if fmt.Sprint(gotN) != fmt.Sprint(wantN) {
		t.Errorf("nodes:\n got %v\nwant %v", gotN, wantN)
	}
	if fmt.Sprint(gotE) != fmt.Sprint(wantE) {
		t.Errorf("edges:\n got %v\nwant %v", gotE, wantE)
	}
	if n, e := AggregateByGroup(nil, nil); len(n) != 0 || len(e) != 0 {
		t.Error("empty input gave output")
	}
}

func BenchmarkMap(b *testing.B) {
	nodes, edges := bigNetwork(300, 1000)
	b.ReportAllocs()
	for b.Loop() {
		_ = Map("Network", nodes, edges)
	}
}

func BenchmarkAggregateByGroup(b *testing.B) {
	nodes, edges := bigNetwork(300, 1000)
	b.ReportAllocs()
	for b.Loop() {
		n, e := AggregateByGroup(nodes, edges)
		_ = Map("Network", n, e)
	}
}
