package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// observedModel is the part of an observed device that names its model;
// decoding only it keeps a sync over the register cheap.
type observedModel struct {
	Manufacturer string `json:"manufacturer"`
	Model        string `json:"model"`
	Category     string `json:"category"`
	DICOM        *struct {
		ImplementationVersion string `json:"implementation_version"`
	} `json:"dicom"`
	Evidence []struct {
		Fact     string    `json:"fact"`
		Value    string    `json:"value"`
		LastSeen time.Time `json:"last_seen"`
	} `json:"evidence"`
}

// model returns the model the observation shows, or nil when it lacks a
// manufacturer or model name, or names one no model may have (too long).
// The version is the DICOM implementation version, else the LLDP-MED
// software revision seen last.
func (o *observedModel) model() *cordon.DeviceModel {
	m := &cordon.DeviceModel{Manufacturer: strings.TrimSpace(o.Manufacturer), Model: strings.TrimSpace(o.Model)}
	if o.DICOM != nil {
		m.Version = strings.TrimSpace(o.DICOM.ImplementationVersion)
	}
	if m.Version == "" {
		var last time.Time
		for _, e := range o.Evidence {
			if v := strings.TrimSpace(e.Value); e.Fact == "lldp.med.software_revision" && v != "" && (m.Version == "" || e.LastSeen.After(last)) {
				m.Version, last = v, e.LastSeen
			}
		}
	}
	if slices.Contains(cordon.Categories, o.Category) {
		m.Category = o.Category
	}
	if m.Validate() != nil {
		return nil
	}
	return m
}

// SyncDiscoveredModels creates the models the observed devices show and
// assigns each such device to its model, leaving hand assignments alone,
// in one transaction recorded as one "model.sync" audit entry.
func (s *ModelService) SyncDiscoveredModels(ctx context.Context) (created, assigned int, err error) {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return 0, 0, wrap("sync models", err)
	}
	defer tx.Rollback()
	created, assigned, err = syncDiscoveredModels(ctx, tx)
	if err != nil {
		return 0, 0, wrap("sync models", err)
	}
	if err := insertAudit(ctx, tx, "model.sync", "models", nil,
		map[string]int{"created": created, "assigned": assigned}); err != nil {
		return 0, 0, wrap("sync models", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, wrap("sync models", err)
	}
	return created, assigned, nil
}

// discovered is one observed device with its current assignment.
type discovered struct {
	device  int64
	model   *cordon.DeviceModel
	current sql.NullInt64
	source  sql.NullString
}

func syncDiscoveredModels(ctx context.Context, tx *Tx) (created, assigned int, err error) {
	keys := map[string]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT id, key FROM device_models`)
	if err != nil {
		return 0, 0, err
	}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			rows.Close()
			return 0, 0, err
		}
		keys[key] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}

	// Read every device first, then write: the transaction's one
	// connection cannot write while a result set is open on it.
	rows, err = tx.QueryContext(ctx, `SELECT o.device_id, o.observed, md.model_id, md.source
		FROM device_observed o LEFT JOIN model_devices md ON md.device_id = o.device_id ORDER BY o.device_id`)
	if err != nil {
		return 0, 0, err
	}
	var todo []discovered
	for rows.Next() {
		var d discovered
		var doc string
		if err := rows.Scan(&d.device, &doc, &d.current, &d.source); err != nil {
			rows.Close()
			return 0, 0, err
		}
		if d.source.String == cordon.ModelByHand {
			continue
		}
		var o observedModel
		if err := json.Unmarshal([]byte(doc), &o); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("device %d: observed: %w", d.device, err)
		}
		if d.model = o.model(); d.model != nil {
			todo = append(todo, d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}

	for _, d := range todo {
		key := modelKey(d.model.Manufacturer, d.model.Model, d.model.Version)
		id, ok := keys[key]
		if !ok {
			if err := insertModel(ctx, tx, d.model); err != nil {
				return 0, 0, err
			}
			id, keys[key] = d.model.ID, d.model.ID
			created++
		}
		if d.current.Valid && d.current.Int64 == id {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO model_devices (device_id, model_id, source) VALUES (?, ?, ?)
			ON CONFLICT (device_id) DO UPDATE SET model_id = excluded.model_id, source = excluded.source`,
			d.device, id, cordon.ModelByDiscovery); err != nil {
			return 0, 0, err
		}
		assigned++
	}
	return created, assigned, nil
}
