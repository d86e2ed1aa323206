package http

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/feeds"
)

// MaxFeedBytes bounds an uploaded feed file. NVD's largest yearly file is
// about 150 MB uncompressed and the EPSS file for every CVE some 10 MB;
// 512 MiB leaves room for growth while refusing a runaway upload. The
// server's MaxUploadBytes, when smaller, bounds feeds too.
const MaxFeedBytes = 512 << 20

// recentImports is how many imports GET /feeds lists.
const recentImports = 20

func (s *Server) registerFeedRoutes() {
	s.handle("GET /api/v1/feeds", cordon.RoleViewer, s.handleFeedIndex)
	s.handle("POST /api/v1/feeds", cordon.RoleAdmin, s.handleFeedUpload)
	s.handle("GET /api/v1/vulnerabilities/{cve}", cordon.RoleViewer, s.handleVulnerabilityView)
	s.handle("GET /api/v1/advisories", cordon.RoleViewer, s.handleAdvisoryIndex)
	s.handle("GET /api/v1/advisories/{advisory}", cordon.RoleViewer, s.handleAdvisoryView)
}

// FeedOverview is what the store holds from each source, and the latest
// imports.
type FeedOverview struct {
	Feeds   []cordon.FeedStatus  `json:"feeds"`
	Imports []*cordon.FeedImport `json:"imports"`
}

// FeedUpload is the answer to a feed upload. Unchanged says the same file
// was imported before (Import is that earlier import) and nothing changed;
// Assessed says findings and exposure were recomputed after a change.
type FeedUpload struct {
	Import    *cordon.FeedImport `json:"import"`
	Unchanged bool               `json:"unchanged"`
	Assessed  bool               `json:"assessed"`
}

func (s *Server) handleFeedIndex(w http.ResponseWriter, r *http.Request) {
	intel, err := s.intel()
	if err != nil {
		Error(w, r, err)
		return
	}
	st, err := intel.FeedStatus(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	imps, err := intel.FindFeedImports(r.Context(), recentImports)
	if err != nil {
		Error(w, r, err)
		return
	}
	if st == nil {
		st = []cordon.FeedStatus{}
	}
	if imps == nil {
		imps = []*cordon.FeedImport{}
	}
	writeJSON(w, http.StatusOK, FeedOverview{Feeds: st, Imports: imps})
}

// handleFeedUpload imports one feed file, sent as the raw body with
// ?name= or as the multipart field "file". The file is spooled to disk
// first: an import runs in one write transaction, which must not stay open
// for as long as a slow client takes to send 100 MB. After a change the
// whole register is reassessed before the answer, so that when the client
// hears "imported" the findings already reflect it (an import is rare and
// an admin's; reassessing a large fleet takes seconds).
func (s *Server) handleFeedUpload(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "name")
	if err != nil {
		Error(w, r, err)
		return
	}
	intel, err := s.intel()
	if err != nil {
		Error(w, r, err)
		return
	}
	limit := s.maxFeedBytes()
	var name string
	var src io.Reader
	switch {
	case isMultipart(r):
		// Room for the part headers and a CSRF field around the file.
		r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
		mr, err := r.MultipartReader()
		if err != nil {
			Error(w, r, cordon.Errorf(cordon.EINVALID, "The upload is not valid multipart/form-data."))
			return
		}
		part, err := feedPart(mr)
		if err != nil {
			Error(w, r, err)
			return
		}
		name, src = part.FileName(), part
	case isForm(r):
		Error(w, r, cordon.Errorf(EUNSUPPORTED, "Send the feed file as the request body (with ?name=) or as multipart/form-data in the field \"file\"."))
		return
	default:
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		src = r.Body
	}
	if v := q.Get("name"); v != "" {
		name = v
	}
	if name == "" {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "name: say which file this is, such as ?name=known_exploited_vulnerabilities.json; the name tells which feed it holds."))
		return
	}
	name = cleanFileName(name)
	tmp, err := s.spool(src, limit)
	if err != nil {
		Error(w, r, err)
		return
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()

	imp, err := feeds.Import(r.Context(), intel, name, tmp, cordon.Actor(r.Context()))
	switch {
	case errors.Is(err, feeds.ErrAlreadyImported):
		writeJSON(w, http.StatusOK, FeedUpload{Import: imp, Unchanged: true})
		return
	case err != nil:
		Error(w, r, err)
		return
	}
	out := FeedUpload{Import: imp, Assessed: s.Assessor != nil}
	if err := s.assess(r.Context(), nil); err != nil {
		// The import is committed; findings catch up at the next
		// assessment, and the answer says they have not yet.
		out.Assessed = false
		logFrom(r).Error("assess after feed import", slog.String("feed", name), slog.String("error", err.Error()))
	}
	logFrom(r).Info("feed import", slog.String("feed", name), slog.String("source", imp.Source),
		slog.Int("records", imp.Records), slog.Int("changed", imp.Changed))
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) maxFeedBytes() int64 {
	if s.MaxUploadBytes > 0 && s.MaxUploadBytes < MaxFeedBytes {
		return s.MaxUploadBytes
	}
	return MaxFeedBytes
}

// feedPart returns the "file" part of a feed upload; a "csrf" part before
// it has been checked already (see checkCSRF).
func feedPart(mr *multipart.Reader) (*multipart.Part, error) {
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, cordon.Errorf(cordon.EINVALID, "The upload has no feed file: send it in the multipart field \"file\".")
		} else if err != nil {
			return nil, uploadError(err)
		}
		switch part.FormName() {
		case "csrf":
		case "file":
			return part, nil
		default:
			return nil, cordon.Errorf(cordon.EINVALID, "Unexpected multipart field %q: send the feed in the field \"file\".", part.FormName())
		}
	}
}

// spool copies src to a temporary file in CaptureDir (on disk and sized
// for uploads, where the system's temporary directory may be a small
// memory file system) and returns it open at its start. Over limit bytes is
// ETOOLARGE; an empty file or a broken body is EINVALID.
func (s *Server) spool(src io.Reader, limit int64) (_ *os.File, err error) {
	tmp, err := os.CreateTemp(s.CaptureDir, ".feed-*")
	if err != nil {
		return nil, fmt.Errorf("http: spool feed: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	body := &bodyReader{r: src}
	n, err := io.Copy(tmp, io.LimitReader(body, limit+1))
	var cut *http.MaxBytesError
	switch {
	case n > limit, errors.As(err, &cut):
		return nil, cordon.Errorf(ETOOLARGE, "The feed file is larger than the %d bytes allowed.", limit)
	case err != nil && body.err != nil:
		return nil, cordon.Errorf(cordon.EINVALID, "The upload was cut short.")
	case err != nil:
		return nil, fmt.Errorf("http: spool feed: %w", err)
	case n == 0:
		return nil, cordon.Errorf(cordon.EINVALID, "The feed file is empty.")
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("http: spool feed: %w", err)
	}
	return tmp, nil
}

// VulnerabilityDetail is a CVE as the store knows it, with the history of
// its EPSS score, oldest first, to show whether exploitation grows likelier.
type VulnerabilityDetail struct {
	*cordon.Vulnerability
	EPSSHistory []cordon.EPSSScore `json:"epss_history"`
}

func (s *Server) handleVulnerabilityView(w http.ResponseWriter, r *http.Request) {
	id, err := parseCVE(r.PathValue("cve"))
	if err != nil {
		Error(w, r, err)
		return
	}
	intel, err := s.intel()
	if err != nil {
		Error(w, r, err)
		return
	}
	v, err := intel.FindVulnerability(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	h, err := intel.EPSSHistory(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	if h == nil {
		h = []cordon.EPSSScore{}
	}
	writeJSON(w, http.StatusOK, VulnerabilityDetail{Vulnerability: v, EPSSHistory: h})
}

// handleAdvisoryIndex lists advisories, newest update first, optionally
// only those naming a CVE. The store returns them all (a few hundred for
// medical devices), so paging is done here.
func (s *Server) handleAdvisoryIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "cve", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	offset, limit, err := page(q)
	if err != nil {
		Error(w, r, err)
		return
	}
	var cve string
	if v := q.Get("cve"); v != "" {
		if cve, err = parseCVE(v); err != nil {
			Error(w, r, err)
			return
		}
	}
	intel, err := s.intel()
	if err != nil {
		Error(w, r, err)
		return
	}
	all, err := intel.FindAdvisories(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	advs := []*cordon.Advisory{}
	for _, a := range all {
		if cve == "" || slices.Contains(a.CVEs, cve) {
			advs = append(advs, a)
		}
	}
	total := len(advs)
	advs = advs[min(offset, total):min(offset+limit, total)]
	writeJSON(w, http.StatusOK, list("advisories", advs, total, offset, limit))
}

// maxAdvisoryID bounds an advisory ID in a path ("ICSMA-23-145-01"; CSAF
// tracking IDs are free text, but not long).
const maxAdvisoryID = 256

func (s *Server) handleAdvisoryView(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("advisory")
	if id == "" || len(id) > maxAdvisoryID || !utf8.ValidString(id) {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "An advisory ID is its tracking ID, such as ICSMA-23-145-01, of at most %d bytes.", maxAdvisoryID))
		return
	}
	intel, err := s.intel()
	if err != nil {
		Error(w, r, err)
		return
	}
	a, err := intel.FindAdvisory(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}
