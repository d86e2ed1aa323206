package http

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/modeldoc"
)

func (s *Server) registerModelRoutes() {
	s.handle("GET /api/v1/models", cordon.RoleViewer, s.handleModelIndex)
	s.handle("POST /api/v1/models", cordon.RoleAnalyst, s.handleModelCreate)
	s.handle("POST /api/v1/models/sync", cordon.RoleAnalyst, s.handleModelSync)
	s.handle("GET /api/v1/models/{id}", cordon.RoleViewer, s.handleModelView)
	s.handle("PATCH /api/v1/models/{id}", cordon.RoleAnalyst, s.handleModelUpdate)
	s.handle("DELETE /api/v1/models/{id}", cordon.RoleAnalyst, s.handleModelDelete)
	s.handle("POST /api/v1/models/{id}/devices", cordon.RoleAnalyst, s.handleModelAssign)
	s.handle("GET /api/v1/models/{id}/documents", cordon.RoleViewer, s.handleDocumentIndex)
	s.handle("POST /api/v1/models/{id}/documents", cordon.RoleAnalyst, s.handleDocumentUpload)
	s.handle("GET /api/v1/models/{id}/contradictions", cordon.RoleViewer, s.handleContradictions)
	s.handle("GET /api/v1/models/{id}/plan", cordon.RoleViewer, s.handleModelPlan)
	s.handle("GET /api/v1/documents/{id}", cordon.RoleViewer, s.handleDocumentView)
	s.handle("DELETE /api/v1/documents/{id}", cordon.RoleAnalyst, s.handleDocumentDelete)
}

// List envelopes and bodies of the model routes, for the document.
type (
	modelList struct {
		Models []cordon.DeviceModel `json:"models"`
		pageInfo
	}
	documentList struct {
		Documents []cordon.ModelDocument `json:"documents"`
		pageInfo
	}
	contradictionList struct {
		Contradictions []cordon.ModelContradiction `json:"contradictions"`
	}
)

// ModelChange is the body of POST /models and PATCH /models/{id}: a field
// left out keeps its value (PATCH) or is empty (POST).
type ModelChange struct {
	Manufacturer *string `json:"manufacturer,omitempty"`
	Model        *string `json:"model,omitempty"`
	Version      *string `json:"version,omitempty"`
	Category     *string `json:"category,omitempty"`
	Notes        *string `json:"notes,omitempty"`
}

func (c ModelChange) apply(m *cordon.DeviceModel) {
	for _, f := range []struct {
		v   *string
		dst *string
	}{{c.Manufacturer, &m.Manufacturer}, {c.Model, &m.Model}, {c.Version, &m.Version}, {c.Category, &m.Category}, {c.Notes, &m.Notes}} {
		if f.v != nil {
			*f.dst = strings.TrimSpace(*f.v)
		}
	}
}

// ModelAssignment is the body of POST /models/{id}/devices.
type ModelAssignment struct {
	DeviceIDs []int64 `json:"device_ids"`
}

// ModelSync is the answer of POST /models/sync.
type ModelSync struct {
	Created  int `json:"created"`
	Assigned int `json:"assigned"`
}

func (s *Server) models() (cordon.ModelService, error) { return configured(s.ModelService, "model") }

func (s *Server) handleModelIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "manufacturer", "q", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f := cordon.ModelFilter{Manufacturer: q.Get("manufacturer"), Query: q.Get("q")}
	if f.Offset, f.Limit, err = page(q); err != nil {
		Error(w, r, err)
		return
	}
	ms, err := s.models()
	if err != nil {
		Error(w, r, err)
		return
	}
	found, total, err := ms.FindModels(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	if found == nil {
		found = []*cordon.DeviceModel{}
	}
	writeJSON(w, http.StatusOK, list("models", found, total, f.Offset, f.Limit))
}

func (s *Server) handleModelCreate(w http.ResponseWriter, r *http.Request) {
	var c ModelChange
	if err := decodeJSON(w, r, &c); err != nil {
		Error(w, r, err)
		return
	}
	ms, err := s.models()
	if err != nil {
		Error(w, r, err)
		return
	}
	var m cordon.DeviceModel
	c.apply(&m)
	if err := ms.CreateModel(r.Context(), &m); err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, &m)
}

func (s *Server) handleModelSync(w http.ResponseWriter, r *http.Request) {
	ms, err := s.models()
	if err != nil {
		Error(w, r, err)
		return
	}
	created, assigned, err := ms.SyncDiscoveredModels(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ModelSync{Created: created, Assigned: assigned})
}

func (s *Server) handleModelView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "model")
	if err != nil {
		Error(w, r, err)
		return
	}
	ms, err := s.models()
	if err != nil {
		Error(w, r, err)
		return
	}
	m, err := ms.FindModelByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) handleModelUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "model")
	if err != nil {
		Error(w, r, err)
		return
	}
	var c ModelChange
	if err := decodeJSON(w, r, &c); err != nil {
		Error(w, r, err)
		return
	}
	ms, err := s.models()
	if err != nil {
		Error(w, r, err)
		return
	}
	m, err := ms.FindModelByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	c.apply(m)
	if err := ms.UpdateModel(r.Context(), m); err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) handleModelDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "model")
	if err != nil {
		Error(w, r, err)
		return
	}
	ms, err := s.models()
	if err != nil {
		Error(w, r, err)
		return
	}
	devices, err := ms.FindModelDevices(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := ms.DeleteModel(r.Context(), id); err != nil {
		Error(w, r, err)
		return
	}
	// Its documents went with it: its devices lose the SBOM's software.
	s.reassess(r, devices, "delete model")
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleModelAssign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "model")
	if err != nil {
		Error(w, r, err)
		return
	}
	var a ModelAssignment
	if err := decodeJSON(w, r, &a); err != nil {
		Error(w, r, err)
		return
	}
	if len(a.DeviceIDs) == 0 {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "device_ids: name at least one device."))
		return
	}
	ms, err := s.models()
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := ms.AssignDevices(r.Context(), id, a.DeviceIDs); err != nil {
		Error(w, r, err)
		return
	}
	s.reassess(r, a.DeviceIDs, "assign devices")
	m, err := ms.FindModelByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// reassess re-assesses devices after a change that alters what their
// model's documents add; a failure is logged, since the change is stored.
func (s *Server) reassess(r *http.Request, ids []int64, what string) {
	if len(ids) == 0 {
		return
	}
	if err := s.assess(r.Context(), ids); err != nil {
		logFrom(r).Error("assess after "+what, slog.Int("devices", len(ids)), slog.String("error", err.Error()))
	}
}

func (s *Server) handleContradictions(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "model")
	if err != nil {
		Error(w, r, err)
		return
	}
	ds, err := s.documents()
	if err != nil {
		Error(w, r, err)
		return
	}
	cs, err := ds.FindContradictions(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"contradictions": cs})
}

// handleModelPlan answers a model's mitigation plan: the controls of its
// active exceptions by class, and what makes the plan incomplete.
func (s *Server) handleModelPlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "model")
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.exceptions()
	if err != nil {
		Error(w, r, err)
		return
	}
	p, err := svc.ModelPlan(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

var modelOps = []apiOp{
	{"GET /api/v1/models", "List device models (manufacturer, model and software version) with their device counts.", cordon.RoleViewer,
		[]string{"manufacturer:model", "q:model", "offset", "limit"}, nil, 200, modelList{}},
	{"POST /api/v1/models", "Create a device model (audited). 409 if the same manufacturer, model and version exists.", cordon.RoleAnalyst, nil, ModelChange{}, 201, cordon.DeviceModel{}},
	{"POST /api/v1/models/sync", "Make a model for every manufacturer, model and version the traffic shows and assign its devices (those assigned by hand stay).", cordon.RoleAnalyst, nil, nil, 200, ModelSync{}},
	{"GET /api/v1/models/{id}", "One device model.", cordon.RoleViewer, nil, nil, 200, cordon.DeviceModel{}},
	{"PATCH /api/v1/models/{id}", "Change a model's fields (audited); fields left out keep their values.", cordon.RoleAnalyst, nil, ModelChange{}, 200, cordon.DeviceModel{}},
	{"DELETE /api/v1/models/{id}", "Delete a model and its documents (audited); its devices belong to none afterwards.", cordon.RoleAnalyst, nil, nil, 204, nil},
	{"POST /api/v1/models/{id}/devices", "Assign devices to the model by hand (audited per device); discovery leaves them there. The devices are re-assessed.", cordon.RoleAnalyst, nil, ModelAssignment{}, 200, cordon.DeviceModel{}},
	{"GET /api/v1/models/{id}/documents", "The model's manufacturer documents (SBOM, MDS2, VEX), newest first.", cordon.RoleViewer,
		[]string{"kind:document", "offset", "limit"}, nil, 200, documentList{}},
	{"POST /api/v1/models/{id}/documents", "Import a manufacturer document in the multipart field \"file\": a CycloneDX or SPDX SBOM, a CycloneDX, CSAF or OpenVEX VEX, or an MDS2 workbook (.xlsx or CSV), at most 64 MiB, its kind told by content or ?kind=. 201 with what it stored and changed: after an SBOM or VEX the model's devices are re-assessed; an MDS2 is held against the devices' traffic at once and its contradictions returned. 200 with unchanged=true when the model has the same file already; 400 naming the problem for a malformed file, with nothing stored.", cordon.RoleAnalyst,
		[]string{"kind:document"}, documentUpload{}, 201, modeldoc.Result{}},
	{"GET /api/v1/models/{id}/contradictions", "What the model's devices' traffic shows against its MDS2 form, most severe first, as last checked (after every ingest).", cordon.RoleViewer, nil, nil, 200, contradictionList{}},
	{"GET /api/v1/models/{id}/plan", "The model's mitigation plan: the controls of its active exceptions, each with its class (likelihood or impact) and status, and the check that flags a plan with only one class or nothing in place.", cordon.RoleViewer, nil, nil, 200, cordon.MitigationPlan{}},
	{"GET /api/v1/documents/{id}", "One document with what it says: SBOM components with their support, MDS2 answers by section, VEX statements.", cordon.RoleViewer, nil, nil, 200, DocumentView{}},
	{"DELETE /api/v1/documents/{id}", "Delete a document (audited); an older SBOM becomes current again. Deleting a VEX document sets back to open the findings whose status it set and no person changed since (each audited), and the model's devices are re-assessed.", cordon.RoleAnalyst, nil, nil, 204, nil},
}

var modelParams = map[string]map[string]any{
	"manufacturer:model": {"description": "Only models of this manufacturer (case-insensitive, exact).", "schema": map[string]any{"type": "string"}},
	"q:model":            {"description": "Words that must all appear in the manufacturer, model or version.", "schema": map[string]any{"type": "string"}},
	"kind:document":      {"description": "The document's kind; for an upload, default: told from the content.", "schema": map[string]any{"type": "string", "enum": cordon.DocumentKinds}},
}
