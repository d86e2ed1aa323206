package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/reconcile"
)

// MaxRegisterBytes bounds an uploaded register. A trust's whole EBME
// register of some tens of thousands of rows is a few megabytes; the file
// is held in memory while it is read twice (headers, then rows).
const MaxRegisterBytes = 20 << 20

// registerPreviewRows is how many rows a preview shows.
const registerPreviewRows = 10

func (s *Server) registerRegisterRoutes() {
	s.handle("POST /api/v1/register/preview", cordon.RoleAnalyst, s.handleRegisterPreview)
	s.handle("POST /api/v1/register/import", cordon.RoleAnalyst, s.handleRegisterImport)
	s.handle("GET /api/v1/register/export", cordon.RoleViewer, s.handleRegisterExport)
}

// RegisterPreview is the answer to a preview: the file's columns, its first
// rows, the mapping Cordon suggests from the column names, and the fields a
// column may map to.
type RegisterPreview struct {
	Headers   []string          `json:"headers"`
	Rows      [][]string        `json:"rows"`
	Suggested reconcile.Mapping `json:"suggested"`
	Fields    []string          `json:"fields"`
}

func (s *Server) handleRegisterPreview(w http.ResponseWriter, r *http.Request) {
	form, err := readRegisterForm(w, r)
	if err != nil {
		Error(w, r, err)
		return
	}
	headers, rows, suggested, err := reconcile.Headers(bytes.NewReader(form.file), registerPreviewRows)
	if err != nil {
		Error(w, r, err)
		return
	}
	if rows == nil {
		rows = [][]string{}
	}
	writeJSON(w, http.StatusOK, RegisterPreview{Headers: headers, Rows: rows, Suggested: suggested, Fields: reconcile.Fields})
}

// handleRegisterImport reads the register through the mapping (the
// suggested one when none is sent) and imports it, or with dry_run=true
// reports what an import would do.
func (s *Server) handleRegisterImport(w http.ResponseWriter, r *http.Request) {
	form, err := readRegisterForm(w, r)
	if err != nil {
		Error(w, r, err)
		return
	}
	dryRun := false
	switch form.dryRun {
	case "", "false":
	case "true":
		dryRun = true
	default:
		Error(w, r, cordon.Errorf(cordon.EINVALID, "dry_run must be true or false, not %q.", form.dryRun))
		return
	}
	m := reconcile.Mapping{}
	if form.mapping == "" {
		_, _, suggested, err := reconcile.Headers(bytes.NewReader(form.file), 0)
		if err != nil {
			Error(w, r, err)
			return
		}
		m = suggested
	} else if err := json.Unmarshal([]byte(form.mapping), &m); err != nil {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "The mapping must be a JSON object of column names to fields, such as {\"Serial Number\": \"serial\"}."))
		return
	}
	rows, bad, err := reconcile.Parse(bytes.NewReader(form.file), m)
	if err != nil {
		Error(w, r, err)
		return
	}
	rep, err := reconcile.Import(r.Context(), s.DeviceService, rows, !dryRun)
	if err != nil {
		Error(w, r, err)
		return
	}
	rep.AddErrors(bad)
	logFrom(r).Info("register import", slog.Bool("dry_run", dryRun), slog.Int("rows", rep.Counts.Rows),
		slog.Int("changed", rep.Counts.Changed), slog.Int("created", rep.Counts.Created))
	writeJSON(w, http.StatusOK, rep)
}

// registerForm is a register upload's multipart fields.
type registerForm struct {
	file            []byte
	hasFile         bool
	mapping, dryRun string
}

// readRegisterForm reads a multipart upload of a register: the "file" (at
// most MaxRegisterBytes), and for an import "mapping" and "dry_run", in any
// order. A "csrf" part has been checked by the server already.
func readRegisterForm(w http.ResponseWriter, r *http.Request) (*registerForm, error) {
	if !isMultipart(r) {
		return nil, cordon.Errorf(EUNSUPPORTED, "Upload the register as multipart/form-data in the field \"file\".")
	}
	// Room for the part headers and the small fields around the file.
	r.Body = http.MaxBytesReader(w, r.Body, MaxRegisterBytes+128<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, cordon.Errorf(cordon.EINVALID, "The upload is not valid multipart/form-data.")
	}
	form := &registerForm{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, uploadError(err)
		}
		switch part.FormName() {
		case "csrf":
		case "file":
			if form.file, err = readPart(part, MaxRegisterBytes); err != nil {
				return nil, err
			}
			form.hasFile = true
		case "mapping":
			b, err := readPart(part, 64<<10)
			if err != nil {
				return nil, err
			}
			form.mapping = strings.TrimSpace(string(b))
		case "dry_run":
			b, err := readPart(part, 16)
			if err != nil {
				return nil, err
			}
			form.dryRun = strings.TrimSpace(string(b))
		default:
			return nil, cordon.Errorf(cordon.EINVALID, "Unexpected multipart field %q: send the register in \"file\", and optionally \"mapping\" and \"dry_run\".", part.FormName())
		}
	}
	if !form.hasFile {
		return nil, cordon.Errorf(cordon.EINVALID, "The upload has no register: send the CSV in the multipart field \"file\".")
	}
	if len(form.file) == 0 {
		return nil, cordon.Errorf(cordon.EINVALID, "The uploaded register is empty.")
	}
	return form, nil
}

// readPart reads a part of at most max bytes.
func readPart(part *multipart.Part, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(part, max+1))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, cordon.Errorf(ETOOLARGE, "The register is larger than the %d bytes allowed.", int64(MaxRegisterBytes))
		}
		return nil, cordon.Errorf(cordon.EINVALID, "The upload was cut short.")
	}
	if int64(len(b)) > max {
		if part.FormName() == "file" {
			return nil, cordon.Errorf(ETOOLARGE, "The register is larger than the %d bytes allowed.", int64(MaxRegisterBytes))
		}
		return nil, cordon.Errorf(cordon.EINVALID, "The field %q is longer than %d bytes.", part.FormName(), max)
	}
	return b, nil
}

// handleRegisterExport streams every device, recorded fields beside the
// observed identity, as CSV (cells made safe for spreadsheets) or JSON.
func (s *Server) handleRegisterExport(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "format")
	if err != nil {
		Error(w, r, err)
		return
	}
	format := q.Get("format")
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "json" {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "format must be csv or json, not %q.", format))
		return
	}
	// Fail before the first byte while an error page can still be sent.
	if _, _, err := s.DeviceService.FindDevices(r.Context(), cordon.DeviceFilter{Limit: 1}); err != nil {
		Error(w, r, err)
		return
	}
	name := "cordon-register-" + s.Now().UTC().Format("2006-01-02") + "." + format
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = reconcile.WriteCSV(r.Context(), w, s.DeviceService)
	} else {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		err = reconcile.WriteJSON(r.Context(), w, s.DeviceService)
	}
	if err != nil {
		// The status is sent; all that is left is to log and cut the
		// file short, which the client sees as a failed download.
		logFrom(r).Error("register export", slog.String("format", format), slog.String("error", err.Error()))
	}
}
