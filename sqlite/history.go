package sqlite

import (
	"context"

	"github.com/cordonsec/cordon"
)

// FindDeviceHistory returns the device's addresses and host names over time.
func (s *DeviceService) FindDeviceHistory(ctx context.Context, id int64) (*cordon.DeviceHistory, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find device history", err)
	}
	defer tx.Rollback()
	if _, err := findDeviceByID(ctx, tx, id); err != nil {
		return nil, wrap("find device history", err)
	}
	h := &cordon.DeviceHistory{}
	for _, q := range []struct {
		sql string
		out *[]cordon.Seen
	}{
		{`SELECT ip, first_seen, last_seen FROM device_ips WHERE device_id = ? ORDER BY last_seen DESC, ip`, &h.IPs},
		{`SELECT name, first_seen, last_seen FROM device_hostnames WHERE device_id = ? ORDER BY last_seen DESC, name`, &h.Hostnames},
	} {
		seen, err := querySeen(ctx, tx, q.sql, id)
		if err != nil {
			return nil, wrap("find device history", err)
		}
		*q.out = seen
	}
	return h, nil
}

func querySeen(ctx context.Context, tx *Tx, q string, id int64) ([]cordon.Seen, error) {
	rows, err := tx.QueryContext(ctx, q, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []cordon.Seen{}
	for rows.Next() {
		var s cordon.Seen
		var first, last string
		if err := rows.Scan(&s.Value, &first, &last); err != nil {
			return nil, err
		}
		if s.FirstSeen, err = parseTime(first); err != nil {
			return nil, err
		}
		if s.LastSeen, err = parseTime(last); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
