package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
)

// SensorContactService remembers when each remote sensor's interface last
// shipped a batch.
type SensorContactService struct {
	db *DB
}

var _ cordon.SensorContactService = (*SensorContactService)(nil)

// NewSensorContactService returns the sensor contacts of db.
func NewSensorContactService(db *DB) *SensorContactService { return &SensorContactService{db: db} }

// maxSensorName bounds a sensor's and an interface's name, in characters;
// the table's CHECK constraints hold the same bound.
const maxSensorName = 64

// TouchSensor records a batch of packets packets from sensor's iface at the
// store's clock. It is not audited: it runs for every batch, about once a
// minute per sensor, and records traffic rather than a change a person
// made.
func (s *SensorContactService) TouchSensor(ctx context.Context, sensor, iface string, packets uint64) error {
	if err := checkSensorName("sensor", "A sensor name", sensor); err != nil {
		return err
	}
	// The subject "sensor:NAME/IFACE" of its alerts and audit entries
	// splits at the first slash. A sensor is named for its user, whose
	// name has none.
	if strings.Contains(sensor, "/") {
		return cordon.Invalidf("sensor", "A sensor name may not hold a slash.")
	}
	if err := checkSensorName("interface", "An interface name", iface); err != nil {
		return err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("touch sensor", err)
	}
	defer tx.Rollback()
	// One upsert, so that a sensor's first batch and two batches of one
	// sensor racing each other cannot lose a count. last_batch takes the
	// clock as it is, even when it stepped back: keeping the later of the
	// two would let a clock once set wrongly ahead mute the silence alarm
	// until real time caught up with it.
	now := formatTime(tx.now)
	if _, err := tx.ExecContext(ctx, `INSERT INTO sensor_contacts (sensor, interface, first_seen, last_batch, batches,
		last_packets) VALUES (?, ?, ?, ?, 1, ?)
		ON CONFLICT (sensor, interface) DO UPDATE SET last_batch = excluded.last_batch, batches = batches + 1,
		last_packets = excluded.last_packets`,
		sensor, iface, now, now, clampInt64(packets)); err != nil {
		return wrap("touch sensor", err)
	}
	return wrap("touch sensor", tx.Commit())
}

// checkSensorName refuses a name that is empty, longer than maxSensorName
// characters, not UTF-8 or holding control characters: names appear in
// alert subjects, pages and logs, where a newline or a NUL would mislead.
func checkSensorName(field, what, name string) error {
	n := utf8.RuneCountInString(name)
	if n == 0 || n > maxSensorName {
		return cordon.Invalidf(field, "%s has 1 to %d characters, not %d.", what, maxSensorName, n)
	}
	if !utf8.ValidString(name) {
		return cordon.Invalidf(field, "%s must be UTF-8 text.", what)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return cordon.Invalidf(field, "%s may not hold control characters such as tabs or line breaks.", what)
		}
	}
	return nil
}

const selectSensorContacts = `SELECT sensor, interface, first_seen, last_batch, batches, last_packets FROM sensor_contacts`

// FindSensors returns every sensor interface heard from, by sensor and
// interface name.
func (s *SensorContactService) FindSensors(ctx context.Context) ([]cordon.SensorContact, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find sensors", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, selectSensorContacts+` ORDER BY sensor, interface`)
	if err != nil {
		return nil, wrap("find sensors", err)
	}
	defer rows.Close()
	cs := []cordon.SensorContact{}
	for rows.Next() {
		c, err := scanSensorContact(rows)
		if err != nil {
			return nil, wrap("find sensors", err)
		}
		cs = append(cs, c)
	}
	return cs, wrap("find sensors", rows.Err())
}

// ForgetSensor removes a retired sensor's interface, audited as
// "sensor.forget" with the contact as it was. ENOTFOUND when the server has
// no contact of that name, an invalid one included.
func (s *SensorContactService) ForgetSensor(ctx context.Context, sensor, iface string) error {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("forget sensor", err)
	}
	defer tx.Rollback()
	c, err := scanSensorContact(tx.QueryRowContext(ctx, `DELETE FROM sensor_contacts WHERE sensor = ? AND interface = ?
		RETURNING sensor, interface, first_seen, last_batch, batches, last_packets`, sensor, iface))
	if err == sql.ErrNoRows {
		// Names are quoted only when valid, so bounded: these come from a
		// request.
		if checkSensorName("sensor", "", sensor) != nil || checkSensorName("interface", "", iface) != nil {
			return cordon.Errorf(cordon.ENOTFOUND, "No sensor interface of that name has shipped to this server.")
		}
		return cordon.Errorf(cordon.ENOTFOUND, "Sensor %q has shipped nothing from interface %q to this server.", sensor, iface)
	} else if err != nil {
		return wrap("forget sensor", err)
	}
	if err := insertAudit(ctx, tx, "sensor.forget", sensorObject(sensor, iface), c, nil); err != nil {
		return wrap("forget sensor", err)
	}
	return wrap("forget sensor", tx.Commit())
}

func scanSensorContact(row interface{ Scan(...any) error }) (cordon.SensorContact, error) {
	var c cordon.SensorContact
	var first, last string
	var packets int64
	if err := row.Scan(&c.Sensor, &c.Interface, &first, &last, &c.Batches, &packets); err != nil {
		return cordon.SensorContact{}, err
	}
	var err error
	if c.FirstSeen, err = parseTime(first); err != nil {
		return cordon.SensorContact{}, err
	}
	if c.LastBatch, err = parseTime(last); err != nil {
		return cordon.SensorContact{}, err
	}
	c.LastPackets = uint64(max(packets, 0))
	return c, nil
}

// sensorObject names a sensor interface in the audit log as sensor_silent
// alerts name it in their subject.
func sensorObject(sensor, iface string) string { return "sensor:" + sensor + "/" + iface }
