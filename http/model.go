package http

import (
	"bytes"
	"errors"
	"io"
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

// DocumentView is one document with what it says: SBOM components, MDS2
// answers grouped by section, VEX statements.
type DocumentView struct {
	cordon.ModelDocument
	Components []cordon.ModelComponent `json:"components"`
	Sections   []AnswerSection         `json:"sections"`
	Statements []cordon.VEXStatement   `json:"statements"`
}

// AnswerSection is the answers of one MDS2 section, in form order.
type AnswerSection struct {
	Code    string              `json:"code"`
	Title   string              `json:"title"`
	Answers []cordon.MDS2Answer `json:"answers"`
}

// Sections groups answers by section in the order each first appears.
func Sections(answers []cordon.MDS2Answer) []AnswerSection {
	out := []AnswerSection{}
	at := map[string]int{}
	for _, a := range answers {
		i, ok := at[a.Section]
		if !ok {
			i = len(out)
			at[a.Section] = i
			out = append(out, AnswerSection{Code: a.Section, Title: a.SectionTitle})
		}
		out[i].Answers = append(out[i].Answers, a)
	}
	return out
}

func (s *Server) models() (cordon.ModelService, error) {
	if s.ModelService == nil {
		return nil, errors.New("http: model service not configured")
	}
	return s.ModelService, nil
}

func (s *Server) documents() (cordon.DocumentService, error) {
	if s.DocumentService == nil {
		return nil, errors.New("http: document service not configured")
	}
	return s.DocumentService, nil
}

// modelDocs is the import service the document routes share with the
// pages and the command line. With a ConversationService an MDS2 import
// is held against the traffic at once, as on the model page; without one
// the form is stored and the check that follows every ingest finds the
// contradictions.
func (s *Server) modelDocs() (*modeldoc.Service, error) {
	ms, err := s.models()
	if err != nil {
		return nil, err
	}
	ds, err := s.documents()
	if err != nil {
		return nil, err
	}
	return &modeldoc.Service{Models: ms, Documents: ds, Devices: s.DeviceService, Conversations: s.ConversationService,
		Findings: s.FindingService, Assessor: s.Assessor, Alerts: s.AlertService, Now: s.timeNow}, nil
}

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

func (s *Server) handleDocumentIndex(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "model")
	if err != nil {
		Error(w, r, err)
		return
	}
	q, err := query(r, "kind", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f := cordon.DocumentFilter{ModelID: id, Kind: q.Get("kind")}
	if err := oneOf("kind", f.Kind, cordon.DocumentKinds); err != nil {
		Error(w, r, err)
		return
	}
	if f.Offset, f.Limit, err = page(q); err != nil {
		Error(w, r, err)
		return
	}
	ms, err := s.models()
	if err != nil {
		Error(w, r, err)
		return
	}
	if _, err := ms.FindModelByID(r.Context(), id); err != nil {
		Error(w, r, err)
		return
	}
	ds, err := s.documents()
	if err != nil {
		Error(w, r, err)
		return
	}
	docs, total, err := ds.FindDocuments(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list("documents", docs, total, f.Offset, f.Limit))
}

// handleDocumentUpload imports a manufacturer document: 201 with what it
// stored and changed, 200 with unchanged=true for a file the model has.
func (s *Server) handleDocumentUpload(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "model")
	if err != nil {
		Error(w, r, err)
		return
	}
	q, err := query(r, "kind")
	if err != nil {
		Error(w, r, err)
		return
	}
	kind := q.Get("kind")
	if err := oneOf("kind", kind, cordon.DocumentKinds); err != nil {
		Error(w, r, err)
		return
	}
	if !isMultipart(r) {
		Error(w, r, cordon.Errorf(EUNSUPPORTED, "Send the document as multipart/form-data in the field \"file\"."))
		return
	}
	name, data, err := readDocumentPart(w, r)
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.modelDocs()
	if err != nil {
		Error(w, r, err)
		return
	}
	res, err := svc.Import(r.Context(), id, name, kind, data)
	if err != nil && res == nil {
		Error(w, r, err)
		return
	}
	if err != nil {
		// Stored; what follows from it catches up at the next assessment.
		logFrom(r).Error("after document import", slog.Int64("document_id", res.Document.ID), slog.String("error", err.Error()))
	}
	status := http.StatusCreated
	if res.Unchanged {
		status = http.StatusOK
	}
	writeJSON(w, status, res)
}

// readDocumentPart reads the "file" part of an upload (a "csrf" part
// before it has been checked already), at most modeldoc.MaxSize bytes.
func readDocumentPart(w http.ResponseWriter, r *http.Request) (string, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, modeldoc.MaxSize+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, cordon.Errorf(cordon.EINVALID, "The upload is not valid multipart/form-data.")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", nil, cordon.Errorf(cordon.EINVALID, "The upload has no document: send it in the multipart field \"file\".")
		} else if err != nil {
			return "", nil, uploadError(err)
		}
		switch part.FormName() {
		case "csrf":
			continue
		case "file":
		default:
			return "", nil, cordon.Errorf(cordon.EINVALID, "Unexpected multipart field %q: send the document in the field \"file\".", part.FormName())
		}
		var buf bytes.Buffer
		n, err := io.Copy(&buf, io.LimitReader(part, modeldoc.MaxSize+1))
		if err != nil {
			return "", nil, uploadError(err)
		}
		if n > modeldoc.MaxSize {
			return "", nil, cordon.Errorf(ETOOLARGE, "The document is larger than %d MiB.", modeldoc.MaxSize>>20)
		}
		name := part.FileName()
		if name == "" {
			name = "document"
		}
		return cleanFileName(name), buf.Bytes(), nil
	}
}

func (s *Server) handleDocumentView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "document")
	if err != nil {
		Error(w, r, err)
		return
	}
	ds, err := s.documents()
	if err != nil {
		Error(w, r, err)
		return
	}
	d, err := ds.FindDocumentByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	c, err := ds.FindDocumentContent(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	v := DocumentView{ModelDocument: *d, Components: c.Components, Sections: Sections(c.Answers), Statements: c.Statements}
	if v.Components == nil {
		v.Components = []cordon.ModelComponent{}
	}
	if v.Statements == nil {
		v.Statements = []cordon.VEXStatement{}
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handleDocumentDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "document")
	if err != nil {
		Error(w, r, err)
		return
	}
	ds, err := s.documents()
	if err != nil {
		Error(w, r, err)
		return
	}
	d, err := ds.FindDocumentByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := ds.DeleteDocument(r.Context(), id); err != nil {
		Error(w, r, err)
		return
	}
	// An SBOM takes its software with it; a VEX document's statuses went
	// back to open with it. Either way the remaining documents apply anew.
	if d.Kind == cordon.DocumentSBOM || d.Kind == cordon.DocumentVEX {
		if ms, err := s.models(); err == nil {
			if devices, err := ms.FindModelDevices(r.Context(), d.ModelID); err == nil {
				s.reassess(r, devices, "delete document")
			}
		}
	}
	w.WriteHeader(http.StatusNoContent)
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

// documentUpload stands for a manufacturer document's upload form in the
// OpenAPI document: unlike a capture's, its file is an SBOM, VEX or MDS2.
type documentUpload struct{}

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
