package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// modelDeletion is what the audit log keeps of a deleted model: the model,
// and what went with it or changed because of it, so that the one entry
// says everything the delete did.
type modelDeletion struct {
	cordon.DeviceModel
	// Documents lists the documents deleted with the model (each also
	// audited as "document.delete").
	Documents []int64 `json:"documents,omitempty"`
	// Reopened lists the findings whose status a VEX document of the model
	// had set and that went back to open (each audited as "finding.status").
	Reopened []int64 `json:"reopened_findings,omitempty"`
	// RevokedExceptions lists the model's revoked exceptions, deleted with
	// it; their history stays in the audit log.
	RevokedExceptions []int64 `json:"revoked_exceptions,omitempty"`
	// Suppliers lists the suppliers that served the model and no longer do.
	Suppliers []int64 `json:"suppliers,omitempty"`
}

// DeleteModel removes a model with its documents and contradictions.
// Devices a person had assigned to it keep a row without a model, so that
// discovery does not put them back; devices discovery had assigned lose
// theirs, as if never assigned. In the same transaction the findings whose
// status a VEX document of the model set, and that no person changed
// since, go back to open (as DeleteDocument does): a statement of a model
// that no longer exists must not keep hiding a finding.
//
// A model with remediation records, or with exceptions not revoked (active
// or expired), is not deleted: ECONFLICT names them. A remediation record
// is the evidence of how a fix reached the model's devices and an
// exception a risk someone owns; deleting the model would silently delete
// both, since they belong to it. Remediation records are kept for good, so
// a model that has any stays (rename it or move its devices instead); an
// exception is revoked first, with its reason. Revoked exceptions go with
// the model and are listed in its "model.delete" audit entry.
func (s *ModelService) DeleteModel(ctx context.Context, id int64) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("delete model", err)
	}
	defer tx.Rollback()
	m, err := findModelByID(ctx, tx, id)
	if err != nil {
		return wrap("delete model", err)
	}
	if err := refuseModelDelete(ctx, tx, m); err != nil {
		return wrap("delete model", err)
	}
	rec := modelDeletion{DeviceModel: *m}
	if rec.RevokedExceptions, err = queryIDs(ctx, tx, `SELECT id FROM exceptions WHERE model_id = ? ORDER BY id`, id); err != nil {
		return wrap("delete model", err)
	}
	if rec.Suppliers, err = queryIDs(ctx, tx, `SELECT supplier_id FROM supplier_models WHERE model_id = ? ORDER BY supplier_id`, id); err != nil {
		return wrap("delete model", err)
	}
	if rec.Documents, err = queryIDs(ctx, tx, `SELECT id FROM model_documents WHERE model_id = ? ORDER BY id`, id); err != nil {
		return wrap("delete model", err)
	}
	// The VEX statuses go back to open while the devices still belong to
	// the model, which is how reopenVEX finds them.
	seen := map[string]bool{}
	for _, docID := range rec.Documents {
		d, err := findDocumentByID(ctx, tx, docID)
		if err != nil {
			return wrap("delete model", err)
		}
		if d.Kind == cordon.DocumentVEX && !seen[d.FileName] {
			seen[d.FileName] = true
			ids, err := reopenVEX(ctx, tx, id, "vex:"+d.FileName)
			if err != nil {
				return wrap("delete model", err)
			}
			rec.Reopened = append(rec.Reopened, ids...)
		}
		if err := insertAudit(ctx, tx, "document.delete", documentObject(docID), auditOfDocument(d), nil); err != nil {
			return wrap("delete model", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM model_devices WHERE model_id = ? AND source = ?`, id, cordon.ModelByDiscovery); err != nil {
		return wrap("delete model", err)
	}
	// ON DELETE SET NULL unassigns the hand-assigned devices; documents,
	// contradictions, revoked exceptions and supplier links cascade.
	if _, err := tx.ExecContext(ctx, `DELETE FROM device_models WHERE id = ?`, id); err != nil {
		return wrap("delete model", err)
	}
	if err := insertAudit(ctx, tx, "model.delete", modelObject(id), rec, nil); err != nil {
		return wrap("delete model", err)
	}
	return wrap("delete model", tx.Commit())
}

// maxNamed bounds how many records a refusal names; the rest are counted.
const maxNamed = 5

// refuseModelDelete returns ECONFLICT naming the model's remediation
// records and unrevoked exceptions, nil when it has none.
func refuseModelDelete(ctx context.Context, tx *Tx, m *cordon.DeviceModel) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, cve FROM remediations WHERE model_id = ? ORDER BY id`, m.ID)
	if err != nil {
		return err
	}
	var rems []string
	for rows.Next() {
		var id int64
		var cve string
		if err := rows.Scan(&id, &cve); err != nil {
			rows.Close()
			return err
		}
		rems = append(rems, fmt.Sprintf("%s (remediation %d)", cve, id))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	exceptions, err := queryIDs(ctx, tx, `SELECT id FROM exceptions WHERE model_id = ? AND revoked_at = '' ORDER BY id`, m.ID)
	if err != nil {
		return err
	}
	if len(rems) == 0 && len(exceptions) == 0 {
		return nil
	}
	var exc []string
	for _, id := range exceptions {
		exc = append(exc, "exception "+strconv.FormatInt(id, 10))
	}
	var parts, advice []string
	if len(rems) > 0 {
		parts = append(parts, "remediation records "+nameSome(rems))
		advice = append(advice, "Remediation records are kept as the evidence of the model's fixes, so the model stays; rename it or move its devices to another model instead.")
	}
	if len(exc) > 0 {
		parts = append(parts, "exceptions that are not revoked "+nameSome(exc))
		advice = append(advice, "Revoke the exceptions, with the reason, before deleting the model.")
	}
	return cordon.Errorf(cordon.ECONFLICT, "The model %s cannot be deleted: it has %s. %s",
		modelName(m), strings.Join(parts, " and "), strings.Join(advice, " "))
}

// nameSome lists up to maxNamed names in parentheses and counts the rest.
func nameSome(names []string) string {
	if len(names) <= maxNamed {
		return "(" + strings.Join(names, ", ") + ")"
	}
	return fmt.Sprintf("(%s and %d more)", strings.Join(names[:maxNamed], ", "), len(names)-maxNamed)
}

// queryIDs returns the IDs a one-column query selects, in its order.
func queryIDs(ctx context.Context, tx *Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
