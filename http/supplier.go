package http

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remediation"
	"github.com/cordonsec/cordon/remoteaccess"
)

func (s *Server) registerSupplierRoutes() {
	s.handle("GET /api/v1/suppliers", cordon.RoleViewer, s.handleSupplierIndex)
	s.handle("POST /api/v1/suppliers", cordon.RoleAnalyst, s.handleSupplierCreate)
	s.handle("GET /api/v1/suppliers/{id}", cordon.RoleViewer, s.handleSupplierView)
	s.handle("PUT /api/v1/suppliers/{id}", cordon.RoleAnalyst, s.handleSupplierUpdate)
	s.handle("DELETE /api/v1/suppliers/{id}", cordon.RoleAnalyst, s.handleSupplierDelete)
	s.handle("GET /api/v1/remote-access/unexplained", cordon.RoleViewer, s.handleRemoteUnexplained)
}

var supplierOps = []apiOp{
	{"GET /api/v1/suppliers", "List suppliers by name, each with its contracts, remote access, what it serves and its guidance flags (always_on, no_mfa, contract_expired, no_contract, no_service_levels).", cordon.RoleViewer,
		[]string{"q:supplier", "model:supplier", "device:supplier", "offset", "limit"}, nil, 200, supplierList{}},
	{"POST /api/v1/suppliers", "Create a supplier with its contracts, remote access and the models and devices it serves (audited).", cordon.RoleAnalyst, nil, SupplierBody{}, 201, cordon.Supplier{}},
	{"GET /api/v1/suppliers/{id}", "One supplier with its flags and its patch service level measured against reality: for the models it serves, each remediation record's deployment lag (manufacturer approval to applied) against the shortest patch_days of its current contracts (30 days when none sets one): met, missed, open and within, open and overdue, and the median lag of finished deployments.", cordon.RoleViewer, nil, nil, 200, SupplierView{}},
	{"PUT /api/v1/suppliers/{id}", "Replace a supplier with its contracts, access and what it serves (audited).", cordon.RoleAnalyst, nil, SupplierBody{}, 200, cordon.Supplier{}},
	{"DELETE /api/v1/suppliers/{id}", "Delete a supplier (audited).", cordon.RoleAnalyst, nil, nil, 204, nil},
	{"GET /api/v1/remote-access/unexplained", "Inbound remote access to medical devices and devices a supplier serves (RDP, VNC, SSH, Telnet, TeamViewer, AnyDesk) that no supplier's remote access record explains, latest first, each with the reason.", cordon.RoleViewer,
		[]string{"since:remote", "offset", "limit"}, nil, 200, unexplainedList{}},
}

var supplierParams = map[string]map[string]any{
	"q:supplier":      {"description": "Words in the supplier's name or contact.", "schema": map[string]any{"type": "string"}},
	"model:supplier":  {"description": "Only suppliers serving this device model (ID).", "schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}},
	"device:supplier": {"description": "Only suppliers serving this device (ID), directly or by its model.", "schema": map[string]any{"type": "integer", "format": "int64", "minimum": 1}},
	"since:remote":    {"description": "Only traffic from this date (2026-09-30) or RFC 3339 time on; default all.", "schema": map[string]any{"type": "string"}},
}

type (
	supplierList struct {
		Suppliers []cordon.Supplier `json:"suppliers"`
		pageInfo
	}
	unexplainedList struct {
		Sessions []remoteaccess.Decision `json:"sessions"`
		pageInfo
	}
)

// SupplierView is GET /suppliers/{id}: the supplier and, when the server
// keeps remediation records, its patch service level measured against
// them.
type SupplierView struct {
	*cordon.Supplier
	ServiceLevel *remediation.ServiceLevel `json:"service_level,omitempty"`
}

// SupplierBody is the body of POST /suppliers and PUT /suppliers/{id}: a
// supplier as a person writes it, contract dates as "2026-09-30" or RFC
// 3339 times (what GET answers). Flags are the server's to compute.
type SupplierBody struct {
	Name      string         `json:"name"`
	Contact   string         `json:"contact,omitempty"`
	Email     string         `json:"email,omitempty"`
	Phone     string         `json:"phone,omitempty"`
	Notes     string         `json:"notes,omitempty"`
	Contracts []ContractBody `json:"contracts"`
	Access    []AccessBody   `json:"access"`
	ModelIDs  []int64        `json:"model_ids"`
	DeviceIDs []int64        `json:"device_ids"`
}

// ContractBody is one contract of a SupplierBody. A contract is in force
// from its start until its end: from the end day on it is not.
type ContractBody struct {
	Reference   string `json:"reference"`
	Start       string `json:"start,omitempty"`
	End         string `json:"end,omitempty"`
	AttendHours int    `json:"attend_hours,omitempty"`
	PatchDays   int    `json:"patch_days,omitempty"`
	Notes       string `json:"notes,omitempty"`
}

// AccessBody is one remote access record of a SupplierBody.
type AccessBody struct {
	Method  string   `json:"method"`
	Mode    string   `json:"mode"`
	MFA     bool     `json:"mfa"`
	Sources []string `json:"sources"`
	Notes   string   `json:"notes,omitempty"`
}

// supplier turns a body into the domain's supplier, naming the field at
// fault in any error.
func (b SupplierBody) supplier() (*cordon.Supplier, error) {
	s := &cordon.Supplier{Name: b.Name, Contact: b.Contact, Email: b.Email, Phone: b.Phone, Notes: b.Notes,
		Contracts: []cordon.Contract{}, Access: []cordon.RemoteAccess{}, ModelIDs: b.ModelIDs, DeviceIDs: b.DeviceIDs}
	if len(b.Contracts) > cordon.MaxSupplierContracts {
		return nil, cordon.Errorf(cordon.EINVALID, "contracts: at most %d per supplier, not %d.", cordon.MaxSupplierContracts, len(b.Contracts))
	}
	for i, c := range b.Contracts {
		start, err := parseDay(fmt.Sprintf("contracts[%d].start", i), c.Start)
		if err != nil {
			return nil, err
		}
		end, err := parseDay(fmt.Sprintf("contracts[%d].end", i), c.End)
		if err != nil {
			return nil, err
		}
		s.Contracts = append(s.Contracts, cordon.Contract{Reference: c.Reference, Start: start, End: end,
			AttendHours: c.AttendHours, PatchDays: c.PatchDays, Notes: c.Notes})
	}
	for _, a := range b.Access {
		if a.Sources == nil {
			a.Sources = []string{}
		}
		s.Access = append(s.Access, cordon.RemoteAccess{Method: a.Method, Mode: a.Mode, MFA: a.MFA, Sources: a.Sources, Notes: a.Notes})
	}
	return s, nil
}

func (s *Server) suppliers() (cordon.SupplierService, error) {
	return configured(s.SupplierService, "supplier")
}

func (s *Server) handleSupplierIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "q", "model", "device", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f := cordon.SupplierFilter{Query: q.Get("q")}
	if f.Offset, f.Limit, err = page(q); err != nil {
		Error(w, r, err)
		return
	}
	for name, dst := range map[string]*int64{"model": &f.ModelID, "device": &f.DeviceID} {
		if v := q.Get(name); v != "" {
			if *dst, err = strconv.ParseInt(v, 10, 64); err != nil || *dst < 1 {
				Error(w, r, cordon.Errorf(cordon.EINVALID, "%s must be a %s ID (a positive whole number), not %q.", name, name, v))
				return
			}
		}
	}
	svc, err := s.suppliers()
	if err != nil {
		Error(w, r, err)
		return
	}
	ss, total, err := svc.FindSuppliers(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	if ss == nil {
		ss = []*cordon.Supplier{}
	}
	writeJSON(w, http.StatusOK, list("suppliers", ss, total, f.Offset, f.Limit))
}

func (s *Server) handleSupplierCreate(w http.ResponseWriter, r *http.Request) {
	var b SupplierBody
	if err := decodeJSON(w, r, &b); err != nil {
		Error(w, r, err)
		return
	}
	sup, err := b.supplier()
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.suppliers()
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := svc.CreateSupplier(r.Context(), sup); err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/suppliers/"+strconv.FormatInt(sup.ID, 10))
	writeJSON(w, http.StatusCreated, sup)
}

func (s *Server) handleSupplierView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "supplier")
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.suppliers()
	if err != nil {
		Error(w, r, err)
		return
	}
	sup, err := svc.FindSupplierByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	v := SupplierView{Supplier: sup}
	if s.RemediationService != nil {
		sl, err := remediation.SupplierServiceLevel(r.Context(), s.RemediationService, sup, s.timeNow())
		if err != nil {
			Error(w, r, err)
			return
		}
		v.ServiceLevel = &sl
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handleSupplierUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "supplier")
	if err != nil {
		Error(w, r, err)
		return
	}
	var b SupplierBody
	if err := decodeJSON(w, r, &b); err != nil {
		Error(w, r, err)
		return
	}
	sup, err := b.supplier()
	if err != nil {
		Error(w, r, err)
		return
	}
	sup.ID = id
	svc, err := s.suppliers()
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := svc.UpdateSupplier(r.Context(), sup); err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sup)
}

func (s *Server) handleSupplierDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "supplier")
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.suppliers()
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := svc.DeleteSupplier(r.Context(), id); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleRemoteUnexplained(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "since", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	offset, limit, err := page(q)
	if err != nil {
		Error(w, r, err)
		return
	}
	since, err := parseDay("since", q.Get("since"))
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.suppliers()
	if err != nil {
		Error(w, r, err)
		return
	}
	ds, err := remoteaccess.FindUnexplained(r.Context(), svc, cordon.RemoteSessionFilter{Since: since})
	if err != nil {
		Error(w, r, err)
		return
	}
	total := len(ds)
	ds = ds[min(offset, total):min(offset+limit, total)]
	writeJSON(w, http.StatusOK, list("sessions", ds, total, offset, limit))
}
