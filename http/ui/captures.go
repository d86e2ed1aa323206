package ui

import (
	"errors"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/ingest"
)

// capturesPerPage is the capture list's page length.
const capturesPerPage = 25

func (h *Handler) registerCaptureRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /captures", cordon.RoleViewer, h.handleCaptureList)
	h.route(mux, "POST /captures", cordon.RoleAnalyst, h.handleCaptureUpload)
	h.route(mux, "GET /captures/{id}", cordon.RoleViewer, h.handleCaptureView)
	h.route(mux, "POST /captures/sensors/forget", cordon.RoleAdmin, h.handleSensorForget)
}

// capturesPage is the data of the capture list.
type capturesPage struct {
	page
	Captures  []*cordon.Capture
	Pager     *pager
	MaxUpload int64
	Active    bool
	// Live is each live capture interface, by name; Silent names those
	// that have gone quiet.
	Live   []liveRow
	Silent []string
	// Sensors is each remote sensor interface (sensors.go); SilentSensors
	// names those that have sent nothing for too long.
	Sensors       []sensorRow
	SilentSensors []string
	Notice        string
}

// liveRow is one live capture interface on the captures page.
type liveRow struct {
	cordon.LiveCapture
	// DropShare is the share of the packets that reached the interface
	// that the kernel dropped, as the capture_drops alert counts it; ""
	// without drops.
	DropShare string
}

func (h *Handler) handleCaptureList(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	q := r.URL.Query()
	n := pageNumber(q)
	cs, total, err := h.cfg.Captures.FindCaptures(r.Context(), cordon.CaptureFilter{Offset: (n - 1) * capturesPerPage, Limit: capturesPerPage})
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	// The notice of a forget is for this view only, not the pager's links.
	pq := maps.Clone(q)
	delete(pq, "done")
	p := &capturesPage{page: h.base(r, u, "Captures", "captures"), Captures: cs, MaxUpload: h.cfg.MaxUpload,
		Pager: newPager("/captures", pq, n, capturesPerPage, total), Notice: sensorNotices[q.Get("done")]}
	for _, c := range cs {
		p.Active = p.Active || c.Status == cordon.CaptureQueued || c.Status == cordon.CaptureRunning
	}
	p.Live, p.Silent = h.liveRows()
	if p.Sensors, p.SilentSensors, err = h.sensorRows(r.Context()); err != nil {
		h.renderError(w, r, err)
		return
	}
	// Keep progress moving on the list too while something is ingesting.
	if p.Active {
		p.Refresh = 5
	}
	h.render(w, r, http.StatusOK, "captures", p)
}

// liveRows returns the live capture interfaces sorted by name, and the
// names of those that are silent.
func (h *Handler) liveRows() ([]liveRow, []string) {
	if h.cfg.LiveCaptures == nil {
		return nil, nil
	}
	var rows []liveRow
	var silent []string
	for _, c := range h.cfg.LiveCaptures() {
		rows = append(rows, liveRow{LiveCapture: c, DropShare: dropShare(c.Drops, c.Packets)})
	}
	slices.SortStableFunc(rows, func(a, b liveRow) int { return strings.Compare(a.Interface, b.Interface) })
	for _, r := range rows {
		if r.Silent {
			silent = append(silent, r.Interface)
		}
	}
	return rows, silent
}

// dropShare formats drops as a share of the packets that reached the
// interface (those read and those dropped). Drops are rare against the
// packets of a busy link, so a whole percent would read 0%: it keeps a
// decimal, and says "under 0.01%" below that.
func dropShare(drops, packets uint64) string {
	if drops == 0 {
		return ""
	}
	pct := 100 * float64(drops) / (float64(drops) + float64(packets))
	switch {
	case pct < 0.01:
		return "under 0.01%"
	case pct < 1:
		return strconv.FormatFloat(pct, 'f', 2, 64) + "%"
	}
	return strconv.FormatFloat(pct, 'f', 1, 64) + "%"
}

// handleCaptureUpload streams the multipart field "file" through
// ingest.Accept, which stores it under its hash and queues it, then sends
// the browser to the capture's page. The "csrf" part comes first and has
// been checked by the server already.
func (h *Handler) handleCaptureUpload(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "Choose a capture file to upload."))
		return
	}
	if h.cfg.MaxUpload > 0 {
		// Room for the part headers and the CSRF field around the file.
		r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxUpload+64<<10)
	}
	var part *multipart.Part
	var name string
	if r.MultipartForm != nil {
		// Someone upstream parsed the form already; use its file.
		h.acceptParsed(w, r)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The upload could not be read."))
		return
	}
	for part == nil {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "Choose a capture file to upload."))
			return
		}
		if err != nil {
			h.renderError(w, r, uploadError(err, h.cfg.MaxUpload))
			return
		}
		if p.FormName() == "file" {
			part, name = p, p.FileName()
		}
	}
	if name == "" {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "Choose a capture file to upload."))
		return
	}
	c, dup, err := ingest.Accept(r.Context(), h.cfg.Captures, h.cfg.Queue, h.cfg.CaptureDir, name, part, h.cfg.MaxUpload)
	if err != nil {
		h.renderError(w, r, uploadError(err, h.cfg.MaxUpload))
		return
	}
	h.redirectToCapture(w, r, c, dup)
}

// acceptParsed handles an upload whose multipart form was already parsed.
func (h *Handler) acceptParsed(w http.ResponseWriter, r *http.Request) {
	fhs := r.MultipartForm.File["file"]
	if len(fhs) == 0 {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "Choose a capture file to upload."))
		return
	}
	f, err := fhs[0].Open()
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	defer f.Close()
	c, dup, err := ingest.Accept(r.Context(), h.cfg.Captures, h.cfg.Queue, h.cfg.CaptureDir, fhs[0].Filename, f, h.cfg.MaxUpload)
	if err != nil {
		h.renderError(w, r, uploadError(err, h.cfg.MaxUpload))
		return
	}
	h.redirectToCapture(w, r, c, dup)
}

func (h *Handler) redirectToCapture(w http.ResponseWriter, r *http.Request, c *cordon.Capture, dup bool) {
	to := "/captures/" + strconv.FormatInt(c.ID, 10)
	if dup {
		to += "?duplicate=1"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// uploadError turns a body that was cut short or too large into a message
// for people; errors of the store pass through.
func uploadError(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	var overLimit *ingest.TooLargeError
	switch {
	case errors.As(err, &tooBig), errors.As(err, &overLimit):
		return cordon.Errorf(cordon.EINVALID, "The capture is larger than the limit of %s.", formatBytes(limit))
	case cordon.ErrorCode(err) == cordon.EINVALID:
		return err
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, multipart.ErrMessageTooLarge):
		return cordon.Errorf(cordon.EINVALID, "The upload was cut short. Try again.")
	}
	return err
}

// capturePage is the data of one capture's page.
type capturePage struct {
	page
	Capture   *cordon.Capture
	Duplicate bool
	Active    bool
}

func (h *Handler) handleCaptureView(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.renderError(w, r, notFound("capture"))
		return
	}
	c, err := h.cfg.Captures.FindCaptureByID(r.Context(), id)
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		err = notFound("capture")
	}
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p := &capturePage{page: h.base(r, u, "Capture "+c.Name, "captures"), Capture: c,
		Duplicate: r.URL.Query().Get("duplicate") == "1",
		Active:    c.Status == cordon.CaptureQueued || c.Status == cordon.CaptureRunning}
	if p.Active {
		p.Refresh = 2
	}
	h.render(w, r, http.StatusOK, "capture", p)
}
