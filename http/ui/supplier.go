package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remediation"
	"github.com/cordonsec/cordon/remoteaccess"
)

// Bounds of the supplier pages: a trust has tens of suppliers; the
// unexplained table shows the latest sessions and says how many more.
const (
	suppliersShown   = 500
	unexplainedShown = 200
	// blankRows is how many empty contract and access rows the form
	// offers beyond those recorded, so that it needs no script to add one.
	blankRows = 2
)

func (h *Handler) registerSupplierRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /suppliers", cordon.RoleViewer, h.handleSupplierList)
	h.route(mux, "GET /suppliers/new", cordon.RoleAnalyst, h.handleSupplierNew)
	h.route(mux, "POST /suppliers", cordon.RoleAnalyst, h.handleSupplierCreate)
	h.route(mux, "GET /suppliers/{id}", cordon.RoleViewer, h.handleSupplierView)
	h.route(mux, "POST /suppliers/{id}", cordon.RoleAnalyst, h.handleSupplierUpdate)
	h.route(mux, "POST /suppliers/{id}/delete", cordon.RoleAnalyst, h.handleSupplierDelete)
}

// suppliersPage is the list of suppliers and the remote access no
// supplier explains.
type suppliersPage struct {
	page
	Available   bool
	Suppliers   []*cordon.Supplier
	Total       int
	Unexplained []remoteaccess.Decision
	MoreUnexpl  int // unexplained sessions beyond those shown
	Deleted     bool
}

func (h *Handler) handleSupplierList(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &suppliersPage{page: h.base(r, u, "Suppliers", "suppliers"), Available: h.cfg.Suppliers != nil,
		Deleted: r.URL.Query().Get("deleted") == "1"}
	if p.Available {
		ctx := r.Context()
		var err error
		if p.Suppliers, p.Total, err = h.cfg.Suppliers.FindSuppliers(ctx, cordon.SupplierFilter{Limit: suppliersShown}); err != nil {
			h.renderError(w, r, err)
			return
		}
		ds, err := remoteaccess.FindUnexplained(ctx, h.cfg.Suppliers, cordon.RemoteSessionFilter{})
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		if len(ds) > unexplainedShown {
			p.MoreUnexpl = len(ds) - unexplainedShown
			ds = ds[:unexplainedShown]
		}
		p.Unexplained = ds
	}
	h.render(w, r, http.StatusOK, "suppliers", p)
}

// supplierPage shows one supplier, or the form for a new one (ID 0).
type supplierPage struct {
	page
	Available bool
	Supplier  *cordon.Supplier
	Models    []servedModel
	Form      supplierForm
	FormError string
	Saved     bool
	Methods   []string
	Modes     []string
	// Service is the patch service level measured against the remediation
	// records of the models served; nil without remediation records.
	Service *remediation.ServiceLevel
}

// OutcomeText says what a deployment outcome means.
func (p *supplierPage) OutcomeText(o string) string {
	switch o {
	case remediation.OutcomeMet:
		return "met"
	case remediation.OutcomeMissed:
		return "missed"
	case remediation.OutcomeOpenWithin:
		return "open, within"
	case remediation.OutcomeOpenOverdue:
		return "open, overdue"
	}
	return o
}

// servedModel names a model the supplier serves, "" when it is unknown.
type servedModel struct {
	ID   int64
	Name string
}

// supplierForm is the edit form as typed: recorded rows plus blank ones.
type supplierForm struct {
	Name, Contact, Email, Phone, Notes string
	ModelIDs, DeviceIDs                string
	Contracts                          []contractRow
	Access                             []accessRow
}

type contractRow struct {
	Reference, Start, End, AttendHours, PatchDays, Notes string
}

type accessRow struct {
	Method, Mode, Sources, Notes string
	MFA                          bool
}

// formOf fills the form from a supplier, with blank rows to add more.
func formOf(s *cordon.Supplier) supplierForm {
	f := supplierForm{Name: s.Name, Contact: s.Contact, Email: s.Email, Phone: s.Phone, Notes: s.Notes,
		ModelIDs: joinIDs(s.ModelIDs), DeviceIDs: joinIDs(s.DeviceIDs)}
	for _, c := range s.Contracts {
		f.Contracts = append(f.Contracts, contractRow{Reference: c.Reference, Start: dateText(c.Start), End: dateText(c.End),
			AttendHours: intText(c.AttendHours), PatchDays: intText(c.PatchDays), Notes: c.Notes})
	}
	for _, a := range s.Access {
		f.Access = append(f.Access, accessRow{Method: a.Method, Mode: a.Mode, MFA: a.MFA, Sources: strings.Join(a.Sources, ", "), Notes: a.Notes})
	}
	f.pad()
	return f
}

// pad adds the blank rows.
func (f *supplierForm) pad() {
	for range blankRows {
		f.Contracts = append(f.Contracts, contractRow{})
		f.Access = append(f.Access, accessRow{Mode: cordon.AccessOnDemand})
	}
}

func joinIDs(ids []int64) string {
	var out []string
	for _, id := range ids {
		out = append(out, strconv.FormatInt(id, 10))
	}
	return strings.Join(out, ", ")
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func intText(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// maxFormRows bounds the rows a posted form may carry.
const maxFormRows = cordon.MaxSupplierContracts + blankRows

// parseSupplierForm reads the posted form into a supplier and the form as
// typed, naming the field at fault in any error. Rows left blank (no
// contract reference, no access method) are skipped.
func parseSupplierForm(v url.Values) (*cordon.Supplier, supplierForm, error) {
	f := supplierForm{Name: v.Get("name"), Contact: v.Get("contact"), Email: v.Get("email"), Phone: v.Get("phone"),
		Notes: v.Get("notes"), ModelIDs: v.Get("model_ids"), DeviceIDs: v.Get("device_ids")}
	s := &cordon.Supplier{Name: f.Name, Contact: f.Contact, Email: f.Email, Phone: f.Phone, Notes: f.Notes,
		Contracts: []cordon.Contract{}, Access: []cordon.RemoteAccess{}}
	for i := range maxFormRows {
		n := strconv.Itoa(i)
		if _, ok := v["c_ref_"+n]; ok {
			f.Contracts = append(f.Contracts, contractRow{Reference: strings.TrimSpace(v.Get("c_ref_" + n)), Start: v.Get("c_start_" + n),
				End: v.Get("c_end_" + n), AttendHours: v.Get("c_attend_" + n), PatchDays: v.Get("c_patch_" + n), Notes: v.Get("c_notes_" + n)})
		}
		if _, ok := v["a_method_"+n]; ok {
			f.Access = append(f.Access, accessRow{Method: v.Get("a_method_" + n), Mode: v.Get("a_mode_" + n),
				MFA: v.Get("a_mfa_"+n) == "yes", Sources: v.Get("a_sources_" + n), Notes: v.Get("a_notes_" + n)})
		}
	}
	var err error
	if s.ModelIDs, err = parseIDs("Models served", f.ModelIDs); err != nil {
		return nil, f, err
	}
	if s.DeviceIDs, err = parseIDs("Devices served", f.DeviceIDs); err != nil {
		return nil, f, err
	}
	for i, c := range f.Contracts {
		if c.Reference == "" && c.Start == "" && c.End == "" && c.AttendHours == "" && c.PatchDays == "" && c.Notes == "" {
			continue
		}
		row := "Contract " + strconv.Itoa(i+1)
		k := cordon.Contract{Reference: c.Reference, Notes: c.Notes}
		if k.Start, err = cordon.ParseOptionalDate(row+" start", c.Start); err != nil {
			return nil, f, err
		}
		if k.End, err = cordon.ParseOptionalDate(row+" end", c.End); err != nil {
			return nil, f, err
		}
		if k.AttendHours, err = parseCount(row+" time to attend", c.AttendHours); err != nil {
			return nil, f, err
		}
		if k.PatchDays, err = parseCount(row+" time to patch", c.PatchDays); err != nil {
			return nil, f, err
		}
		s.Contracts = append(s.Contracts, k)
	}
	for _, a := range f.Access {
		if a.Method == "" {
			continue
		}
		s.Access = append(s.Access, cordon.RemoteAccess{Method: a.Method, Mode: a.Mode, MFA: a.MFA,
			Sources: strings.FieldsFunc(a.Sources, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }),
			Notes:   a.Notes})
	}
	return s, f, nil
}

func parseIDs(field, v string) ([]int64, error) {
	ids := []int64{}
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			return nil, cordon.Errorf(cordon.EINVALID, "%s: %q is not an ID; list numbers separated by commas.", field, s)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func parseCount(field, v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, cordon.Errorf(cordon.EINVALID, "%s: %q is not a whole number.", field, v)
	}
	return n, nil
}

// FlagText says what a supplier flag means.
func (p *suppliersPage) FlagText(flag string) string { return cordon.FlagText(flag) }

// FlagText says what a supplier flag means.
func (p *supplierPage) FlagText(flag string) string { return cordon.FlagText(flag) }

// DeviceName names a device a session reached.
func (p *suppliersPage) DeviceName(d cordon.FindingDevice) string { return findingDeviceName(d) }

// Source names a session's source.
func (p *suppliersPage) Source(r *cordon.RemoteSession) string { return remoteaccess.Source(r) }
