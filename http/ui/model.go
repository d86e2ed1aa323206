package ui

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/modeldoc"
)

func (h *Handler) registerModelRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /models", cordon.RoleViewer, h.handleModelList)
	h.route(mux, "GET /models/{id}", cordon.RoleViewer, h.handleModelView)
	h.route(mux, "POST /models/{id}/documents", cordon.RoleAnalyst, h.handleModelUpload)
	h.route(mux, "POST /documents/{id}/delete", cordon.RoleAnalyst, h.handleDocumentDelete)
}

// modelRow is one line of the model list.
type modelRow struct {
	*cordon.DeviceModel
	Documents int
}

type modelsPage struct {
	page
	Available bool
	Query     string
	Models    []modelRow
	Total     int
}

func (h *Handler) handleModelList(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &modelsPage{page: h.base(r, u, "Device models", "models"), Available: h.cfg.Models != nil && h.cfg.Documents != nil}
	if !p.Available {
		h.render(w, r, http.StatusOK, "models", p)
		return
	}
	p.Query = strings.TrimSpace(r.URL.Query().Get("q"))
	ms, total, err := h.cfg.Models.FindModels(r.Context(), cordon.ModelFilter{Query: p.Query, Limit: 200})
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Total = total
	for _, m := range ms {
		_, n, err := h.cfg.Documents.FindDocuments(r.Context(), cordon.DocumentFilter{ModelID: m.ID, Limit: 1})
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		p.Models = append(p.Models, modelRow{DeviceModel: m, Documents: n})
	}
	h.render(w, r, http.StatusOK, "models", p)
}

// docView is a document with what it says, for the model page.
type docView struct {
	*cordon.ModelDocument
	Components []componentRow
	Sections   []answerSection
	Statements []cordon.VEXStatement
}

type componentRow struct {
	cordon.ModelComponent
	State string // support state now: unsupported, unknown, ending, supported or ""
}

type answerSection struct {
	Code, Title string
	Answers     []cordon.MDS2Answer
}

type modelPage struct {
	page
	Model          *cordon.DeviceModel
	Devices        []*cordon.DeviceRecord
	Documents      []docView
	Contradictions []cordon.ModelContradiction
	// Hub is the model's governance: plan, remediations, suppliers and
	// findings.
	Hub     *modelHub
	Message string // outcome of an upload or deletion
	Failed  bool
}

func (h *Handler) handleModelView(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	h.renderModel(w, r, u, http.StatusOK, modelMessage(r), false)
}

// modelMessage reads the outcome a redirect after a change carries.
func modelMessage(r *http.Request) string {
	switch r.URL.Query().Get("done") {
	case "imported":
		return "The document was imported and the model's devices re-assessed."
	case "unchanged":
		return "The model has this file already: nothing changed."
	case "deleted":
		return "The document was deleted."
	}
	return ""
}

func (h *Handler) renderModel(w http.ResponseWriter, r *http.Request, u *cordon.User, status int, message string, failed bool) {
	if h.cfg.Models == nil || h.cfg.Documents == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Device models are not configured."))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "No such model."))
		return
	}
	ctx := r.Context()
	m, err := h.cfg.Models.FindModelByID(ctx, id)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p := &modelPage{page: h.base(r, u, m.Manufacturer+" "+m.Model, "models"), Model: m, Message: message, Failed: failed}
	ids, err := h.cfg.Models.FindModelDevices(ctx, id)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	for _, d := range ids[:min(len(ids), 200)] {
		rec, err := h.cfg.Devices.FindDeviceByID(ctx, d)
		if err == nil {
			p.Devices = append(p.Devices, rec)
		}
	}
	docs, _, err := h.cfg.Documents.FindDocuments(ctx, cordon.DocumentFilter{ModelID: id, Limit: 100})
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	now := h.now()
	for _, d := range docs {
		c, err := h.cfg.Documents.FindDocumentContent(ctx, d.ID)
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		v := docView{ModelDocument: d, Statements: c.Statements}
		for _, x := range c.Components {
			v.Components = append(v.Components, componentRow{ModelComponent: x, State: x.SupportState(now)})
		}
		at := map[string]int{}
		for _, a := range c.Answers {
			i, ok := at[a.Section]
			if !ok {
				i = len(v.Sections)
				at[a.Section] = i
				v.Sections = append(v.Sections, answerSection{Code: a.Section, Title: a.SectionTitle})
			}
			v.Sections[i].Answers = append(v.Sections[i].Answers, a)
		}
		p.Documents = append(p.Documents, v)
	}
	if p.Contradictions, err = h.cfg.Documents.FindContradictions(ctx, id); err != nil {
		h.renderError(w, r, err)
		return
	}
	if p.Hub, err = h.modelHubOf(ctx, id, ids[:min(len(ids), 200)]); err != nil {
		h.renderError(w, r, err)
		return
	}
	h.render(w, r, status, "model", p)
}

func (h *Handler) modelDocs() *modeldoc.Service {
	return &modeldoc.Service{Models: h.cfg.Models, Documents: h.cfg.Documents, Devices: h.cfg.Devices,
		Conversations: h.cfg.Conversations, Findings: h.cfg.Findings, Assessor: h.cfg.Assessor, Alerts: h.cfg.Alerts, Now: h.now}
}

// handleModelUpload imports an uploaded document; a malformed one is shown
// on the model page with the reader's message, nothing stored.
func (h *Handler) handleModelUpload(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Models == nil || h.cfg.Documents == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Device models are not configured."))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "No such model."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, modeldoc.MaxSize+64<<10)
	name, data, kind, err := readUpload(r)
	if err == nil {
		var res *modeldoc.Result
		res, err = h.modelDocs().Import(r.Context(), id, name, kind, data)
		if res != nil {
			done := "imported"
			if res.Unchanged {
				done = "unchanged"
			}
			http.Redirect(w, r, "/models/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
			return
		}
	}
	if code := cordon.ErrorCode(err); code == cordon.EINVALID {
		h.renderModel(w, r, u, http.StatusBadRequest, cordon.ErrorMessage(err), true)
		return
	}
	h.renderError(w, r, err)
}

// readUpload reads the form's file and kind ("" to detect it).
func readUpload(r *http.Request) (name string, data []byte, kind string, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, "", cordon.Errorf(cordon.EINVALID, "Choose a file to upload.")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", nil, "", cordon.Errorf(cordon.EINVALID, "The upload was cut off or is larger than %d MiB.", modeldoc.MaxSize>>20)
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, io.LimitReader(part, modeldoc.MaxSize+1)); err != nil {
			return "", nil, "", cordon.Errorf(cordon.EINVALID, "The upload was cut off or is larger than %d MiB.", modeldoc.MaxSize>>20)
		}
		switch part.FormName() {
		case "kind":
			kind = strings.TrimSpace(buf.String())
		case "file":
			name, data = part.FileName(), buf.Bytes()
		}
	}
	if name == "" {
		return "", nil, "", cordon.Errorf(cordon.EINVALID, "Choose a file to upload.")
	}
	switch kind {
	case "", cordon.DocumentSBOM, cordon.DocumentMDS2, cordon.DocumentVEX:
	default:
		return "", nil, "", cordon.Errorf(cordon.EINVALID, "Unknown document kind %q.", kind)
	}
	return name, data, kind, nil
}

func (h *Handler) handleDocumentDelete(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Documents == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Device models are not configured."))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "No such document."))
		return
	}
	d, err := h.cfg.Documents.FindDocumentByID(r.Context(), id)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	if err := h.cfg.Documents.DeleteDocument(r.Context(), id); err != nil {
		h.renderError(w, r, err)
		return
	}
	// An SBOM takes its software with it; a VEX document's statuses went
	// back to open with it. Either way the remaining documents apply anew.
	if (d.Kind == cordon.DocumentSBOM || d.Kind == cordon.DocumentVEX) && h.cfg.Assessor != nil && h.cfg.Models != nil {
		if ids, err := h.cfg.Models.FindModelDevices(r.Context(), d.ModelID); err == nil && len(ids) > 0 {
			if err := h.cfg.Assessor.Assess(r.Context(), ids); err != nil {
				h.log.Error("assess after document delete", "error", err.Error())
			}
		}
	}
	http.Redirect(w, r, "/models/"+strconv.FormatInt(d.ModelID, 10)+"?done=deleted", http.StatusSeeOther)
}
