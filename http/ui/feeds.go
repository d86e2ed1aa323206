package ui

import (
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"

	"github.com/cordonsec/cordon"
)

// feedImportsShown is how many recent imports the feeds page lists.
const feedImportsShown = 20

func (h *Handler) registerFeedRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /feeds", cordon.RoleViewer, h.handleFeeds)
	// Feeds change every finding in the register: administrators only.
	h.route(mux, "POST /feeds", cordon.RoleAdmin, h.handleFeedUpload)
}

// feedLabels say what each source is.
var feedLabels = map[string]string{
	cordon.FeedNVD:       "NVD CVE records",
	cordon.FeedKEV:       "CISA Known Exploited Vulnerabilities",
	cordon.FeedEPSS:      "FIRST EPSS scores",
	cordon.FeedCSAF:      "CSAF advisories (CISA ICSMA and others)",
	cordon.FeedLifecycle: "Lifecycles (endoflife.date, device models)",
}

// feedRow is one source's status.
type feedRow struct {
	cordon.FeedStatus
	Label string
}

// feedsPage is the data of the feeds page.
type feedsPage struct {
	page
	Available bool
	CanUpload bool // ImportFeed is configured
	Feeds     []feedRow
	Imports   []*cordon.FeedImport
	// Outcome of the last upload, shown once after the redirect.
	Result       string // "imported", "unchanged"
	ResultImport *cordon.FeedImport
	AssessFailed bool
	Error        string
	MaxUpload    int64
}

func (h *Handler) handleFeeds(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p, err := h.feedsPage(r, u)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	switch q.Get("result") {
	case "imported", "unchanged":
		p.Result = q.Get("result")
		id, _ := strconv.ParseInt(q.Get("import"), 10, 64)
		for _, imp := range p.Imports {
			if imp.ID == id {
				p.ResultImport = imp
			}
		}
	}
	p.AssessFailed = q.Get("assess") == "failed"
	h.render(w, r, http.StatusOK, "feeds", p)
}

// feedsPage gathers the status of each source and the latest imports.
func (h *Handler) feedsPage(r *http.Request, u *cordon.User) (*feedsPage, error) {
	p := &feedsPage{page: h.base(r, u, "Vulnerability feeds", "feeds"), MaxUpload: h.cfg.MaxUpload}
	if h.cfg.Intel == nil {
		return p, nil
	}
	p.Available, p.CanUpload = true, h.cfg.ImportFeed != nil
	ctx := r.Context()
	st, err := h.cfg.Intel.FeedStatus(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range st {
		l, ok := feedLabels[s.Source]
		if !ok {
			l = s.Source
		}
		p.Feeds = append(p.Feeds, feedRow{FeedStatus: s, Label: l})
	}
	if p.Imports, err = h.cfg.Intel.FindFeedImports(ctx, feedImportsShown); err != nil {
		return nil, err
	}
	return p, nil
}

// handleFeedUpload streams the multipart field "file" into ImportFeed,
// which detects its format, then reassesses every device. The "csrf" part
// comes first and has been checked by the server already. A file seen
// before is "unchanged", not a failure.
func (h *Handler) handleFeedUpload(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Intel == nil || h.cfg.ImportFeed == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Uploading feeds is not configured on this server."))
		return
	}
	imp, err := h.importUpload(w, r, u)
	switch cordon.ErrorCode(err) {
	case "":
		to := "/feeds?result=imported&import=" + strconv.FormatInt(imp.ID, 10)
		if h.cfg.Assessor != nil {
			if err := h.cfg.Assessor.Assess(r.Context(), nil); err != nil {
				h.log.Error("assess after feed import", slog.Int64("import_id", imp.ID), slog.String("error", err.Error()))
				to += "&assess=failed"
			}
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	case cordon.ECONFLICT:
		// With the earlier import it is the same file again; without, a
		// real conflict (the file changed while read), shown as an error.
		if imp != nil {
			http.Redirect(w, r, "/feeds?result=unchanged&import="+strconv.FormatInt(imp.ID, 10), http.StatusSeeOther)
			return
		}
		fallthrough
	case cordon.EINVALID:
		// Say what was wrong with the file on the page with the form, so
		// that the next try is one click away.
		p, perr := h.feedsPage(r, u)
		if perr != nil {
			h.renderError(w, r, perr)
			return
		}
		p.Error = cordon.ErrorMessage(err)
		h.render(w, r, statuses[cordon.ErrorCode(err)], "feeds", p)
	default:
		h.renderError(w, r, err)
	}
}

// importUpload finds the file part of the upload and imports it.
func (h *Handler) importUpload(w http.ResponseWriter, r *http.Request, u *cordon.User) (*cordon.FeedImport, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, cordon.Errorf(cordon.EINVALID, "Choose a feed file to upload.")
	}
	if h.cfg.MaxUpload > 0 {
		r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxUpload+64<<10)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, cordon.Errorf(cordon.EINVALID, "The upload could not be read.")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, cordon.Errorf(cordon.EINVALID, "Choose a feed file to upload.")
		}
		if err != nil {
			return nil, feedUploadError(err, h.cfg.MaxUpload)
		}
		if part.FormName() != "file" {
			continue
		}
		if part.FileName() == "" {
			return nil, cordon.Errorf(cordon.EINVALID, "Choose a feed file to upload.")
		}
		imp, err := h.cfg.ImportFeed(r.Context(), part.FileName(), part, u.Name)
		if err != nil {
			return imp, feedUploadError(err, h.cfg.MaxUpload)
		}
		return imp, nil
	}
}

// feedUploadError turns a body cut short or too large into a message for
// people; the importer's own errors (which name the file and the problem)
// pass through.
func feedUploadError(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return cordon.Errorf(cordon.EINVALID, "The file is larger than the %s this server accepts.", formatBytes(limit))
	}
	if cordon.ErrorCode(err) == cordon.EINTERNAL && errors.Is(err, io.ErrUnexpectedEOF) {
		return cordon.Errorf(cordon.EINVALID, "The upload was cut short; nothing was imported. Try again.")
	}
	return err
}
