package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// FuzzTouchSensor feeds arbitrary sensor and interface names, as a
// request would carry them, to TouchSensor and ForgetSensor: names of 1 to
// 64 characters of UTF-8 text without control characters (and a sensor
// name without a slash) are stored and found byte for byte, any others are
// EINVALID and store nothing, and forgetting either kind leaves the table
// as it was before.
func FuzzTouchSensor(f *testing.F) {
	for _, s := range [][2]string{
		{"sensor.site2", "eth0"},
		{"sensor.site2", "enp0s31f6"},
		{"'; DROP TABLE sensor_contacts; --", "eth0"},
		{"Côté ☤ 病棟", "wlan0@phy0"},
		{"", "eth0"},
		{"a", ""},
		{"sensor\x00site2", "eth0"},
		{"sensor", "eth0\nforged"},
		{"\xff\xfe", "eth0"},
		{"ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss", "e"},
		{"sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss", "e"},
	} {
		f.Add(s[0], s[1], uint64(7))
	}
	db := MustOpenDB(f)
	svc := sqlite.NewSensorContactService(db)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, sensor, iface string, packets uint64) {
		valid := validName(sensor) && !strings.Contains(sensor, "/") && validName(iface)
		err := svc.TouchSensor(ctx, sensor, iface, packets)
		if !valid {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("TouchSensor(%q, %q) = %v, want EINVALID", sensor, iface, err)
			}
			if cs, err := svc.FindSensors(ctx); err != nil || len(cs) != 0 {
				t.Fatalf("refused names left %+v, %v", cs, err)
			}
			if err := svc.ForgetSensor(ctx, sensor, iface); cordon.ErrorCode(err) != cordon.ENOTFOUND {
				t.Fatalf("ForgetSensor(%q, %q) = %v, want ENOTFOUND", sensor, iface, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("TouchSensor(%q, %q): %v", sensor, iface, err)
		}
		cs, err := svc.FindSensors(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Sensor != sensor || cs[0].Interface != iface || cs[0].Batches != 1 ||
			cs[0].LastPackets != min(packets, 1<<63-1) {
			t.Fatalf("TouchSensor(%q, %q, %d) stored %+v", sensor, iface, packets, cs)
		}
		if err := svc.ForgetSensor(ctx, sensor, iface); err != nil {
			t.Fatalf("ForgetSensor(%q, %q): %v", sensor, iface, err)
		}
	})
}

// validName is the rule TouchSensor holds names to, written out again.
func validName(s string) bool {
	if n := utf8.RuneCountInString(s); n == 0 || n > 64 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// TestSensorContactCheck holds the table's own constraints to the names
// and counts TouchSensor accepts, so that a row written around the service
// cannot break FindSensors' promises.
func TestSensorContactCheck(t *testing.T) {
	db := MustOpenDB(t)
	long := strings.Repeat("s", 64)
	for _, tt := range []struct {
		name             string
		sensor, iface    string
		batches, packets int64
		ok               bool
	}{
		// The OK cases prove the statement itself sound, so that the
		// others fail on the constraint they name.
		{"OK", "s", "eth0", 1, 0, true},
		{"OKLongest", long, "é" + long[1:], 1, 0, true},
		{"ErrEmptySensor", "", "eth0", 1, 0, false},
		{"ErrEmptyInterface", "s", "", 1, 0, false},
		{"ErrLongSensor", long + "s", "eth0", 1, 0, false},
		{"ErrLongInterface", "s", long + "é", 1, 0, false},
		{"ErrNoBatches", "t", "eth0", 0, 0, false},
		{"ErrNegativePackets", "t", "eth0", 1, -1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			err := db.QueryRowForTest(`INSERT INTO sensor_contacts VALUES (?, ?, '', '', ?, ?) RETURNING sensor`,
				tt.sensor, tt.iface, tt.batches, tt.packets).Scan(&got)
			if tt.ok && err != nil {
				t.Fatal(err)
			} else if !tt.ok && err == nil {
				t.Fatal("row stored")
			}
		})
	}
}
