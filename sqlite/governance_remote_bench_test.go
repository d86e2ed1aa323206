package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remoteaccess"
	"github.com/cordonsec/cordon/sqlite"
	"github.com/cordonsec/cordon/storetest"
)

// govFlow is one kind of hourly conversation of the remote-access
// benchmark. Remote access is rare in hospital traffic: about 2 % of the
// conversation-hours, as in the simulator's mix.
type govFlow struct {
	proto, app string
	port       uint16
	remote     bool
}

var govFlows = []govFlow{
	{"tcp", "dicom", 104, false}, {"tcp", "hl7", 2575, false}, {"tcp", "tls", 443, false},
	{"udp", "dns", 53, false}, {"tcp", "smb", 445, false}, {"tcp", "http", 80, false},
	{"tcp", "tls", 443, false}, {"tcp", "dicom", 104, false}, {"udp", "ntp", 123, false},
	{"tcp", "tls", 8443, false},
}

var govRemoteFlows = []govFlow{
	{"tcp", "rdp", 3389, true}, {"tcp", "", 5900, true}, {"tcp", "ssh", 22, true}, {"tcp", "tls", 5938, true},
}

// fillConversations stores n hourly conversations to the devices (keys),
// spread over the 30 days before now, in captures of 100,000 through
// CommitIngest as ingest stores them. One in 50 is remote access; its
// client is, by turns, an address of a supplier's network (203.0.113.0/24),
// one no supplier record names (198.51.100.0/24), or another device.
func fillConversations(b *testing.B, db *sqlite.DB, now time.Time, keys []string, n int) (remote int) {
	b.Helper()
	ctx := context.Background()
	caps, ingest := sqlite.NewCaptureService(db), sqlite.NewIngestService(db)
	hours := 30 * 24
	base := now.Truncate(time.Hour)
	rng := rand.New(rand.NewPCG(1, 2))
	if n > len(keys)*hours {
		b.Fatalf("%d conversations do not fit in 30 days of %d devices: raise -gov-devices", n, len(keys))
	}
	for start := 0; start < n; start += 100_000 {
		conv := make([]cordon.Conversation, 0, 100_000)
		for i := start; i < min(n, start+100_000); i++ {
			server := keys[i%len(keys)]
			// A server's rows are rounds apart: 37 is prime to the 720
			// hours, so each of its rows has an hour of its own.
			round := i / len(keys)
			f := govFlows[i%len(govFlows)]
			client := keys[(i*7919+1)%len(keys)]
			if i%50 == 0 {
				// Drawn, not cycled, so that method, source and device
				// do not fall into step with one another.
				f = govRemoteFlows[rng.IntN(len(govRemoteFlows))]
				server = keys[rng.IntN(len(keys))] // a repeat adds to the hour's counts
				switch rng.IntN(3) {
				case 0:
					client = "ip:203.0.113." + strconv.Itoa(1+rng.IntN(254))
				case 1:
					client = "ip:198.51.100." + strconv.Itoa(1+rng.IntN(254))
				}
				remote++
			}
			conv = append(conv, cordon.Conversation{Client: client, Server: server,
				Proto: f.proto, Port: f.port, App: f.app, Hour: base.Add(-time.Duration((round*37+i%len(keys)*13)%hours) * time.Hour),
				Flows: uint64(1 + i%7), Packets: uint64(20 + i%300), Bytes: uint64(4000 + i%90000)})
		}
		name := fmt.Sprintf("conversations-%d.pcap", start)
		c := &cordon.Capture{Name: name, SHA256: storetest.Hash(name), Size: 1}
		must(b, caps.CreateCapture(ctx, c))
		must(b, caps.StartCapture(ctx, c.ID))
		must(b, ingest.CommitIngest(ctx, c.ID, map[string]*cordon.Device{}, conv, cordon.IngestStats{}))
	}
	return remote
}

// govSuppliers creates n suppliers, each serving two models and a device:
// half with on-demand RDP and TeamViewer access from 203.0.113.0/24, half
// with an always-on VPN from 203.0.113.128/25. Some of the benchmark's
// remote sessions are explained, most are not.
func govSuppliers(b *testing.B, db *sqlite.DB, n int, models, devices []int64) {
	b.Helper()
	ctx := govCtx()
	svc := sqlite.NewSupplierService(db)
	for i := range n {
		access := []cordon.RemoteAccess{
			{Method: "rdp", Mode: cordon.AccessOnDemand, MFA: true, Sources: []string{"203.0.113.0/24"}},
			{Method: "teamviewer", Mode: cordon.AccessOnDemand, MFA: true, Sources: []string{"203.0.113.0/24"}}}
		if i%2 == 1 {
			access = []cordon.RemoteAccess{{Method: "vpn", Mode: cordon.AccessAlwaysOn, Sources: []string{"203.0.113.128/25"}}}
		}
		s := &cordon.Supplier{Name: fmt.Sprintf("Supplier %04d Ltd", i),
			Contracts: []cordon.Contract{{Reference: "C-" + strconv.Itoa(i), AttendHours: 4, PatchDays: 30}},
			Access:    access,
			ModelIDs:  []int64{models[(2*i)%len(models)], models[(2*i+1)%len(models)]},
			DeviceIDs: []int64{devices[(i*31)%len(devices)]}}
		must(b, svc.CreateSupplier(ctx, s))
	}
}

// BenchmarkGovernanceRemoteAccess measures the unexplained-remote-access
// view: FindRemoteSessions over -gov-conversations hourly conversations to
// -gov-devices devices (in models of 25), then the suppliers read and
// indexed and every session decided (remoteaccess.FindUnexplained), for
// the last 30 days and for the last day.
func BenchmarkGovernanceRemoteAccess(b *testing.B) {
	now := govNow
	db := govDB(b, &now)
	devices, models := govFleet(b, db, *govDevices, 1, 25)
	keys := make([]string, 0, len(devices))
	rows, err := db.QueryForTest(`SELECT key FROM devices ORDER BY id`)
	must(b, err)
	for rows.Next() {
		var k string
		must(b, rows.Scan(&k))
		keys = append(keys, k)
	}
	must(b, rows.Close())
	start := time.Now()
	remote := fillConversations(b, db, now, keys, *govConversations)
	b.Logf("%d conversations (%d remote access) stored in %v", *govConversations, remote, time.Since(start).Round(time.Millisecond))
	govSuppliers(b, db, max(len(models)/10, 20), models, devices)
	svc := sqlite.NewSupplierService(db)
	for _, bb := range []struct {
		name  string
		since time.Duration
	}{{"30Days", 30 * 24 * time.Hour}, {"1Day", 24 * time.Hour}} {
		b.Run(bb.name, func(b *testing.B) {
			var ds []remoteaccess.Decision // the unexplained sessions only
			for range b.N {
				var err error
				ds, err = remoteaccess.FindUnexplained(context.Background(), svc, cordon.RemoteSessionFilter{Since: now.Add(-bb.since)})
				if err != nil || len(ds) == 0 {
					b.Fatalf("%d decisions, %v", len(ds), err)
				}
			}
			b.StopTimer()
			all, err := svc.FindRemoteSessions(context.Background(), cordon.RemoteSessionFilter{Since: now.Add(-bb.since)})
			must(b, err)
			b.ReportMetric(float64(len(all)), "sessions")
			b.ReportMetric(float64(len(ds)), "unexplained")
		})
	}
}
