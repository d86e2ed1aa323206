package ui

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// devicesPerPage is the device list's page length.
const devicesPerPage = 50

func (h *Handler) registerDeviceRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /devices", cordon.RoleViewer, h.handleDeviceList)
	h.route(mux, "GET /devices.csv", cordon.RoleViewer, h.handleDeviceCSV)
	h.route(mux, "GET /devices.json", cordon.RoleViewer, h.handleDeviceJSON)
	h.route(mux, "GET /devices/{id}", cordon.RoleViewer, h.handleDeviceView)
	h.route(mux, "POST /devices/{id}", cordon.RoleAnalyst, h.handleDeviceUpdate)
}

// deviceRow is one line of the device list: the observed identity where
// traffic showed one, else what the register records.
type deviceRow struct {
	ID                                  int64
	Name, IP, MAC, Category, Modality   string
	Manufacturer, Model, OS, Site, Ward string
	Medical, Observed                   bool
	LastSeen                            time.Time
	Differences                         int
}

// newDeviceRow flattens a record for the list.
func newDeviceRow(d *cordon.DeviceRecord) deviceRow {
	rec := d.Recorded
	row := deviceRow{ID: d.ID, Name: deviceName(d), IP: rec.IP, MAC: rec.MAC, Category: rec.Category,
		Manufacturer: rec.Manufacturer, Model: rec.Model, OS: rec.OS, Site: rec.Site, Ward: rec.Ward}
	if o := d.Observed; o != nil {
		row.Observed = true
		if len(o.IPs) > 0 {
			row.IP = o.IPs[0]
		}
		if !o.MAC.IsZero() {
			row.MAC = o.MAC.String()
		}
		if o.Category != "" && (o.Category != cordon.CategoryUnknown || row.Category == "") {
			row.Category = o.Category
		}
		row.Modality = o.Modality
		row.Medical = o.Medical
		row.Manufacturer = firstNonEmpty(o.Manufacturer, row.Manufacturer)
		row.Model = firstNonEmpty(o.Model, row.Model)
		row.OS = firstNonEmpty(osName(o.OS), row.OS)
		row.LastSeen = o.LastSeen
	}
	if row.Category == "" {
		row.Category = cordon.CategoryUnknown
	}
	row.Medical = row.Medical || cordon.IsMedicalCategory(row.Category)
	row.Differences = len(cordon.Differences(d))
	return row
}

// deviceName is what people call a device: its host name, else its
// address, else its register number.
func deviceName(d *cordon.DeviceRecord) string {
	if o := d.Observed; o != nil {
		if len(o.Hostnames) > 0 {
			return o.Hostnames[0]
		}
	}
	if d.Recorded.Hostname != "" {
		return d.Recorded.Hostname
	}
	if o := d.Observed; o != nil {
		if len(o.IPs) > 0 {
			return o.IPs[0]
		}
		if !o.MAC.IsZero() {
			return o.MAC.String()
		}
	}
	switch {
	case d.Recorded.IP != "":
		return d.Recorded.IP
	case d.Recorded.AssetTag != "":
		return "Asset " + d.Recorded.AssetTag
	}
	return "Device " + formatInt(d.ID)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// sortColumns are the list's sortable columns, by the store's sort field.
var sortColumns = []struct{ Key, Label string }{
	{"hostname", "Host name"}, {"ip", "IP address"}, {"mac", "MAC"}, {"category", "Category"},
	{"manufacturer", "Manufacturer"}, {"model", "Model"},
}

// sortHeader is a column header of the list: a link that sorts by the
// column, and the aria-sort state.
type sortHeader struct {
	Label, URL, AriaSort string
}

// deviceFilterFrom reads the list's query parameters.
func deviceFilterFrom(q url.Values) cordon.DeviceFilter {
	f := cordon.DeviceFilter{
		Query:        strings.TrimSpace(q.Get("q")),
		Category:     q.Get("category"),
		Manufacturer: strings.TrimSpace(q.Get("manufacturer")),
		Site:         strings.TrimSpace(q.Get("site")),
		Sort:         q.Get("sort"),
		Medical:      parseBoolValue(q.Get("medical")),
	}
	if f.Sort == "" {
		f.Sort = "-last_seen"
	}
	return f
}

// devicesPage is the data of the device list.
type devicesPage struct {
	page
	Filter     cordon.DeviceFilter
	Medical    string
	Rows       []deviceRow
	Headers    []sortHeader
	LastSeen   sortHeader
	Site       sortHeader
	Pager      *pager
	ExportCSV  string
	ExportJSON string
	Filtered   bool
}

func (h *Handler) handleDeviceList(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	q := r.URL.Query()
	f := deviceFilterFrom(q)
	p := pageNumber(q)
	f.Offset, f.Limit = (p-1)*devicesPerPage, devicesPerPage
	ds, total, err := h.cfg.Devices.FindDevices(r.Context(), f)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	d := &devicesPage{page: h.base(r, u, "Devices", "devices"), Filter: f, Medical: q.Get("medical")}
	d.Filtered = f.Query != "" || f.Category != "" || f.Manufacturer != "" || f.Site != "" || f.Medical != nil
	for _, dev := range ds {
		d.Rows = append(d.Rows, newDeviceRow(dev))
	}
	for _, c := range sortColumns {
		d.Headers = append(d.Headers, sortLink(q, f.Sort, c.Key, c.Label))
	}
	d.Site = sortLink(q, f.Sort, "site", "Site / ward")
	d.LastSeen = sortLink(q, f.Sort, "last_seen", "Last seen")
	d.Pager = newPager("/devices", q, p, devicesPerPage, total)
	export := url.Values{}
	for k, vs := range q {
		if k != "page" {
			export[k] = vs
		}
	}
	d.ExportCSV, d.ExportJSON = "/devices.csv", "/devices.json"
	if enc := export.Encode(); enc != "" {
		d.ExportCSV += "?" + enc
		d.ExportJSON += "?" + enc
	}
	h.render(w, r, http.StatusOK, "devices", d)
}

// sortLink builds a sortable header: clicking the current ascending column
// sorts it descending, any other click sorts ascending (last seen starts
// newest first, which is what people look for).
func sortLink(q url.Values, current, key, label string) sortHeader {
	hd := sortHeader{Label: label, AriaSort: "none"}
	next := key
	switch current {
	case key:
		hd.AriaSort, next = "ascending", "-"+key
	case "-" + key:
		hd.AriaSort = "descending"
	default:
		if key == "last_seen" {
			next = "-" + key
		}
	}
	v := url.Values{}
	for k, vs := range q {
		if k != "page" && k != "sort" {
			v[k] = vs
		}
	}
	v.Set("sort", next)
	hd.URL = "/devices?" + v.Encode()
	return hd
}
