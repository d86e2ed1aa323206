package sqlite

import (
	"context"
	"database/sql"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// PatchServiceLevel returns the shortest time to patch set by a current
// contract of a supplier serving the model, with who set it.
func (s *SupplierService) PatchServiceLevel(ctx context.Context, modelID int64) (int, string, string, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return 0, "", "", wrap("patch service level", err)
	}
	defer tx.Rollback()
	now := formatTime(tx.now)
	// Stored times are fixed-width UTC text, so they compare as text.
	var days int
	var supplier, contract string
	err = tx.QueryRowContext(ctx, `SELECT c.patch_days, s.name, c.reference
		FROM supplier_contracts c
		JOIN suppliers s ON s.id = c.supplier_id
		JOIN supplier_models m ON m.supplier_id = s.id
		WHERE m.model_id = ? AND c.patch_days > 0
		  AND (c.start_at = '' OR c.start_at <= ?) AND (c.end_at = '' OR c.end_at > ?)
		ORDER BY c.patch_days, s.name_key, c.reference LIMIT 1`, modelID, now, now).Scan(&days, &supplier, &contract)
	if err == sql.ErrNoRows {
		return 0, "", "", cordon.Errorf(cordon.ENOTFOUND, "No current supplier contract sets a time to patch model %d.", modelID)
	} else if err != nil {
		return 0, "", "", wrap("patch service level", err)
	}
	return days, supplier, contract, nil
}

// maxRemoteSessions bounds FindRemoteSessions.
const maxRemoteSessions = 5000

// FindRemoteSessions returns inbound remote-access sessions to medical
// devices and devices a supplier serves, latest first.
func (s *SupplierService) FindRemoteSessions(ctx context.Context, f cordon.RemoteSessionFilter) ([]*cordon.RemoteSession, error) {
	if len(f.Keys) > 1000 {
		return nil, cordon.Errorf(cordon.EINVALID, "At most 1000 keys may be given.")
	}
	if f.Limit < 0 {
		return nil, cordon.Errorf(cordon.EINVALID, "The limit must not be negative.")
	}
	limit := f.Limit
	if limit == 0 || limit > maxRemoteSessions {
		limit = maxRemoteSessions
	}
	q, args := remoteSessionsQuery(f, limit)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find remote sessions", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap("find remote sessions", err)
	}
	out := []*cordon.RemoteSession{}
	for rows.Next() {
		var r cordon.RemoteSession
		var first, last string
		var port int64
		dev, done := deviceRefDest(&r.Device)
		dest := append([]any{&r.SourceKey, &r.Proto, &port, &r.App, &first, &last, &r.Flows, &r.Bytes, &r.ModelID}, dev...)
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, wrap("find remote sessions", err)
		}
		done()
		r.Port = uint16(port)
		if r.FirstSeen, err = parseTime(first); err == nil {
			r.LastSeen, err = parseTime(last)
		}
		if err != nil {
			rows.Close()
			return nil, wrap("find remote sessions", err)
		}
		r.LastSeen = r.LastSeen.Add(time.Hour)
		if r.Method = cordon.RemoteMethod(r.App, r.Port); r.Method != "" {
			out = append(out, &r)
		}
	}
	if err := closeSupplierRows(rows); err != nil {
		return nil, wrap("find remote sessions", err)
	}
	for _, r := range out {
		if r.Sources, err = sessionSources(ctx, tx, r); err != nil {
			return nil, wrap("find remote sessions", err)
		}
	}
	return out, nil
}

// remoteSessionsQuery returns the query of FindRemoteSessions and its
// arguments.
func remoteSessionsQuery(f cordon.RemoteSessionFilter, limit int) (string, []any) {
	var args []any
	// The remote-access candidates, which SQLite reads from the partial
	// index conversations_remote alone, to the devices that matter to
	// suppliers: medical ones and those a supplier serves.
	q := `SELECT c.client, c.proto, c.port, c.app, MIN(c.hour), MAX(c.hour), SUM(c.flows), SUM(c.bytes),
		coalesce(md.model_id, 0), ` + deviceRef + `
		FROM conversations c
		JOIN devices d ON d.key = c.server
		LEFT JOIN model_devices md ON md.device_id = d.id
		WHERE ` + remoteCandidate("c.") + `
		  AND c.client <> c.server
		  AND (d.medical
		       OR EXISTS (SELECT 1 FROM supplier_devices sd WHERE sd.device_id = d.id)
		       OR EXISTS (SELECT 1 FROM supplier_models sm WHERE sm.model_id = md.model_id))`
	if !f.Since.IsZero() {
		q += ` AND c.hour >= ?`
		args = append(args, formatTime(f.Since.UTC()))
	}
	if len(f.Keys) > 0 {
		q += ` AND c.server IN (` + remotePlaceholders(len(f.Keys)) + `)`
		for _, k := range f.Keys {
			args = append(args, k)
		}
	}
	q += ` GROUP BY c.client, c.server, c.proto, c.port, c.app
		ORDER BY MAX(c.hour) DESC, d.id, c.client, c.port LIMIT ?`
	args = append(args, limit)
	return q, args
}

// remoteCandidate is the SQL condition, on the columns of a conversation
// prefixed by table, that cordon.RemoteMethod(app, port) is not "": the
// sensor labelled the flow remote access, or left it unlabelled (or
// labelled only TLS) on a remote-access port. It is the condition of the
// partial index conversations_remote (migration 0011), which SQLite
// evaluates on every conversation written: as CASE comparisons, the index
// adds about 5 % to the time CommitIngest takes to store conversations,
// where the same test as IN lists added 20 % (SQLite builds a temporary
// table for an IN list of more than two constants at each row).
func remoteCandidate(table string) string {
	ports := "CASE " + table + "port"
	for _, p := range cordon.RemotePorts() {
		ports += " WHEN " + strconv.Itoa(int(p)) + " THEN 1"
	}
	ports += " ELSE 0 END"
	q := "CASE lower(" + table + "app)"
	for _, a := range cordon.RemoteApps() {
		q += " WHEN '" + strings.ReplaceAll(a, "'", "''") + "' THEN 1"
	}
	return q + " WHEN '' THEN " + ports + " WHEN 'tls' THEN " + ports + " ELSE 0 END"
}

func remotePlaceholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// sessionSources returns the addresses the session's client held while the
// session was seen, most recent first: an address outside the register is
// its key; a device of the register held the addresses whose history
// overlaps the session (all of them when none does, as when the history
// was pruned).
func sessionSources(ctx context.Context, tx *Tx, r *cordon.RemoteSession) ([]string, error) {
	if a, ok := strings.CutPrefix(r.SourceKey, "ip:"); ok {
		if addr, err := netip.ParseAddr(a); err == nil {
			return []string{addr.Unmap().String()}, nil
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT i.ip, i.first_seen, i.last_seen FROM device_ips i
		JOIN devices d ON d.id = i.device_id WHERE d.key = ? ORDER BY i.last_seen DESC, i.ip`, r.SourceKey)
	if err != nil {
		return nil, err
	}
	var during, all []string
	from, until := formatTime(r.FirstSeen), formatTime(r.LastSeen)
	for rows.Next() {
		var ip, first, last string
		if err := rows.Scan(&ip, &first, &last); err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, ip)
		if first < until && last >= from {
			during = append(during, ip)
		}
	}
	if err := closeSupplierRows(rows); err != nil {
		return nil, err
	}
	if len(during) > 0 {
		return slices.Compact(during), nil
	}
	if all == nil {
		all = []string{}
	}
	return slices.Compact(all), nil
}
