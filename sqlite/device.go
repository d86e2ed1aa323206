package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// DeviceService is the register of devices.
type DeviceService struct {
	db *DB
}

var _ cordon.DeviceService = (*DeviceService)(nil)

// NewDeviceService returns the register of db.
func NewDeviceService(db *DB) *DeviceService { return &DeviceService{db: db} }

// FindDeviceByID returns the device, or ENOTFOUND.
func (s *DeviceService) FindDeviceByID(ctx context.Context, id int64) (*cordon.DeviceRecord, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find device", err)
	}
	defer tx.Rollback()
	d, err := findDeviceByID(ctx, tx, id)
	return d, wrap("find device", err)
}

// FindDevices returns a page of matching devices and the total that match.
func (s *DeviceService) FindDevices(ctx context.Context, f cordon.DeviceFilter) ([]*cordon.DeviceRecord, int, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find devices", err)
	}
	defer tx.Rollback()
	ds, n, err := findDevices(ctx, tx, f)
	if err != nil {
		return nil, 0, wrap("find devices", err)
	}
	return ds, n, nil
}

// UpdateRecorded replaces a device's recorded fields and audits the change.
func (s *DeviceService) UpdateRecorded(ctx context.Context, id int64, r cordon.Recorded) (*cordon.DeviceRecord, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, wrap("update device", err)
	}
	defer tx.Rollback()
	d, err := updateRecorded(ctx, tx, id, r)
	if err != nil {
		return nil, wrap("update device", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, wrap("update device", err)
	}
	return d, nil
}

// CreateDevice adds a register-only device.
func (s *DeviceService) CreateDevice(ctx context.Context, r cordon.Recorded) (*cordon.DeviceRecord, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, wrap("create device", err)
	}
	defer tx.Rollback()
	rec, err := json.Marshal(r)
	if err != nil {
		return nil, wrap("create device", err)
	}
	c := deviceColumnsOf(nil, r)
	now := formatTime(tx.now)
	// The key needs the ID: insert with a placeholder unique to this
	// transaction, then name it.
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO devices (key, mac, ip, ip_sort, hostname, category, manufacturer, model,
		medical, site, first_seen, last_seen, search, created_at, updated_at, recorded)
		VALUES ('rec:new', ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, ?, ?, ?) RETURNING id`,
		c.mac, c.ip, c.ipSort, c.hostname, c.category, c.manufacturer, c.model, c.medical, c.site,
		c.search, now, now, string(rec)).Scan(&id); err != nil {
		return nil, wrap("create device", err)
	}
	key := "rec:" + strconv.FormatInt(id, 10)
	if _, err := tx.ExecContext(ctx, `UPDATE devices SET key = ? WHERE id = ?`, key, id); err != nil {
		return nil, wrap("create device", err)
	}
	if err := insertAudit(ctx, tx, "device.create", "device:"+strconv.FormatInt(id, 10), nil, r); err != nil {
		return nil, wrap("create device", err)
	}
	d, err := findDeviceByID(ctx, tx, id)
	if err != nil {
		return nil, wrap("create device", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, wrap("create device", err)
	}
	return d, nil
}

func updateRecorded(ctx context.Context, tx *Tx, id int64, r cordon.Recorded) (*cordon.DeviceRecord, error) {
	d, err := findDeviceByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	before := d.Recorded
	d.Recorded = r
	d.UpdatedAt = tx.now
	c := deviceColumnsOf(d.Observed, r)
	rec, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE devices SET recorded = ?, mac = ?, ip = ?, ip_sort = ?, hostname = ?,
		category = ?, manufacturer = ?, model = ?, medical = ?, site = ?, search = ?, updated_at = ? WHERE id = ?`,
		string(rec), c.mac, c.ip, c.ipSort, c.hostname, c.category, c.manufacturer, c.model, c.medical, c.site,
		c.search, formatTime(tx.now), id); err != nil {
		return nil, err
	}
	if err := insertAudit(ctx, tx, "device.update", "device:"+strconv.FormatInt(id, 10), before, r); err != nil {
		return nil, err
	}
	return d, nil
}

// selectDevices selects devices with their observed documents, in the
// order scanDevice reads them.
const selectDevices = `SELECT devices.id, devices.key, devices.created_at, devices.updated_at,
	device_observed.observed, devices.recorded
	FROM devices LEFT JOIN device_observed ON device_observed.device_id = devices.id`

func findDeviceByID(ctx context.Context, tx *Tx, id int64) (*cordon.DeviceRecord, error) {
	row := tx.QueryRowContext(ctx, selectDevices+` WHERE devices.id = ?`, id)
	d, err := scanDevice(row)
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Device %d not found.", id)
	}
	return d, err
}

// scanDevice reads one row of deviceColumns.
func scanDevice(row interface{ Scan(...any) error }) (*cordon.DeviceRecord, error) {
	var d cordon.DeviceRecord
	var created, updated string
	var observed sql.NullString
	var recorded string
	if err := row.Scan(&d.ID, &d.Key, &created, &updated, &observed, &recorded); err != nil {
		return nil, err
	}
	var err error
	if d.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if d.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	if observed.Valid {
		d.Observed = new(cordon.Device)
		if err := json.Unmarshal([]byte(observed.String), d.Observed); err != nil {
			return nil, fmt.Errorf("device %d: observed: %w", d.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(recorded), &d.Recorded); err != nil {
		return nil, fmt.Errorf("device %d: recorded: %w", d.ID, err)
	}
	return &d, nil
}

// deviceSorts maps the sort fields callers may name to ORDER BY
// expressions; anything else is EINVALID, so no caller text reaches SQL.
var deviceSorts = map[string]string{
	"id":           "id",
	"key":          "key",
	"mac":          "mac",
	"ip":           "ip_sort",
	"hostname":     "hostname",
	"category":     "category",
	"manufacturer": "lower(manufacturer)",
	"model":        "model",
	"site":         "lower(site)",
	"first_seen":   "first_seen",
	"last_seen":    "last_seen",
	"updated_at":   "updated_at",
}

// deviceWhere builds the WHERE clause of a filter.
func deviceWhere(f cordon.DeviceFilter) (string, []any) {
	var where []string
	var args []any
	if f.Category != "" {
		where, args = append(where, "category = ?"), append(args, f.Category)
	}
	if f.Manufacturer != "" {
		where, args = append(where, "lower(manufacturer) = ?"), append(args, strings.ToLower(f.Manufacturer))
	}
	if f.Site != "" {
		where, args = append(where, "lower(site) = ?"), append(args, strings.ToLower(f.Site))
	}
	if f.Medical != nil {
		where, args = append(where, "medical = ?"), append(args, *f.Medical)
	}
	if len(f.Keys) > 0 {
		where = append(where, "key IN (?"+strings.Repeat(", ?", len(f.Keys)-1)+")")
		for _, k := range f.Keys {
			args = append(args, k)
		}
	}
	// Every word of the query must appear somewhere in the search text.
	// SQLite's LIKE stops at a NUL, which would make the pattern match
	// everything; no stored text holds one, so it is dropped.
	q := strings.ReplaceAll(strings.ToLower(f.Query), "\x00", "")
	for _, w := range strings.Fields(q) {
		where, args = append(where, `search LIKE ? ESCAPE '\'`), append(args, "%"+escapeLike(w)+"%")
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// escapeLike makes s match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func findDevices(ctx context.Context, tx *Tx, f cordon.DeviceFilter) ([]*cordon.DeviceRecord, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	if len(f.Keys) > 1000 {
		return nil, 0, cordon.Errorf(cordon.EINVALID, "At most 1000 keys may be given.")
	}
	sortKey, dir := strings.TrimPrefix(f.Sort, "-"), "ASC"
	if strings.HasPrefix(f.Sort, "-") {
		dir = "DESC"
	}
	if sortKey == "" {
		sortKey = "id"
	}
	order, ok := deviceSorts[sortKey]
	if !ok {
		return nil, 0, cordon.Errorf(cordon.EINVALID, "Devices cannot be sorted by %q.", f.Sort)
	}
	cond, args := deviceWhere(f)

	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM devices`+cond, args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	if n == 0 || offset >= n {
		return []*cordon.DeviceRecord{}, n, nil
	}
	// A text search reads every row anyway; a unary + keeps SQLite from
	// walking the sort's index and looking up each row from it, which for a
	// rare word costs a random read per device instead of one scan. (The id
	// is the table's own order: scanning it stops at the page's end.)
	if f.Query != "" && order != "id" {
		order = "+" + order
	}
	// The page is chosen on the narrow columns first and only its rows'
	// documents are read: sorting whole rows would carry every matching
	// device's JSON through the sorter.
	rows, err := tx.QueryContext(ctx, selectDevices+` WHERE devices.id IN (
		SELECT id FROM devices`+cond+` ORDER BY `+order+` `+dir+`, id `+dir+` LIMIT ? OFFSET ?)
		ORDER BY `+strings.TrimPrefix(order, "+")+` `+dir+`, devices.id `+dir, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	ds := make([]*cordon.DeviceRecord, 0, min(limit, n-offset))
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, 0, err
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return ds, n, nil
}
