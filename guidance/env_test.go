package guidance_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/guidance"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// now is the tests' clock: conversations are dated against it.
var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// env is a real SQLite register and a guidance service over it.
type env struct {
	db  *sqlite.DB
	ctx context.Context
	svc *guidance.Service
	n   int
}

func mustOpenEnv(tb testing.TB) *env {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "cordon.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return now }
	e := &env{db: db, ctx: cordon.NewContextWithUser(context.Background(), &cordon.User{Name: "analyst1", Role: cordon.RoleAnalyst})}
	e.svc = &guidance.Service{
		Devices:       sqlite.NewDeviceService(db),
		Conversations: sqlite.NewConversationService(db),
		Exceptions:    sqlite.NewExceptionService(db),
		Models:        sqlite.NewModelService(db),
		Now:           func() time.Time { return now },
	}
	return e
}

// ingest commits devices and conversations the way a capture does.
func (e *env) ingest(tb testing.TB, devs []*cordon.Device, convs []cordon.Conversation) {
	tb.Helper()
	e.n++
	caps := sqlite.NewCaptureService(e.db)
	c := &cordon.Capture{Name: "test.pcap", SHA256: storetest.Hash(string(rune('a'+e.n)) + time.Now().String()), Size: 1}
	must(tb, caps.CreateCapture(e.ctx, c))
	must(tb, caps.StartCapture(e.ctx, c.ID))
	must(tb, sqlite.NewIngestService(e.db).CommitIngest(e.ctx, c.ID, storetest.Devices(devs...), convs,
		cordon.IngestStats{Devices: len(devs), Conversations: len(convs)}))
}

func (e *env) id(tb testing.TB, d *cordon.Device) int64 {
	tb.Helper()
	recs, _, err := e.svc.Devices.FindDevices(e.ctx, cordon.DeviceFilter{Keys: []string{storetest.Key(d)}})
	must(tb, err)
	if len(recs) != 1 {
		tb.Fatalf("device %s not in the register", d.MAC)
	}
	return recs[0].ID
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// conv is one hour of conversation between two keys.
func conv(client, server, proto string, port uint16, app string, ago time.Duration, flows uint64) cordon.Conversation {
	return cordon.Conversation{Client: client, Server: server, Proto: proto, Port: port, App: app,
		Hour: now.Add(-ago).Truncate(time.Hour), Flows: flows, Packets: 10 * flows, Bytes: 1000 * flows}
}
