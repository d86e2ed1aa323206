package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// IngestService merges analysed captures into the register.
type IngestService struct {
	db *DB
}

var _ cordon.IngestService = (*IngestService)(nil)

// NewIngestService returns the ingest side of db.
func NewIngestService(db *DB) *IngestService { return &IngestService{db: db} }

// keyBatch bounds the parameters of one IN list, well under SQLite's limit.
const keyBatch = 500

// ObservedByKeys returns the observed state of the devices with these keys
// that the register holds.
func (s *IngestService) ObservedByKeys(ctx context.Context, keys []string) (map[string]*cordon.Device, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("observed by keys", err)
	}
	defer tx.Rollback()
	m, err := observedByKeys(ctx, tx, keys)
	if err != nil {
		return nil, wrap("observed by keys", err)
	}
	return m, nil
}

func observedByKeys(ctx context.Context, tx *Tx, keys []string) (map[string]*cordon.Device, error) {
	m := make(map[string]*cordon.Device, len(keys))
	for len(keys) > 0 {
		batch := keys[:min(len(keys), keyBatch)]
		keys = keys[len(batch):]
		args := make([]any, len(batch))
		for i, k := range batch {
			args[i] = k
		}
		q := `SELECT devices.key, device_observed.observed FROM devices
			JOIN device_observed ON device_observed.device_id = devices.id WHERE devices.key IN (?` +
			strings.Repeat(", ?", len(batch)-1) + `)`
		if err := func() error {
			rows, err := tx.QueryContext(ctx, q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var key, doc string
				if err := rows.Scan(&key, &doc); err != nil {
					return err
				}
				d := new(cordon.Device)
				if err := json.Unmarshal([]byte(doc), d); err != nil {
					return fmt.Errorf("device %s: %w", key, err)
				}
				m[key] = d
			}
			return rows.Err()
		}(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// CommitIngest merges one capture's devices and conversations in one
// transaction and marks the capture done; ECONFLICT, changing nothing, if
// the capture is not running.
func (s *IngestService) CommitIngest(ctx context.Context, captureID int64, devices map[string]*cordon.Device, conv []cordon.Conversation, stats cordon.IngestStats) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("commit ingest", err)
	}
	defer tx.Rollback()
	if err := commitIngest(ctx, tx, captureID, devices, conv, stats); err != nil {
		return wrap("commit ingest", err)
	}
	return wrap("commit ingest", tx.Commit())
}

func commitIngest(ctx context.Context, tx *Tx, captureID int64, devices map[string]*cordon.Device, conv []cordon.Conversation, stats cordon.IngestStats) error {
	if err := checkCaptureStatus(ctx, tx, captureID, cordon.CaptureRunning); err != nil {
		return err
	}
	w, err := prepareIngest(ctx, tx)
	if err != nil {
		return err
	}
	defer w.close()

	// Keys in order: deterministic IDs for a given capture, and a failure
	// part-way fails at the same device every time.
	keys := make([]string, 0, len(devices))
	for k, d := range devices {
		if d != nil {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	now := formatTime(tx.now)
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.device(ctx, k, devices[k], now); err != nil {
			return fmt.Errorf("device %.64q: %w", k, err)
		}
	}
	for i := range conv {
		if err := w.conversation(ctx, &conv[i]); err != nil {
			return fmt.Errorf("conversation: %w", err)
		}
	}

	doc, err := json.Marshal(stats)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE captures SET status = 'done', progress = 1, error = '', stats = ?, finished_at = ? WHERE id = ?`,
		string(doc), now, captureID); err != nil {
		return err
	}
	return insertAudit(ctx, tx, "capture.ingest", captureObject(captureID), nil, stats)
}

// ingestWriter holds the statements of one CommitIngest, prepared once and
// run for each device.
type ingestWriter struct {
	existing, adoptable, adopt, insert, update, observed, ip, hostname, conv *sql.Stmt
}

func prepareIngest(ctx context.Context, tx *Tx) (*ingestWriter, error) {
	w := &ingestWriter{}
	for _, p := range []struct {
		stmt **sql.Stmt
		q    string
	}{
		{&w.existing, `SELECT id, recorded FROM devices WHERE key = ?`},
		// A register-only device (imported, never seen) whose recorded MAC
		// the network now shows becomes that device.
		{&w.adoptable, `SELECT devices.id, devices.recorded FROM devices
			LEFT JOIN device_observed ON device_observed.device_id = devices.id
			WHERE devices.key LIKE 'rec:%' AND device_observed.device_id IS NULL AND devices.mac = ?
			ORDER BY devices.id LIMIT 1`},
		{&w.adopt, `UPDATE devices SET key = ? WHERE id = ?`},
		{&w.insert, `INSERT INTO devices (key, mac, ip, ip_sort, hostname, category, manufacturer, model, medical, site,
			first_seen, last_seen, search, created_at, updated_at, recorded)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}') RETURNING id`},
		{&w.update, `UPDATE devices SET mac = ?, ip = ?, ip_sort = ?, hostname = ?, category = ?, manufacturer = ?,
			model = ?, medical = ?, site = ?, first_seen = ?, last_seen = ?, search = ?, updated_at = ?
			WHERE id = ?`},
		{&w.observed, `INSERT INTO device_observed (device_id, observed) VALUES (?, ?)
			ON CONFLICT (device_id) DO UPDATE SET observed = excluded.observed`},
		// Histories and counters merge with what is there; CASE rather than
		// SQLite's two-argument min/max, which PostgreSQL spells LEAST and
		// GREATEST.
		{&w.ip, `INSERT INTO device_ips (device_id, ip, first_seen, last_seen) VALUES (?, ?, ?, ?)
			ON CONFLICT (device_id, ip) DO UPDATE SET
			first_seen = CASE WHEN excluded.first_seen < device_ips.first_seen THEN excluded.first_seen ELSE device_ips.first_seen END,
			last_seen = CASE WHEN excluded.last_seen > device_ips.last_seen THEN excluded.last_seen ELSE device_ips.last_seen END`},
		{&w.hostname, `INSERT INTO device_hostnames (device_id, name, first_seen, last_seen) VALUES (?, ?, ?, ?)
			ON CONFLICT (device_id, name) DO UPDATE SET
			first_seen = CASE WHEN excluded.first_seen < device_hostnames.first_seen THEN excluded.first_seen ELSE device_hostnames.first_seen END,
			last_seen = CASE WHEN excluded.last_seen > device_hostnames.last_seen THEN excluded.last_seen ELSE device_hostnames.last_seen END`},
		{&w.conv, `INSERT INTO conversations (client, server, proto, port, app, hour, flows, packets, bytes)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (client, server, proto, port, app, hour) DO UPDATE SET
			flows = conversations.flows + excluded.flows,
			packets = conversations.packets + excluded.packets,
			bytes = conversations.bytes + excluded.bytes`},
	} {
		s, err := tx.PrepareContext(ctx, p.q)
		if err != nil {
			w.close()
			return nil, err
		}
		*p.stmt = s
	}
	return w, nil
}

func (w *ingestWriter) close() {
	for _, s := range []*sql.Stmt{w.existing, w.adoptable, w.adopt, w.insert, w.update, w.observed, w.ip, w.hostname, w.conv} {
		if s != nil {
			s.Close()
		}
	}
}

// device upserts one device's observed state, keeping its ID and recorded
// fields, and extends its histories.
func (w *ingestWriter) device(ctx context.Context, key string, d *cordon.Device, now string) error {
	doc, err := json.Marshal(d)
	if err != nil {
		return err
	}
	var id int64
	var recDoc string
	err = w.existing.QueryRowContext(ctx, key).Scan(&id, &recDoc)
	if err == sql.ErrNoRows && !d.MAC.IsZero() {
		err = w.adoptable.QueryRowContext(ctx, d.MAC.String()).Scan(&id, &recDoc)
		if err == nil {
			if _, err := w.adopt.ExecContext(ctx, key, id); err != nil {
				return err
			}
		}
	}
	switch {
	case err == sql.ErrNoRows:
		c := deviceColumnsOf(d, cordon.Recorded{})
		if err := w.insert.QueryRowContext(ctx, key, c.mac, c.ip, c.ipSort, c.hostname, c.category, c.manufacturer,
			c.model, c.medical, c.site, c.firstSeen, c.lastSeen, c.search, now, now).Scan(&id); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		var rec cordon.Recorded
		if err := json.Unmarshal([]byte(recDoc), &rec); err != nil {
			return fmt.Errorf("recorded: %w", err)
		}
		c := deviceColumnsOf(d, rec)
		if _, err := w.update.ExecContext(ctx, c.mac, c.ip, c.ipSort, c.hostname, c.category, c.manufacturer,
			c.model, c.medical, c.site, c.firstSeen, c.lastSeen, c.search, now, id); err != nil {
			return err
		}
	}
	if _, err := w.observed.ExecContext(ctx, id, string(doc)); err != nil {
		return err
	}
	first, last := formatTime(d.FirstSeen), formatTime(d.LastSeen)
	if first == "" {
		first = now
	}
	if last == "" {
		last = first
	}
	for _, ip := range d.IPs {
		if ip == "" {
			continue
		}
		if _, err := w.ip.ExecContext(ctx, id, ip, first, last); err != nil {
			return err
		}
	}
	for _, h := range d.Hostnames {
		if h == "" {
			continue
		}
		if _, err := w.hostname.ExecContext(ctx, id, h, first, last); err != nil {
			return err
		}
	}
	return nil
}

// conversation adds one conversation's counts to its hour.
func (w *ingestWriter) conversation(ctx context.Context, c *cordon.Conversation) error {
	hour := formatTime(c.Hour.UTC().Truncate(time.Hour))
	_, err := w.conv.ExecContext(ctx, c.Client, c.Server, c.Proto, int64(c.Port), c.App, hour,
		clampInt64(c.Flows), clampInt64(c.Packets), clampInt64(c.Bytes))
	return err
}
