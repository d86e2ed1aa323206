package ui

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/reconcile"
)

// Register import in three steps, each a plain form that works without
// script: upload the CSV (POST /register/preview), check the column mapping
// and see what an import would do (POST /register/import, action dry-run),
// then apply it (action apply). Between steps the file waits on disk (see
// register_upload.go), so that it is uploaded once however often the
// mapping is changed.
const (
	// maxRegisterBytes bounds an uploaded register, as the API does.
	maxRegisterBytes = 20 << 20
	// registerPreviewRows is how many rows the mapping preview shows.
	registerPreviewRows = 10
	// reportListMax bounds each list on the report page; the API and the
	// export carry everything.
	reportListMax = 200
	// previewCellMax bounds a preview cell's shown length, in characters.
	previewCellMax = 60
)

func (h *Handler) registerRegisterRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /register", cordon.RoleViewer, h.handleRegister)
	h.route(mux, "POST /register/preview", cordon.RoleAnalyst, h.handleRegisterPreview)
	h.route(mux, "POST /register/import", cordon.RoleAnalyst, h.handleRegisterImport)
}

// registerPage is the data of the register page: upload and export.
type registerPage struct {
	page
	MaxUpload int64
}

func (h *Handler) handleRegister(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	h.render(w, r, http.StatusOK, "register", &registerPage{page: h.base(r, u, "Register import and export", "register"), MaxUpload: maxRegisterBytes})
}

// column is one column of an uploaded register and the field it maps to.
type column struct {
	Index int
	Name  string
	Field string // "" to ignore
}

// fieldOption is a choice in a column's select.
type fieldOption struct{ Value, Label string }

// fieldOptions are the fields a column may map to, labelled for people.
var fieldOptions = func() []fieldOption {
	var out []fieldOption
	for _, f := range reconcile.Fields {
		label := fieldLabel(f)
		if f == reconcile.KeyField {
			label = "Cordon register key"
		}
		out = append(out, fieldOption{Value: f, Label: label})
	}
	return out
}()

// previewPage is the data of the mapping step.
type previewPage struct {
	page
	Token    string
	FileName string
	Columns  []column
	Rows     [][]string // the first rows, padded or cut to the columns
	Fields   []fieldOption
	Message  string // why the last mapping was refused
}

// handleRegisterPreview stores the uploaded CSV and shows its first rows
// under a select per column, preset to the suggested mapping.
func (h *Handler) handleRegisterPreview(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	h.sweepUploads()
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "Choose a register file (CSV) to upload."))
		return
	}
	// Room for the part headers and the CSRF field around the file.
	r.Body = http.MaxBytesReader(w, r.Body, maxRegisterBytes+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The upload could not be read."))
		return
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "Choose a register file (CSV) to upload."))
			return
		}
		if err != nil {
			h.renderError(w, r, registerUploadError(err))
			return
		}
		if part.FormName() != "file" {
			continue
		}
		if part.FileName() == "" {
			h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "Choose a register file (CSV) to upload."))
			return
		}
		tok, err := h.saveUpload(u, part)
		if err != nil {
			h.renderError(w, r, registerUploadError(err))
			return
		}
		up := &upload{token: tok, name: displayName(part.FileName())}
		headers, rows, suggested, err := h.readUpload(u, tok)
		if err != nil {
			h.removeUpload(u, tok) // a file that cannot be read is no use later
			h.renderError(w, r, err)
			return
		}
		h.renderPreview(w, r, u, http.StatusOK, up, headers, rows, suggested, "")
		return
	}
}

// upload names a stored upload: its token and the file name shown.
type upload struct{ token, name string }

// renderPreview shows the mapping step with mapping preselected.
func (h *Handler) renderPreview(w http.ResponseWriter, r *http.Request, u *cordon.User, status int, up *upload,
	headers []string, rows [][]string, m reconcile.Mapping, message string) {
	p := &previewPage{page: h.base(r, u, "Map the register's columns", "register"), Token: up.token, FileName: up.name,
		Fields: fieldOptions, Message: message}
	p.Columns = columnsOf(headers, m)
	for _, row := range rows {
		cells := make([]string, len(headers))
		for i := range cells {
			if i < len(row) {
				cells[i] = shorten(row[i], previewCellMax)
			}
		}
		p.Rows = append(p.Rows, cells)
	}
	h.render(w, r, status, "register-preview", p)
}

func columnsOf(headers []string, m reconcile.Mapping) []column {
	cols := make([]column, len(headers))
	for i, name := range headers {
		cols[i] = column{Index: i, Name: name, Field: m[name]}
	}
	return cols
}

// reportPage is the data of the dry run and of the result.
type reportPage struct {
	page
	Token    string
	FileName string
	Columns  []column // the mapping, carried to the next step
	Report   *reconcile.Report
	// The report's lists, each cut to reportListMax, and how many more.
	Matched                                                 []reconcile.MatchedRow
	Created                                                 []reconcile.CreatedRow
	RegisterOnly, Ambiguous, Duplicates                     []reconcile.RowRef
	NetworkOnly                                             []reconcile.DeviceRef
	Errors                                                  []reconcile.RowError
	MatchedMore, CreatedMore, RegisterOnlyMore, NetworkMore int
	UnsureMore, ErrorsMore                                  int
	// Unsure counts the rows left out as ambiguous or duplicate.
	Unsure int
}

// handleRegisterImport runs the mapping step's form: action "remap" shows
// the mapping again, "dry-run" (the default) reports what an import would
// do, and "apply" imports and deletes the stored file.
func (h *Handler) handleRegisterImport(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	h.sweepUploads()
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The form could not be read. Upload the register again."))
		return
	}
	up := &upload{token: r.PostForm.Get("token"), name: displayName(r.PostForm.Get("name"))}
	headers, rows, _, err := h.readUpload(u, up.token)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	m, err := mappingFrom(r, headers)
	if err != nil {
		h.renderPreview(w, r, u, http.StatusBadRequest, up, headers, rows, m, cordon.ErrorMessage(err))
		return
	}
	action := r.PostForm.Get("action")
	switch action {
	case "remap":
		h.renderPreview(w, r, u, http.StatusOK, up, headers, rows, m, "")
		return
	case "", "dry-run", "apply":
	default:
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "Unknown action %q.", action))
		return
	}
	apply := action == "apply"
	f, err := h.openUpload(u, up.token)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	parsed, bad, err := reconcile.Parse(f, m)
	f.Close()
	if cordon.ErrorCode(err) == cordon.EINVALID {
		h.renderPreview(w, r, u, http.StatusBadRequest, up, headers, rows, m, cordon.ErrorMessage(err))
		return
	} else if err != nil {
		h.renderError(w, r, err)
		return
	}
	rep, err := reconcile.Import(r.Context(), h.cfg.Devices, parsed, apply)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	rep.AddErrors(bad)
	if apply {
		h.removeUpload(u, up.token)
	}
	title := "What the import would do"
	if apply {
		title = "Register imported"
	}
	p := &reportPage{page: h.base(r, u, title, "register"), Token: up.token, FileName: up.name,
		Columns: columnsOf(headers, m), Report: rep}
	p.fillLists(rep)
	h.render(w, r, http.StatusOK, "register-report", p)
}

// mappingFrom reads the column selects ("col-0" …) into a mapping. A
// column's name is taken from the file, never from the form.
func mappingFrom(r *http.Request, headers []string) (reconcile.Mapping, error) {
	m := reconcile.Mapping{}
	for i, name := range headers {
		field := r.PostForm.Get("col-" + strconv.Itoa(i))
		if field == "" {
			continue
		}
		if prev, ok := m[name]; ok && prev != field {
			return m, cordon.Errorf(cordon.EINVALID, "Two columns are called %q and map to different fields; rename one in the file or map both the same way.", name)
		}
		m[name] = field
	}
	return m, nil
}

// fillLists copies the report's lists, cut to reportListMax; matched rows
// that change something come first, since those are what to check.
func (p *reportPage) fillLists(rep *reconcile.Report) {
	matched := append([]reconcile.MatchedRow(nil), rep.Matched...)
	sort.SliceStable(matched, func(i, j int) bool { return len(matched[i].Changes) > 0 && len(matched[j].Changes) == 0 })
	p.Matched, p.MatchedMore = cut(matched)
	p.Created, p.CreatedMore = cut(rep.Created)
	p.RegisterOnly, p.RegisterOnlyMore = cut(rep.RegisterOnly)
	p.NetworkOnly, p.NetworkMore = cut(rep.NetworkOnly)
	var amb, dup int
	p.Ambiguous, amb = cut(rep.Ambiguous)
	p.Duplicates, dup = cut(rep.Duplicates)
	p.UnsureMore = amb + dup
	p.Unsure = rep.Counts.Ambiguous + rep.Counts.Duplicates
	p.Errors, p.ErrorsMore = cut(rep.Errors)
}

func cut[T any](s []T) ([]T, int) {
	if len(s) > reportListMax {
		return s[:reportListMax], len(s) - reportListMax
	}
	return s, 0
}

// shorten cuts s to max characters with an ellipsis.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max-1]) + "…"
}

// displayName keeps an uploaded file's base name for display only: it is
// never used as a path.
func displayName(name string) string {
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "" {
		return "register.csv"
	}
	return shorten(name, 120)
}

// registerUploadError turns an upload that was too large or cut short into
// a message for people; other errors pass through.
func registerUploadError(err error) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig), errors.Is(err, errUploadTooLarge):
		return cordon.Errorf(cordon.EINVALID, "The register is larger than the limit of %s.", formatBytes(int64(maxRegisterBytes)))
	case cordon.ErrorCode(err) == cordon.EINVALID:
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return cordon.Errorf(cordon.EINVALID, "The upload was cut short. Try again.")
	}
	return err
}
