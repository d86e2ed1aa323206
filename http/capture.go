package http

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/ingest"
)

func (s *Server) registerCaptureRoutes() {
	s.handle("GET /api/v1/captures", cordon.RoleViewer, s.handleCaptureIndex)
	// The mux prefers the literal "live" to the wildcard {id}, whatever
	// the order of registration.
	s.handle("GET /api/v1/captures/live", cordon.RoleViewer, s.handleCaptureLive)
	s.handle("GET /api/v1/captures/{id}", cordon.RoleViewer, s.handleCaptureView)
	s.handle("POST /api/v1/captures", cordon.RoleAnalyst, s.handleCaptureUpload)
}

// CaptureUpload is the answer to an upload: the capture, and whether it was
// already known (same content), in which case nothing new is ingested.
type CaptureUpload struct {
	*cordon.Capture
	Duplicate bool `json:"duplicate"`
}

func (s *Server) handleCaptureIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "status", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f := cordon.CaptureFilter{Status: q.Get("status")}
	switch f.Status {
	case "", cordon.CaptureQueued, cordon.CaptureRunning, cordon.CaptureDone, cordon.CaptureFailed:
	default:
		Error(w, r, cordon.Errorf(cordon.EINVALID, "status must be queued, running, done or failed, not %q.", f.Status))
		return
	}
	if f.Offset, f.Limit, err = page(q); err != nil {
		Error(w, r, err)
		return
	}
	caps, total, err := s.CaptureService.FindCaptures(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	if caps == nil {
		caps = []*cordon.Capture{}
	}
	writeJSON(w, http.StatusOK, list("captures", caps, total, f.Offset, f.Limit))
}

func (s *Server) handleCaptureView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "capture")
	if err != nil {
		Error(w, r, err)
		return
	}
	c, err := s.CaptureService.FindCaptureByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// LiveCaptureList is the answer of GET /api/v1/captures/live: each live
// capture interface's health, by interface name.
type LiveCaptureList struct {
	Captures []cordon.LiveCapture `json:"captures"`
}

// handleCaptureLive answers an empty list when the server captures nothing
// live: that is a configuration, not an error, and a monitoring script can
// treat both alike.
func (s *Server) handleCaptureLive(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r); err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, LiveCaptureList{Captures: s.liveCaptures()})
}

// liveCaptures returns a copy of the live captures' snapshot sorted by
// interface, so that the API and /metrics list them in a stable order, and
// never nil, so that JSON shows an empty array.
func (s *Server) liveCaptures() []cordon.LiveCapture {
	var live []cordon.LiveCapture
	if s.LiveCaptures != nil {
		live = slices.Clone(s.LiveCaptures())
	}
	if live == nil {
		return []cordon.LiveCapture{}
	}
	slices.SortStableFunc(live, func(a, b cordon.LiveCapture) int { return strings.Compare(a.Interface, b.Interface) })
	return live
}

// handleCaptureUpload streams the multipart field "file" to a temporary
// file in CaptureDir while hashing it, so that a capture of gigabytes never
// sits in memory, then files it under its SHA-256 and queues it.
func (s *Server) handleCaptureUpload(w http.ResponseWriter, r *http.Request) {
	if !isMultipart(r) {
		Error(w, r, cordon.Errorf(EUNSUPPORTED, "Upload the capture as multipart/form-data in the field \"file\"."))
		return
	}
	// Room for the part headers and a CSRF field around the file itself.
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUploadBytes+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "The upload is not valid multipart/form-data."))
		return
	}
	c, dup, err := s.receiveCapture(r.Context(), mr)
	switch {
	case err != nil:
		Error(w, r, err)
	case dup:
		writeJSON(w, http.StatusOK, CaptureUpload{Capture: c, Duplicate: true})
	default:
		writeJSON(w, http.StatusAccepted, CaptureUpload{Capture: c})
	}
}

// receiveCapture reads the parts of an upload up to the "file"; a "csrf"
// part before it has been checked already (see checkCSRF).
func (s *Server) receiveCapture(ctx context.Context, mr *multipart.Reader) (*cordon.Capture, bool, error) {
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, false, cordon.Errorf(cordon.EINVALID, "The upload has no capture: send it in the multipart field \"file\".")
		} else if err != nil {
			return nil, false, uploadError(err)
		}
		switch part.FormName() {
		case "csrf":
		case "file":
			var q ingest.Queue = noQueue{}
			if s.Ingester != nil {
				q = s.Ingester
			}
			body := &bodyReader{r: part}
			c, dup, err := ingest.Accept(ctx, s.CaptureService, q, s.CaptureDir, cleanFileName(part.FileName()), body, s.MaxUploadBytes)
			var tooBig *ingest.TooLargeError
			var cut *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig), errors.As(err, &cut):
				return nil, false, tooLarge(s.MaxUploadBytes)
			case err != nil && body.err != nil:
				// The client went away or sent a broken body.
				return nil, false, cordon.Errorf(cordon.EINVALID, "The upload was cut short.")
			}
			return c, dup, err
		default:
			return nil, false, cordon.Errorf(cordon.EINVALID, "Unexpected multipart field %q: send the capture in the field \"file\".", part.FormName())
		}
	}
}

// bodyReader remembers whether reading the request body failed, to tell a
// broken upload (the client's fault) from a failure to store it (ours).
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}

// noQueue stands in for the ingest worker when the server has none (tests,
// a read-only replica): captures are recorded and left queued.
type noQueue struct{}

func (noQueue) Enqueue(int64) {}

func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	return cordon.Errorf(cordon.EINVALID, "The upload is not valid multipart/form-data.")
}

func tooLarge(max int64) error {
	return cordon.Errorf(ETOOLARGE, "The capture is larger than the %d bytes allowed.", max)
}

// cleanFileName keeps the base name of an uploaded file, printable and at
// most 255 bytes, for display only: it is never used as a path.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" {
		return "capture"
	}
	name = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, name)
	for len(name) > 255 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" {
		return "capture"
	}
	return name
}
