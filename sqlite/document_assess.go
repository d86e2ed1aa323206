package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// FindModelEvidence returns, for each model with an SBOM or VEX document
// and at least one device, its devices, current SBOM components and VEX
// statements, read in one snapshot.
func (s *DocumentService) FindModelEvidence(ctx context.Context) ([]cordon.ModelEvidence, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find model evidence", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT model_id FROM model_documents WHERE kind IN ('sbom', 'vex') ORDER BY model_id`)
	if err != nil {
		return nil, wrap("find model evidence", err)
	}
	var models []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, wrap("find model evidence", err)
		}
		models = append(models, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("find model evidence", err)
	}
	var out []cordon.ModelEvidence
	for _, id := range models {
		ev, err := modelEvidence(ctx, tx, id)
		if err != nil {
			return nil, wrap("find model evidence", err)
		}
		if len(ev.Devices) > 0 {
			out = append(out, *ev)
		}
	}
	return out, nil
}

func modelEvidence(ctx context.Context, tx *Tx, modelID int64) (*cordon.ModelEvidence, error) {
	m, err := findModelByID(ctx, tx, modelID)
	if err != nil {
		return nil, err
	}
	ev := &cordon.ModelEvidence{Model: *m}
	if ev.Devices, err = int64s(ctx, tx, `SELECT device_id FROM model_devices WHERE model_id = ? ORDER BY device_id`, modelID); err != nil {
		return nil, err
	}
	docs, err := tx.QueryContext(ctx, selectDocuments+` WHERE model_id = ? AND (kind = 'vex' OR current) ORDER BY imported_at, id`, modelID)
	if err != nil {
		return nil, err
	}
	var list []*cordon.ModelDocument
	for docs.Next() {
		d, err := scanDocument(docs)
		if err != nil {
			docs.Close()
			return nil, err
		}
		list = append(list, d)
	}
	docs.Close()
	if err := docs.Err(); err != nil {
		return nil, err
	}
	for _, d := range list {
		switch d.Kind {
		case cordon.DocumentSBOM:
			ev.SBOM = d
			if ev.Software, err = documentComponents(ctx, tx, d.ID); err != nil {
				return nil, err
			}
		case cordon.DocumentVEX:
			// Oldest first: a later document's statement on the same CVE
			// comes after, and wins.
			st, err := documentStatements(ctx, tx, d.ID, d.FileName)
			if err != nil {
				return nil, err
			}
			ev.Statements = append(ev.Statements, st...)
		}
	}
	return ev, nil
}

func int64s(ctx context.Context, tx *Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// maxVEXFindings bounds one ApplyVEX call.
const maxVEXFindings = 1_000_000

// ApplyVEX sets the statuses VEX statements give findings, leaving alone
// any finding whose status a person set (By neither empty nor "vex:…"),
// and retallies the devices whose findings changed, in one transaction.
func (s *DocumentService) ApplyVEX(ctx context.Context, fs []cordon.VEXFinding) (int, error) {
	if len(fs) > maxVEXFindings {
		return 0, cordon.Errorf(cordon.EINVALID, "At most %d findings at once.", maxVEXFindings)
	}
	for _, f := range fs {
		if !strings.HasPrefix(f.Status.By, "vex:") {
			return 0, cordon.Errorf(cordon.EINVALID, "A VEX status is recorded as by vex:<file>, not %q.", f.Status.By)
		}
		if err := f.Status.Validate(); err != nil {
			return 0, err
		}
	}
	if len(fs) == 0 {
		return 0, nil
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return 0, wrap("apply vex", err)
	}
	defer tx.Rollback()
	changed := 0
	var devices []int64
	for _, f := range fs {
		var id int64
		var doc string
		err := tx.QueryRowContext(ctx, `SELECT id, status_doc FROM findings WHERE device_id = ? AND cve = ? AND gone = ''`,
			f.DeviceID, f.CVE).Scan(&id, &doc)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return 0, wrap("apply vex", err)
		}
		var before cordon.FindingStatus
		if err := json.Unmarshal([]byte(doc), &before); err != nil {
			return 0, wrap("apply vex", err)
		}
		if before.By != "" && !strings.HasPrefix(before.By, "vex:") {
			continue // a person decided; a document does not overrule them
		}
		after := f.Status
		after.At = tx.now
		if before.Status == after.Status && before.By == after.By && before.Reason == after.Reason &&
			before.Justification == after.Justification {
			continue
		}
		b, err := json.Marshal(after)
		if err != nil {
			return 0, wrap("apply vex", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE findings SET status = ?, status_doc = ? WHERE id = ?`, after.Status, string(b), id); err != nil {
			return 0, wrap("apply vex", err)
		}
		actx := cordon.NewContextWithUser(ctx, &cordon.User{Name: after.By})
		if err := insertAudit(actx, tx, "finding.status", "finding:"+strconv.FormatInt(id, 10), before, after); err != nil {
			return 0, wrap("apply vex", err)
		}
		changed++
		devices = append(devices, f.DeviceID)
	}
	slices.Sort(devices)
	for _, d := range slices.Compact(devices) {
		if err := retally(ctx, tx, d); err != nil {
			return 0, wrap("apply vex", err)
		}
	}
	return changed, wrap("apply vex", tx.Commit())
}

// ReplaceContradictions sets the contradictions found for a model.
func (s *DocumentService) ReplaceContradictions(ctx context.Context, modelID int64, cs []cordon.ModelContradiction) error {
	if len(cs) > 1000 {
		return cordon.Errorf(cordon.EINVALID, "At most 1000 contradictions per model.")
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("replace contradictions", err)
	}
	defer tx.Rollback()
	if _, err := findModelByID(ctx, tx, modelID); err != nil {
		return wrap("replace contradictions", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM model_contradictions WHERE model_id = ?`, modelID); err != nil {
		return wrap("replace contradictions", err)
	}
	for i, c := range cs {
		devs := c.Devices
		if devs == nil {
			devs = []int64{}
		}
		b, err := json.Marshal(devs)
		if err != nil {
			return wrap("replace contradictions", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO model_contradictions (model_id, seq, document_id, question_id, declared,
			observed, severity, explanation, devices, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			modelID, i, c.DocumentID, c.QuestionID, c.Declared, c.Observed, c.Severity, c.Explanation, string(b),
			formatTime(tx.now)); err != nil {
			return wrap("replace contradictions", err)
		}
	}
	return wrap("replace contradictions", tx.Commit())
}

// FindContradictions returns a model's contradictions, most severe first
// (high, medium, low), in the order found within a severity.
func (s *DocumentService) FindContradictions(ctx context.Context, modelID int64) ([]cordon.ModelContradiction, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find contradictions", err)
	}
	defer tx.Rollback()
	if _, err := findModelByID(ctx, tx, modelID); err != nil {
		return nil, wrap("find contradictions", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT document_id, question_id, declared, observed, severity, explanation, devices, found_at
		FROM model_contradictions WHERE model_id = ?
		ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, seq`, modelID)
	if err != nil {
		return nil, wrap("find contradictions", err)
	}
	defer rows.Close()
	out := []cordon.ModelContradiction{}
	for rows.Next() {
		c := cordon.ModelContradiction{ModelID: modelID}
		var devs, at string
		if err := rows.Scan(&c.DocumentID, &c.QuestionID, &c.Declared, &c.Observed, &c.Severity, &c.Explanation, &devs, &at); err != nil {
			return nil, wrap("find contradictions", err)
		}
		if err := json.Unmarshal([]byte(devs), &c.Devices); err != nil {
			return nil, wrap("find contradictions", err)
		}
		if c.FoundAt, err = parseTime(at); err != nil {
			return nil, wrap("find contradictions", err)
		}
		out = append(out, c)
	}
	return out, wrap("find contradictions", rows.Err())
}
