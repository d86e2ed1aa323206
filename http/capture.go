package http

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
)

func (s *Server) registerCaptureRoutes() {
	s.handle("GET /api/v1/captures", cordon.RoleViewer, s.handleCaptureIndex)
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
	c, err := s.receiveCapture(mr)
	if err != nil {
		Error(w, r, err)
		return
	}
	c.CreatedBy = cordon.Actor(r.Context())
	switch err := s.CaptureService.CreateCapture(r.Context(), c); {
	case cordon.ErrorCode(err) == cordon.ECONFLICT:
		writeJSON(w, http.StatusOK, CaptureUpload{Capture: c, Duplicate: true})
		return
	case err != nil:
		Error(w, r, err)
		return
	}
	if s.Ingester != nil {
		s.Ingester.Enqueue(c.ID)
	}
	writeJSON(w, http.StatusAccepted, CaptureUpload{Capture: c})
}

// receiveCapture reads the parts of an upload up to the "file"; a "csrf"
// part before it has been checked already (see checkCSRF).
func (s *Server) receiveCapture(mr *multipart.Reader) (*cordon.Capture, error) {
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, cordon.Errorf(cordon.EINVALID, "The upload has no capture: send it in the multipart field \"file\".")
		} else if err != nil {
			return nil, uploadError(err)
		}
		switch part.FormName() {
		case "csrf":
		case "file":
			return s.storeCapture(part)
		default:
			return nil, cordon.Errorf(cordon.EINVALID, "Unexpected multipart field %q: send the capture in the field \"file\".", part.FormName())
		}
	}
}

func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	return cordon.Errorf(cordon.EINVALID, "The upload is not valid multipart/form-data.")
}

// storeCapture writes the part to CaptureDir/<sha256>.pcap and returns the
// capture to record. The name says .pcap whatever the format: readers
// recognise pcap, pcapng and gzip by their first bytes.
func (s *Server) storeCapture(part *multipart.Part) (*cordon.Capture, error) {
	tmp, err := os.CreateTemp(s.CaptureDir, ".upload-*")
	if err != nil {
		return nil, fmt.Errorf("http: store capture: %w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name()) // gone already when renamed
	}()
	h := sha256.New()
	var head headBuffer
	n, err := io.Copy(io.MultiWriter(tmp, h, &head), io.LimitReader(part, s.MaxUploadBytes+1))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, tooLarge(s.MaxUploadBytes)
		}
		return nil, cordon.Errorf(cordon.EINVALID, "The upload was cut short.")
	}
	if n > s.MaxUploadBytes {
		return nil, tooLarge(s.MaxUploadBytes)
	}
	if n == 0 {
		return nil, cordon.Errorf(cordon.EINVALID, "The uploaded file is empty.")
	}
	if !isCaptureFormat(head.b[:head.n]) {
		return nil, cordon.Errorf(cordon.EINVALID, "The uploaded file is not a pcap, pcapng or gzip-compressed capture.")
	}
	if err := tmp.Sync(); err != nil {
		return nil, fmt.Errorf("http: store capture: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("http: store capture: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if err := os.Rename(tmp.Name(), filepath.Join(s.CaptureDir, sum+".pcap")); err != nil {
		return nil, fmt.Errorf("http: store capture: %w", err)
	}
	return &cordon.Capture{Name: cleanFileName(part.FileName()), SHA256: sum, Size: n}, nil
}

func tooLarge(max int64) error {
	return cordon.Errorf(ETOOLARGE, "The capture is larger than the %d bytes allowed.", max)
}

// headBuffer keeps the first bytes written to it, to check the format.
type headBuffer struct {
	b [4]byte
	n int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	h.n += copy(h.b[h.n:], p)
	return len(p), nil
}

// isCaptureFormat recognises the magic numbers of pcap (both byte orders,
// micro- and nanosecond), pcapng and gzip.
func isCaptureFormat(head []byte) bool {
	magics := [][]byte{
		{0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4},
		{0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},
		{0x0a, 0x0d, 0x0d, 0x0a},
	}
	for _, m := range magics {
		if bytes.Equal(head, m) {
			return true
		}
	}
	return len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b
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
