package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// DocumentService keeps the manufacturer documents of device models and
// what each says.
type DocumentService struct {
	db *DB
}

var _ cordon.DocumentService = (*DocumentService)(nil)

// NewDocumentService returns the document store of db.
func NewDocumentService(db *DB) *DocumentService { return &DocumentService{db: db} }

// Limits on what one document may hold: far above any real SBOM, MDS2 or
// VEX, low enough that one import cannot hold the writer for long.
const (
	maxDocItems = 100_000
	maxDocText  = 8192 // bytes in one stored text field
)

func documentObject(id int64) string { return "document:" + strconv.FormatInt(id, 10) }

// documentAudit is what the audit log keeps of a document: its summary,
// not its content.
type documentAudit struct {
	ModelID  int64  `json:"model_id"`
	Kind     string `json:"kind"`
	FileName string `json:"file_name"`
	SHA256   string `json:"sha256"`
	Items    int    `json:"items"`
	Current  bool   `json:"current,omitempty"`
}

func auditOfDocument(d *cordon.ModelDocument) documentAudit {
	return documentAudit{ModelID: d.ModelID, Kind: d.Kind, FileName: d.FileName, SHA256: d.SHA256,
		Items: d.Components + d.Answers + d.Statements, Current: d.Current}
}

// checkContent refuses content that does not fit its kind or the limits,
// naming the item at fault, before anything is written.
func checkContent(kind string, c *cordon.DocumentContent) error {
	n := len(c.Components) + len(c.Answers) + len(c.Statements)
	switch {
	case n > maxDocItems:
		return cordon.Errorf(cordon.EINVALID, "The document holds %d items; at most %d are kept.", n, maxDocItems)
	case kind != cordon.DocumentSBOM && len(c.Components) > 0,
		kind != cordon.DocumentMDS2 && len(c.Answers) > 0,
		kind != cordon.DocumentVEX && len(c.Statements) > 0:
		return cordon.Errorf(cordon.EINVALID, "A %s document holds only its own kind of content.", kind)
	}
	long := func(ss ...string) bool {
		for _, s := range ss {
			if len(s) > maxDocText {
				return true
			}
		}
		return false
	}
	for i, x := range c.Components {
		if x.Name == "" {
			return cordon.Errorf(cordon.EINVALID, "Component %d has no name.", i+1)
		}
		if long(x.Ref, x.Type, x.Supplier, x.Name, x.Version, x.CPE, x.PURL, x.EndOfSupportRaw, x.LevelOfSupport) {
			return cordon.Errorf(cordon.EINVALID, "Component %d (%s) has a field longer than %d bytes.", i+1, x.Name, maxDocText)
		}
	}
	for i, a := range c.Answers {
		if a.QuestionID == "" {
			return cordon.Errorf(cordon.EINVALID, "Answer %d has no question ID.", i+1)
		}
		if long(a.Section, a.SectionTitle, a.QuestionID, a.Question, a.Answer, a.Note) {
			return cordon.Errorf(cordon.EINVALID, "Answer %s has a field longer than %d bytes.", a.QuestionID, maxDocText)
		}
	}
	for i, s := range c.Statements {
		switch {
		case s.CVE == "":
			return cordon.Errorf(cordon.EINVALID, "Statement %d names no vulnerability.", i+1)
		case s.Status != cordon.VEXNotAffected && s.Status != cordon.VEXAffected && s.Status != cordon.VEXFixed && s.Status != cordon.VEXUnderInvestigation:
			return cordon.Errorf(cordon.EINVALID, "Statement %d (%s) has unknown status %q.", i+1, s.CVE, s.Status)
		case long(s.CVE, s.Justification, s.Detail, s.Product, s.Version):
			return cordon.Errorf(cordon.EINVALID, "Statement %d (%s) has a field longer than %d bytes.", i+1, s.CVE, maxDocText)
		}
	}
	return nil
}

// ImportDocument stores a document and its content in one transaction.
func (s *DocumentService) ImportDocument(ctx context.Context, d *cordon.ModelDocument, c *cordon.DocumentContent) error {
	if d == nil {
		return cordon.Errorf(cordon.EINVALID, "No document given.")
	}
	if c == nil {
		c = &cordon.DocumentContent{}
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if err := checkContent(d.Kind, c); err != nil {
		return err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("import document", err)
	}
	defer tx.Rollback()
	if _, err := findModelByID(ctx, tx, d.ModelID); err != nil {
		return wrap("import document", err)
	}
	var earlier int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM model_documents WHERE model_id = ? AND sha256 = ?`, d.ModelID, d.SHA256).Scan(&earlier)
	switch {
	case err == nil:
		prev, err := findDocumentByID(ctx, tx, earlier)
		if err != nil {
			return wrap("import document", err)
		}
		*d = *prev
		return cordon.Errorf(cordon.ECONFLICT, "The file is unchanged: it was imported as %s on %s (document %d).",
			prev.FileName, prev.ImportedAt.Format("2 Jan 2006"), prev.ID)
	case err != sql.ErrNoRows:
		return wrap("import document", err)
	}
	rec := *d
	rec.Components, rec.Answers, rec.Statements = len(c.Components), len(c.Answers), len(c.Statements)
	rec.Unsupported = 0
	for i := range c.Components {
		switch c.Components[i].SupportState(tx.now) {
		case cordon.SupportUnsupported, cordon.SupportUnknown:
			rec.Unsupported++
		}
	}
	rec.Current = rec.Kind == cordon.DocumentSBOM
	rec.ImportedBy, rec.ImportedAt = cordon.Actor(ctx), tx.now
	if rec.Warnings == nil {
		rec.Warnings = []string{}
	}
	if rec.Current {
		// The newest SBOM describes what the model runs now; older ones
		// stay listed as history.
		if _, err := tx.ExecContext(ctx, `UPDATE model_documents SET current = FALSE WHERE model_id = ? AND kind = 'sbom'`, rec.ModelID); err != nil {
			return wrap("import document", err)
		}
	}
	warnings, err := json.Marshal(rec.Warnings)
	if err != nil {
		return wrap("import document", err)
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO model_documents (model_id, kind, format, spec_version, file_name, sha256, size,
		title, components, unsupported, answers, statements, current, warnings, imported_by, imported_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		rec.ModelID, rec.Kind, rec.Format, rec.SpecVersion, rec.FileName, strings.ToLower(rec.SHA256), rec.Size,
		rec.Title, rec.Components, rec.Unsupported, rec.Answers, rec.Statements, rec.Current, string(warnings),
		rec.ImportedBy, formatTime(rec.ImportedAt)).Scan(&rec.ID); err != nil {
		return wrap("import document", err)
	}
	if err := insertContent(ctx, tx, rec.ID, c); err != nil {
		return wrap("import document", err)
	}
	if err := insertAudit(ctx, tx, "document.import", documentObject(rec.ID), nil, auditOfDocument(&rec)); err != nil {
		return wrap("import document", err)
	}
	if err := tx.Commit(); err != nil {
		return wrap("import document", err)
	}
	*d = rec
	return nil
}

// insertContent writes what a document says, one prepared statement per
// table.
func insertContent(ctx context.Context, tx *Tx, id int64, c *cordon.DocumentContent) error {
	if len(c.Components) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO document_components (document_id, seq, ref, type, supplier, name, version,
			cpe, purl, end_of_support, end_of_support_raw, level_of_support) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i, x := range c.Components {
			if _, err := st.ExecContext(ctx, id, i, x.Ref, x.Type, x.Supplier, x.Name, x.Version, x.CPE, x.PURL,
				formatTime(x.EndOfSupport), x.EndOfSupportRaw, x.LevelOfSupport); err != nil {
				return err
			}
		}
	}
	if len(c.Answers) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO document_answers (document_id, seq, section, section_title, question_id,
			question, answer, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i, a := range c.Answers {
			if _, err := st.ExecContext(ctx, id, i, a.Section, a.SectionTitle, a.QuestionID, a.Question, a.Answer, a.Note); err != nil {
				return err
			}
		}
	}
	if len(c.Statements) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO document_statements (document_id, seq, cve, status, justification, detail,
			product, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i, x := range c.Statements {
			if _, err := st.ExecContext(ctx, id, i, x.CVE, x.Status, x.Justification, x.Detail, x.Product, x.Version); err != nil {
				return err
			}
		}
	}
	return nil
}

const selectDocuments = `SELECT id, model_id, kind, format, spec_version, file_name, sha256, size, title, components,
	unsupported, answers, statements, current, warnings, imported_by, imported_at FROM model_documents`

func scanDocument(row interface{ Scan(...any) error }) (*cordon.ModelDocument, error) {
	var d cordon.ModelDocument
	var warnings, at string
	if err := row.Scan(&d.ID, &d.ModelID, &d.Kind, &d.Format, &d.SpecVersion, &d.FileName, &d.SHA256, &d.Size, &d.Title,
		&d.Components, &d.Unsupported, &d.Answers, &d.Statements, &d.Current, &warnings, &d.ImportedBy, &at); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(warnings), &d.Warnings); err != nil {
		return nil, err
	}
	var err error
	d.ImportedAt, err = parseTime(at)
	return &d, err
}

func findDocumentByID(ctx context.Context, tx *Tx, id int64) (*cordon.ModelDocument, error) {
	d, err := scanDocument(tx.QueryRowContext(ctx, selectDocuments+` WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Document %d not found.", id)
	}
	return d, err
}

// FindDocumentByID returns a document, or ENOTFOUND.
func (s *DocumentService) FindDocumentByID(ctx context.Context, id int64) (*cordon.ModelDocument, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find document", err)
	}
	defer tx.Rollback()
	d, err := findDocumentByID(ctx, tx, id)
	return d, wrap("find document", err)
}

// FindDocuments returns a page of documents, newest first, and the total.
func (s *DocumentService) FindDocuments(ctx context.Context, f cordon.DocumentFilter) ([]*cordon.ModelDocument, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	var where []string
	var args []any
	if f.ModelID != 0 {
		where, args = append(where, "model_id = ?"), append(args, f.ModelID)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find documents", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM model_documents`+cond, args...).Scan(&n); err != nil {
		return nil, 0, wrap("find documents", err)
	}
	rows, err := tx.QueryContext(ctx, selectDocuments+cond+` ORDER BY imported_at DESC, id DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, wrap("find documents", err)
	}
	defer rows.Close()
	ds := make([]*cordon.ModelDocument, 0, min(n, limit))
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, 0, wrap("find documents", err)
		}
		ds = append(ds, d)
	}
	return ds, n, wrap("find documents", rows.Err())
}

// FindDocumentContent returns what a document says, or ENOTFOUND.
func (s *DocumentService) FindDocumentContent(ctx context.Context, id int64) (*cordon.DocumentContent, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find document content", err)
	}
	defer tx.Rollback()
	if _, err := findDocumentByID(ctx, tx, id); err != nil {
		return nil, wrap("find document content", err)
	}
	c, err := documentContent(ctx, tx, id)
	return c, wrap("find document content", err)
}

func documentContent(ctx context.Context, tx *Tx, id int64) (*cordon.DocumentContent, error) {
	c := &cordon.DocumentContent{}
	var err error
	if c.Components, err = documentComponents(ctx, tx, id); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT section, section_title, question_id, question, answer, note
		FROM document_answers WHERE document_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a cordon.MDS2Answer
		if err := rows.Scan(&a.Section, &a.SectionTitle, &a.QuestionID, &a.Question, &a.Answer, &a.Note); err != nil {
			return nil, err
		}
		c.Answers = append(c.Answers, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	c.Statements, err = documentStatements(ctx, tx, id, "")
	return c, err
}

func documentComponents(ctx context.Context, tx *Tx, id int64) ([]cordon.ModelComponent, error) {
	rows, err := tx.QueryContext(ctx, `SELECT ref, type, supplier, name, version, cpe, purl, end_of_support,
		end_of_support_raw, level_of_support FROM document_components WHERE document_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cordon.ModelComponent
	for rows.Next() {
		var x cordon.ModelComponent
		var eos string
		if err := rows.Scan(&x.Ref, &x.Type, &x.Supplier, &x.Name, &x.Version, &x.CPE, &x.PURL, &eos,
			&x.EndOfSupportRaw, &x.LevelOfSupport); err != nil {
			return nil, err
		}
		if x.EndOfSupport, err = parseTime(eos); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func documentStatements(ctx context.Context, tx *Tx, id int64, file string) ([]cordon.VEXStatement, error) {
	rows, err := tx.QueryContext(ctx, `SELECT cve, status, justification, detail, product, version
		FROM document_statements WHERE document_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cordon.VEXStatement
	for rows.Next() {
		x := cordon.VEXStatement{File: file}
		if err := rows.Scan(&x.CVE, &x.Status, &x.Justification, &x.Detail, &x.Product, &x.Version); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
