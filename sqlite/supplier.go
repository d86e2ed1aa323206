package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// SupplierService keeps suppliers, their contracts, remote access and what
// they serve.
type SupplierService struct {
	db *DB
}

var _ cordon.SupplierService = (*SupplierService)(nil)

// NewSupplierService returns the supplier store of db.
func NewSupplierService(db *DB) *SupplierService { return &SupplierService{db: db} }

// supplierKey is a supplier's identity: its name lower-cased with white
// space collapsed.
func supplierKey(name string) string { return strings.Join(strings.Fields(strings.ToLower(name)), " ") }

func supplierObject(id int64) string { return "supplier:" + strconv.FormatInt(id, 10) }

// CreateSupplier adds a supplier with its contracts, access and what it
// serves, setting its ID and times.
func (s *SupplierService) CreateSupplier(ctx context.Context, sup *cordon.Supplier) error {
	if sup == nil {
		return cordon.Errorf(cordon.EINVALID, "No supplier given.")
	}
	rec := cloneSupplier(sup)
	rec.Normalize()
	if err := rec.Validate(); err != nil {
		return err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("create supplier", err)
	}
	defer tx.Rollback()
	if err := checkSupplier(ctx, tx, rec); err != nil {
		return wrap("create supplier", err)
	}
	rec.CreatedAt, rec.UpdatedAt = tx.now, tx.now
	if err := tx.QueryRowContext(ctx, `INSERT INTO suppliers (name, name_key, contact, email, phone, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		rec.Name, supplierKey(rec.Name), rec.Contact, rec.Email, rec.Phone, rec.Notes,
		formatTime(tx.now), formatTime(tx.now)).Scan(&rec.ID); err != nil {
		return wrap("create supplier", err)
	}
	if err := insertSupplierParts(ctx, tx, rec); err != nil {
		return wrap("create supplier", err)
	}
	rec.SetFlags(tx.now)
	if err := insertAudit(ctx, tx, "supplier.create", supplierObject(rec.ID), nil, rec); err != nil {
		return wrap("create supplier", err)
	}
	if err := tx.Commit(); err != nil {
		return wrap("create supplier", err)
	}
	*sup = *rec
	return nil
}

// cloneSupplier copies s deeply enough that normalising the copy leaves
// the caller's slices alone.
func cloneSupplier(s *cordon.Supplier) *cordon.Supplier {
	c := *s
	c.Contracts = append([]cordon.Contract{}, s.Contracts...)
	c.Access = make([]cordon.RemoteAccess, len(s.Access))
	for i, a := range s.Access {
		a.Sources = append([]string{}, a.Sources...)
		c.Access[i] = a
	}
	return &c
}

// checkSupplier checks what the store alone can: the name is free and the
// models and devices exist.
func checkSupplier(ctx context.Context, tx *Tx, s *cordon.Supplier) error {
	var other int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM suppliers WHERE name_key = ?`, supplierKey(s.Name)).Scan(&other)
	switch {
	case err == nil && other != s.ID:
		return cordon.Errorf(cordon.ECONFLICT, "name: the supplier %s exists already (supplier %d).", s.Name, other)
	case err != nil && err != sql.ErrNoRows:
		return err
	}
	for _, ref := range []struct {
		field, table, what string
		ids                []int64
	}{
		{"model_ids", "device_models", "model", s.ModelIDs},
		{"device_ids", "devices", "device", s.DeviceIDs},
	} {
		for _, id := range ref.ids {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+ref.table+` WHERE id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return cordon.Errorf(cordon.EINVALID, "%s: %s %d does not exist.", ref.field, ref.what, id)
			}
		}
	}
	return nil
}

// insertSupplierParts writes a supplier's contracts, access and served
// models and devices, in the order given.
func insertSupplierParts(ctx context.Context, tx *Tx, s *cordon.Supplier) error {
	for i, c := range s.Contracts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO supplier_contracts
			(supplier_id, seq, reference, start_at, end_at, attend_hours, patch_days, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, i, c.Reference, formatTime(c.Start), formatTime(c.End), c.AttendHours, c.PatchDays, c.Notes); err != nil {
			return err
		}
	}
	for i, a := range s.Access {
		src, err := json.Marshal(a.Sources)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO supplier_access (supplier_id, seq, method, mode, mfa, sources, notes)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, s.ID, i, a.Method, a.Mode, a.MFA, string(src), a.Notes); err != nil {
			return err
		}
	}
	for _, id := range s.ModelIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO supplier_models (supplier_id, model_id) VALUES (?, ?)`, s.ID, id); err != nil {
			return err
		}
	}
	for _, id := range s.DeviceIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO supplier_devices (supplier_id, device_id) VALUES (?, ?)`, s.ID, id); err != nil {
			return err
		}
	}
	return nil
}

// FindSupplierByID returns a supplier, or ENOTFOUND.
func (s *SupplierService) FindSupplierByID(ctx context.Context, id int64) (*cordon.Supplier, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find supplier", err)
	}
	defer tx.Rollback()
	sup, err := findSupplierByID(ctx, tx, id)
	return sup, wrap("find supplier", err)
}

const selectSuppliers = `SELECT id, name, contact, email, phone, notes, created_at, updated_at FROM suppliers`

func findSupplierByID(ctx context.Context, tx *Tx, id int64) (*cordon.Supplier, error) {
	sup, err := scanSupplier(tx.QueryRowContext(ctx, selectSuppliers+` WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Supplier %d not found.", id)
	} else if err != nil {
		return nil, err
	}
	if err := readSupplierParts(ctx, tx, sup); err != nil {
		return nil, err
	}
	return sup, nil
}

func scanSupplier(row interface{ Scan(...any) error }) (*cordon.Supplier, error) {
	var s cordon.Supplier
	var created, updated string
	if err := row.Scan(&s.ID, &s.Name, &s.Contact, &s.Email, &s.Phone, &s.Notes, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if s.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if s.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &s, nil
}

// readSupplierParts reads a supplier's contracts, access and what it
// serves, and sets its flags at tx's now.
func readSupplierParts(ctx context.Context, tx *Tx, s *cordon.Supplier) error {
	s.Contracts, s.Access, s.ModelIDs, s.DeviceIDs = []cordon.Contract{}, []cordon.RemoteAccess{}, []int64{}, []int64{}
	rows, err := tx.QueryContext(ctx, `SELECT reference, start_at, end_at, attend_hours, patch_days, notes
		FROM supplier_contracts WHERE supplier_id = ? ORDER BY seq`, s.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c cordon.Contract
		var start, end string
		if err := rows.Scan(&c.Reference, &start, &end, &c.AttendHours, &c.PatchDays, &c.Notes); err != nil {
			rows.Close()
			return err
		}
		if c.Start, err = parseTime(start); err == nil {
			c.End, err = parseTime(end)
		}
		if err != nil {
			rows.Close()
			return err
		}
		s.Contracts = append(s.Contracts, c)
	}
	if err := closeSupplierRows(rows); err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, `SELECT method, mode, mfa, sources, notes FROM supplier_access WHERE supplier_id = ? ORDER BY seq`, s.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var a cordon.RemoteAccess
		var src string
		if err := rows.Scan(&a.Method, &a.Mode, &a.MFA, &src, &a.Notes); err != nil {
			rows.Close()
			return err
		}
		if err := json.Unmarshal([]byte(src), &a.Sources); err != nil {
			rows.Close()
			return err
		}
		if a.Sources == nil {
			a.Sources = []string{}
		}
		s.Access = append(s.Access, a)
	}
	if err := closeSupplierRows(rows); err != nil {
		return err
	}
	if s.ModelIDs, err = readSupplierIDs(ctx, tx, `SELECT model_id FROM supplier_models WHERE supplier_id = ? ORDER BY model_id`, s.ID); err != nil {
		return err
	}
	if s.DeviceIDs, err = readSupplierIDs(ctx, tx, `SELECT device_id FROM supplier_devices WHERE supplier_id = ? ORDER BY device_id`, s.ID); err != nil {
		return err
	}
	s.SetFlags(tx.now)
	return nil
}

// closeSupplierRows closes rows and returns the error that ended their iteration.
func closeSupplierRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

func readSupplierIDs(ctx context.Context, tx *Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, closeSupplierRows(rows)
}

// FindSuppliers returns a page of suppliers by name and the total that
// match.
func (s *SupplierService) FindSuppliers(ctx context.Context, f cordon.SupplierFilter) ([]*cordon.Supplier, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	var where []string
	var args []any
	// LIKE stops at a NUL, which would make the pattern match everything;
	// no stored name holds one, so it is dropped.
	for _, w := range strings.Fields(strings.ToLower(strings.ReplaceAll(f.Query, "\x00", ""))) {
		where = append(where, `lower(name || ' ' || contact) LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(w)+"%")
	}
	if f.ModelID != 0 {
		where, args = append(where, `id IN (SELECT supplier_id FROM supplier_models WHERE model_id = ?)`), append(args, f.ModelID)
	}
	if f.DeviceID != 0 {
		where = append(where, `(id IN (SELECT supplier_id FROM supplier_devices WHERE device_id = ?)
			OR id IN (SELECT sm.supplier_id FROM supplier_models sm JOIN model_devices md ON md.model_id = sm.model_id WHERE md.device_id = ?))`)
		args = append(args, f.DeviceID, f.DeviceID)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find suppliers", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM suppliers`+cond, args...).Scan(&n); err != nil {
		return nil, 0, wrap("find suppliers", err)
	}
	rows, err := tx.QueryContext(ctx, selectSuppliers+cond+` ORDER BY name_key, id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, wrap("find suppliers", err)
	}
	out := make([]*cordon.Supplier, 0, min(n, limit))
	for rows.Next() {
		sup, err := scanSupplier(rows)
		if err != nil {
			rows.Close()
			return nil, 0, wrap("find suppliers", err)
		}
		out = append(out, sup)
	}
	if err := closeSupplierRows(rows); err != nil {
		return nil, 0, wrap("find suppliers", err)
	}
	for _, sup := range out {
		if err := readSupplierParts(ctx, tx, sup); err != nil {
			return nil, 0, wrap("find suppliers", err)
		}
	}
	return out, n, nil
}

// UpdateSupplier replaces a supplier with its contracts, access and what
// it serves; its ID and creation time stay. On success sup holds the
// stored supplier.
func (s *SupplierService) UpdateSupplier(ctx context.Context, sup *cordon.Supplier) error {
	if sup == nil {
		return cordon.Errorf(cordon.EINVALID, "No supplier given.")
	}
	rec := cloneSupplier(sup)
	rec.Normalize()
	if err := rec.Validate(); err != nil {
		return err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("update supplier", err)
	}
	defer tx.Rollback()
	before, err := findSupplierByID(ctx, tx, rec.ID)
	if err != nil {
		return wrap("update supplier", err)
	}
	if err := checkSupplier(ctx, tx, rec); err != nil {
		return wrap("update supplier", err)
	}
	rec.CreatedAt, rec.UpdatedAt = before.CreatedAt, tx.now
	if _, err := tx.ExecContext(ctx, `UPDATE suppliers SET name = ?, name_key = ?, contact = ?, email = ?, phone = ?, notes = ?,
		updated_at = ? WHERE id = ?`, rec.Name, supplierKey(rec.Name), rec.Contact, rec.Email, rec.Phone, rec.Notes,
		formatTime(tx.now), rec.ID); err != nil {
		return wrap("update supplier", err)
	}
	for _, table := range []string{"supplier_contracts", "supplier_access", "supplier_models", "supplier_devices"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE supplier_id = ?`, rec.ID); err != nil {
			return wrap("update supplier", err)
		}
	}
	if err := insertSupplierParts(ctx, tx, rec); err != nil {
		return wrap("update supplier", err)
	}
	rec.SetFlags(tx.now)
	if err := insertAudit(ctx, tx, "supplier.update", supplierObject(rec.ID), before, rec); err != nil {
		return wrap("update supplier", err)
	}
	if err := tx.Commit(); err != nil {
		return wrap("update supplier", err)
	}
	*sup = *rec
	return nil
}

// DeleteSupplier removes a supplier with its contracts, access and what
// it serves.
func (s *SupplierService) DeleteSupplier(ctx context.Context, id int64) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("delete supplier", err)
	}
	defer tx.Rollback()
	before, err := findSupplierByID(ctx, tx, id)
	if err != nil {
		return wrap("delete supplier", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM suppliers WHERE id = ?`, id); err != nil {
		return wrap("delete supplier", err)
	}
	if err := insertAudit(ctx, tx, "supplier.delete", supplierObject(id), before, nil); err != nil {
		return wrap("delete supplier", err)
	}
	return wrap("delete supplier", tx.Commit())
}
