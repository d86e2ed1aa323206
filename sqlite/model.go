package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// ModelService keeps the register's device models and which devices
// belong to each.
type ModelService struct {
	db *DB
}

var _ cordon.ModelService = (*ModelService)(nil)

// NewModelService returns the device models of db.
func NewModelService(db *DB) *ModelService { return &ModelService{db: db} }

// modelKey is the identity of a model: manufacturer, model and version,
// each lower-cased with white space collapsed, joined by a newline. The
// collapsing removes every newline from the parts, so no two different
// triples share a key.
func modelKey(manufacturer, model, version string) string {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	return norm(manufacturer) + "\n" + norm(model) + "\n" + norm(version)
}

// maxAssign bounds one AssignDevices call, so that a request cannot hold
// the single writer for long.
const maxAssign = 10000

// CreateModel adds a model, setting its ID and times; ECONFLICT with m.ID
// set to the existing model's if one has the same key.
func (s *ModelService) CreateModel(ctx context.Context, m *cordon.DeviceModel) error {
	if m == nil {
		return cordon.Errorf(cordon.EINVALID, "No device model given.")
	}
	if err := m.Validate(); err != nil {
		return err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("create model", err)
	}
	defer tx.Rollback()
	if id, err := modelIDByKey(ctx, tx, modelKey(m.Manufacturer, m.Model, m.Version)); err != nil {
		return wrap("create model", err)
	} else if id != 0 {
		m.ID = id
		return cordon.Errorf(cordon.ECONFLICT, "The model %s exists already (model %d).", modelName(m), id)
	}
	rec := *m
	rec.Devices = 0
	if err := insertModel(ctx, tx, &rec); err != nil {
		return wrap("create model", err)
	}
	if err := insertAudit(ctx, tx, "model.create", modelObject(rec.ID), nil, rec); err != nil {
		return wrap("create model", err)
	}
	if err := tx.Commit(); err != nil {
		return wrap("create model", err)
	}
	*m = rec
	return nil
}

// insertModel inserts m, setting its ID and times to tx's.
func insertModel(ctx context.Context, tx *Tx, m *cordon.DeviceModel) error {
	m.CreatedAt, m.UpdatedAt = tx.now, tx.now
	now := formatTime(tx.now)
	return tx.QueryRowContext(ctx, `INSERT INTO device_models (manufacturer, model, version, key, category, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.Manufacturer, m.Model, m.Version, modelKey(m.Manufacturer, m.Model, m.Version), m.Category, m.Notes,
		now, now).Scan(&m.ID)
}

// modelIDByKey returns the ID of the model with key, or 0.
func modelIDByKey(ctx context.Context, tx *Tx, key string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM device_models WHERE key = ?`, key).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, err
}

// modelName names a model in messages: "GE Healthcare Revolution CT 1.2".
func modelName(m *cordon.DeviceModel) string {
	return strings.TrimSpace(m.Manufacturer + " " + m.Model + " " + m.Version)
}

func modelObject(id int64) string { return "model:" + strconv.FormatInt(id, 10) }

// selectModels selects models with their device counts, in the order
// scanModel reads them.
const selectModels = `SELECT id, manufacturer, model, version, category, notes, created_at, updated_at,
	(SELECT count(*) FROM model_devices WHERE model_devices.model_id = device_models.id)
	FROM device_models`

func scanModel(row interface{ Scan(...any) error }) (*cordon.DeviceModel, error) {
	var m cordon.DeviceModel
	var created, updated string
	if err := row.Scan(&m.ID, &m.Manufacturer, &m.Model, &m.Version, &m.Category, &m.Notes, &created, &updated, &m.Devices); err != nil {
		return nil, err
	}
	var err error
	if m.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if m.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &m, nil
}

func findModelByID(ctx context.Context, tx *Tx, id int64) (*cordon.DeviceModel, error) {
	m, err := scanModel(tx.QueryRowContext(ctx, selectModels+` WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Device model %d not found.", id)
	}
	return m, err
}

// FindModelByID returns a model, or ENOTFOUND.
func (s *ModelService) FindModelByID(ctx context.Context, id int64) (*cordon.DeviceModel, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find model", err)
	}
	defer tx.Rollback()
	m, err := findModelByID(ctx, tx, id)
	return m, wrap("find model", err)
}

// FindModels returns a page of models, by manufacturer then model then
// version, and the total that match.
func (s *ModelService) FindModels(ctx context.Context, f cordon.ModelFilter) ([]*cordon.DeviceModel, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	var where []string
	var args []any
	if f.Manufacturer != "" {
		where, args = append(where, "lower(manufacturer) = ?"), append(args, strings.ToLower(f.Manufacturer))
	}
	// Every word must appear in the manufacturer, model or version. LIKE
	// stops at a NUL, which would make the pattern match everything; no
	// stored name holds one, so it is dropped.
	for _, w := range strings.Fields(strings.ToLower(strings.ReplaceAll(f.Query, "\x00", ""))) {
		where = append(where, `lower(manufacturer || ' ' || model || ' ' || version) LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(w)+"%")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find models", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM device_models`+cond, args...).Scan(&n); err != nil {
		return nil, 0, wrap("find models", err)
	}
	rows, err := tx.QueryContext(ctx, selectModels+cond+
		` ORDER BY lower(manufacturer), lower(model), lower(version), id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, wrap("find models", err)
	}
	defer rows.Close()
	ms := make([]*cordon.DeviceModel, 0, min(n, limit))
	for rows.Next() {
		m, err := scanModel(rows)
		if err != nil {
			return nil, 0, wrap("find models", err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, wrap("find models", err)
	}
	return ms, n, nil
}

// UpdateModel replaces a model's fields; its ID and creation time stay.
// On success m holds the stored model.
func (s *ModelService) UpdateModel(ctx context.Context, m *cordon.DeviceModel) error {
	if m == nil {
		return cordon.Errorf(cordon.EINVALID, "No device model given.")
	}
	if err := m.Validate(); err != nil {
		return err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("update model", err)
	}
	defer tx.Rollback()
	before, err := findModelByID(ctx, tx, m.ID)
	if err != nil {
		return wrap("update model", err)
	}
	key := modelKey(m.Manufacturer, m.Model, m.Version)
	if id, err := modelIDByKey(ctx, tx, key); err != nil {
		return wrap("update model", err)
	} else if id != 0 && id != m.ID {
		return cordon.Errorf(cordon.ECONFLICT, "The model %s exists already (model %d).", modelName(m), id)
	}
	after := *m
	after.CreatedAt, after.UpdatedAt, after.Devices = before.CreatedAt, tx.now, before.Devices
	if _, err := tx.ExecContext(ctx, `UPDATE device_models SET manufacturer = ?, model = ?, version = ?, key = ?,
		category = ?, notes = ?, updated_at = ? WHERE id = ?`,
		after.Manufacturer, after.Model, after.Version, key, after.Category, after.Notes, formatTime(tx.now), after.ID); err != nil {
		return wrap("update model", err)
	}
	if err := insertAudit(ctx, tx, "model.update", modelObject(after.ID), before, after); err != nil {
		return wrap("update model", err)
	}
	if err := tx.Commit(); err != nil {
		return wrap("update model", err)
	}
	*m = after
	return nil
}

// modelAssignment is how a device belongs to a model, as audited.
type modelAssignment struct {
	ModelID int64  `json:"model_id"` // 0: none
	Source  string `json:"source,omitempty"`
}

// AssignDevices makes the devices belong to the model by hand; model 0
// means none. Unknown devices fail the whole call: nothing is assigned.
func (s *ModelService) AssignDevices(ctx context.Context, modelID int64, deviceIDs []int64) error {
	if modelID < 0 {
		return cordon.Errorf(cordon.EINVALID, "Model ID %d is not valid.", modelID)
	}
	if len(deviceIDs) > maxAssign {
		return cordon.Errorf(cordon.EINVALID, "At most %d devices may be assigned at once, not %d.", maxAssign, len(deviceIDs))
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("assign devices", err)
	}
	defer tx.Rollback()
	var model any // NULL for none
	if modelID != 0 {
		if _, err := findModelByID(ctx, tx, modelID); err != nil {
			return wrap("assign devices", err)
		}
		model = modelID
	}
	ids := slices.Clone(deviceIDs)
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM devices WHERE id = ?`, id).Scan(&exists); err != nil {
			return wrap("assign devices", err)
		}
		if exists == 0 {
			return cordon.Errorf(cordon.ENOTFOUND, "Device %d not found.", id)
		}
		before, err := assignmentOf(ctx, tx, id)
		if err != nil {
			return wrap("assign devices", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO model_devices (device_id, model_id, source) VALUES (?, ?, ?)
			ON CONFLICT (device_id) DO UPDATE SET model_id = excluded.model_id, source = excluded.source`,
			id, model, cordon.ModelByHand); err != nil {
			return wrap("assign devices", err)
		}
		after := modelAssignment{ModelID: modelID, Source: cordon.ModelByHand}
		if err := insertAudit(ctx, tx, "model.assign", "device:"+strconv.FormatInt(id, 10), before, after); err != nil {
			return wrap("assign devices", err)
		}
	}
	return wrap("assign devices", tx.Commit())
}

// assignmentOf returns a device's assignment, nil when it has none.
func assignmentOf(ctx context.Context, tx *Tx, deviceID int64) (*modelAssignment, error) {
	var a modelAssignment
	var model sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT model_id, source FROM model_devices WHERE device_id = ?`, deviceID).Scan(&model, &a.Source)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	a.ModelID = model.Int64
	return &a, err
}

// ModelOfDevice returns the model a device belongs to and how, or
// ENOTFOUND when it belongs to none (or does not exist).
func (s *ModelService) ModelOfDevice(ctx context.Context, deviceID int64) (*cordon.DeviceModel, string, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, "", wrap("model of device", err)
	}
	defer tx.Rollback()
	a, err := assignmentOf(ctx, tx, deviceID)
	if err != nil {
		return nil, "", wrap("model of device", err)
	}
	if a == nil || a.ModelID == 0 {
		return nil, "", cordon.Errorf(cordon.ENOTFOUND, "Device %d belongs to no model.", deviceID)
	}
	m, err := findModelByID(ctx, tx, a.ModelID)
	if err != nil {
		return nil, "", wrap("model of device", err)
	}
	return m, a.Source, nil
}

// FindModelDevices returns the IDs of the devices of a model in ID order,
// or ENOTFOUND for an unknown model.
func (s *ModelService) FindModelDevices(ctx context.Context, modelID int64) ([]int64, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find model devices", err)
	}
	defer tx.Rollback()
	if _, err := findModelByID(ctx, tx, modelID); err != nil {
		return nil, wrap("find model devices", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT device_id FROM model_devices WHERE model_id = ? ORDER BY device_id`, modelID)
	if err != nil {
		return nil, wrap("find model devices", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrap("find model devices", err)
		}
		ids = append(ids, id)
	}
	return ids, wrap("find model devices", rows.Err())
}
