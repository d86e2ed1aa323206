package http

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/modeldoc"
)

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

func (s *Server) documents() (cordon.DocumentService, error) {
	return configured(s.DocumentService, "document")
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

// documentUpload stands for a manufacturer document's upload form in the
// OpenAPI document: unlike a capture's, its file is an SBOM, VEX or MDS2.
type documentUpload struct{}
