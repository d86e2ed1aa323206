package sqlite

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/cordonsec/cordon"
)

// DeleteDocument removes a document and what it says; when it was its
// model's current SBOM, the newest remaining SBOM takes its place. When it
// was a VEX document, the statuses it set on the findings of the model's
// devices, and that nobody changed since, go back to open in the same
// transaction: a withdrawn statement must not keep hiding a finding.
func (s *DocumentService) DeleteDocument(ctx context.Context, id int64) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("delete document", err)
	}
	defer tx.Rollback()
	d, err := findDocumentByID(ctx, tx, id)
	if err != nil {
		return wrap("delete document", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM model_documents WHERE id = ?`, id); err != nil {
		return wrap("delete document", err)
	}
	if d.Current {
		if _, err := tx.ExecContext(ctx, `UPDATE model_documents SET current = TRUE WHERE id =
			(SELECT id FROM model_documents WHERE model_id = ? AND kind = 'sbom' ORDER BY imported_at DESC, id DESC LIMIT 1)`,
			d.ModelID); err != nil {
			return wrap("delete document", err)
		}
	}
	if d.Kind == cordon.DocumentVEX {
		if _, err := reopenVEX(ctx, tx, d.ModelID, "vex:"+d.FileName); err != nil {
			return wrap("delete document", err)
		}
	}
	if err := insertAudit(ctx, tx, "document.delete", documentObject(id), auditOfDocument(d), nil); err != nil {
		return wrap("delete document", err)
	}
	return wrap("delete document", tx.Commit())
}

// reopenVEX sets back to open the findings of the model's devices whose
// status was last set by the VEX document by ("vex:<file>"), auditing each
// change as "finding.status" by the person deleting, retallies their
// devices and returns the IDs of the findings reopened. A status a person
// set since names that person in By and is left alone. Another VEX
// document of the model with the same file name loses its statuses too;
// the re-assessment that follows a delete sets again what the remaining
// documents say. It finds the findings through the model's devices, so
// DeleteModel runs it before the devices leave the model.
func reopenVEX(ctx context.Context, tx *Tx, modelID int64, by string) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT f.id, f.device_id, f.status_doc FROM findings f
		JOIN model_devices md ON md.device_id = f.device_id
		WHERE md.model_id = ? AND json_extract(f.status_doc, '$.by') = ?
		ORDER BY f.id`, modelID, by)
	if err != nil {
		return nil, err
	}
	type reopened struct {
		id, device int64
		before     cordon.FindingStatus
	}
	var list []reopened
	for rows.Next() {
		var r reopened
		var doc string
		if err := rows.Scan(&r.id, &r.device, &doc); err != nil {
			rows.Close()
			return nil, err
		}
		if err := json.Unmarshal([]byte(doc), &r.before); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	after := cordon.FindingStatus{Status: cordon.FindingOpen}
	var devices, ids []int64
	for _, r := range list {
		if _, err := tx.ExecContext(ctx, `UPDATE findings SET status = 'open', status_doc = ? WHERE id = ?`, openStatus, r.id); err != nil {
			return nil, err
		}
		if err := insertAudit(ctx, tx, "finding.status", "finding:"+strconv.FormatInt(r.id, 10), r.before, after); err != nil {
			return nil, err
		}
		devices, ids = append(devices, r.device), append(ids, r.id)
	}
	slices.Sort(devices)
	for _, d := range slices.Compact(devices) {
		if err := retally(ctx, tx, d); err != nil {
			return nil, err
		}
	}
	return ids, nil
}
