package ui

import (
	"html/template"
	"net/http"
	"net/netip"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/chart"
)

// Network map limits: above mapAggregateAt devices the map shows groups
// rather than devices; mapMaxDevices and mapMaxConversations bound what is
// read for one picture.
const (
	mapAggregateAt      = 300
	mapMaxDevices       = 20000
	mapMaxConversations = 5000
)

func (h *Handler) registerMapRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /map", cordon.RoleViewer, h.handleMap)
}

// mapPage is the data of the network map.
type mapPage struct {
	page
	Category, Site string
	Map            template.HTML
	Devices, Edges int
	Aggregated     bool
	Truncated      bool
	CommsAvailable bool
}

func (h *Handler) handleMap(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	q := r.URL.Query()
	f := cordon.DeviceFilter{Category: q.Get("category"), Site: strings.TrimSpace(q.Get("site")), Sort: "ip"}
	p := &mapPage{page: h.base(r, u, "Network map", "map"), Category: f.Category, Site: f.Site, CommsAvailable: h.cfg.Conversations != nil}
	ctx := r.Context()

	var nodes []chart.Node
	known := map[string]bool{}
	err := h.eachDevice(ctx, f, func(d *cordon.DeviceRecord) error {
		if len(nodes) >= mapMaxDevices {
			p.Truncated = true
			return nil
		}
		row := newDeviceRow(d)
		nodes = append(nodes, chart.Node{ID: d.Key, Label: row.Name, Group: mapGroup(d, row.IP), Kind: nodeKind(row), Href: "/devices/" + formatInt(d.ID)})
		known[d.Key] = true
		return nil
	})
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Devices = len(nodes)

	var edges []chart.Edge
	if h.cfg.Conversations != nil && len(nodes) > 0 {
		cs, err := h.cfg.Conversations.FindConversations(ctx, cordon.ConversationFilter{Limit: mapMaxConversations})
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		filtered := f.Category != "" || f.Site != ""
		for _, c := range cs {
			ends := [2]string{c.Client, c.Server}
			for _, k := range ends {
				// A peer outside the register is outside the hospital
				// (or not yet discovered); show it, unless the map is
				// filtered to part of the register.
				if !known[k] && !filtered {
					known[k] = true
					nodes = append(nodes, chart.Node{ID: k, Label: keyAddress(k), Group: "Outside the register", Kind: chart.KindExternal})
				}
			}
			if !known[c.Client] || !known[c.Server] {
				continue
			}
			label := c.Proto + "/" + formatInt(c.Port)
			if c.App != "" {
				label = c.App + " " + formatInt(c.Port)
			}
			edges = append(edges, chart.Edge{From: c.Client, To: c.Server, Label: label, Weight: float64(c.Flows)})
		}
	}
	p.Edges = len(edges)
	if len(nodes) > mapAggregateAt {
		p.Aggregated = true
		nodes, edges = chart.AggregateByGroup(nodes, edges)
		for i := range nodes {
			// A subnet box links to the devices in it; search matches
			// address text, so "10.1.2." finds 10.1.2.0/24.
			if g := nodes[i].Group; strings.HasSuffix(g, ".0/24") {
				nodes[i].Href = "/devices?q=" + queryEscape(strings.TrimSuffix(g, "0/24"))
			}
		}
	}
	p.Map = chart.Map("Network map: who talks to whom", nodes, edges)
	h.render(w, r, http.StatusOK, "map", p)
}

// nodeKind sorts a device into the map's kinds.
func nodeKind(row deviceRow) string {
	switch {
	case row.Category == cordon.CategoryMedicalServer:
		return chart.KindClinicalServer
	case row.Medical:
		return chart.KindMedical
	case row.Category == cordon.CategoryNetwork:
		return chart.KindInfrastructure
	}
	return chart.KindIT
}

// mapGroup is the box a device is drawn in: its recorded network zone, else
// its IPv4 /24 (IPv6 /64), else "No address".
func mapGroup(d *cordon.DeviceRecord, ip string) string {
	if z := strings.TrimSpace(d.Recorded.Zone); z != "" {
		return z
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "No address"
	}
	bits := 64
	if a.Is4() || a.Is4In6() {
		a, bits = a.Unmap(), 24
	}
	pfx, err := a.Prefix(bits)
	if err != nil {
		return "No address"
	}
	return pfx.String()
}
