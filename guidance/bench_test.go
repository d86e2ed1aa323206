package guidance_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/guidance"
	"github.com/cordonsec/cordon/storetest"
)

// benchTrust is a register of n devices, a fifth of them medical, each
// with convsPer conversations in the window (to a few servers, a public
// address now and then), ingested the way captures are.
func benchTrust(b *testing.B, n, convsPer int) *env {
	e := mustOpenEnv(b)
	devs := make([]*cordon.Device, 0, n)
	var convs []cordon.Conversation
	servers := []string{"mac:00:50:56:ff:00:01", "mac:00:50:56:ff:00:02", "mac:00:50:56:ff:00:03"}
	for i := range n {
		cat := cordon.CategoryWorkstation
		if i%5 == 0 {
			cat = cordon.CategoryInfusionPump
		}
		d := storetest.NewDevice(fmt.Sprintf("02:00:00:%02x:%02x:%02x", i>>16&0xff, i>>8&0xff, i&0xff),
			fmt.Sprintf("10.%d.%d.%d", 1+i/60000, i/250%240, 1+i%250), cat, storetest.WithHost(fmt.Sprintf("host-%05d", i)))
		devs = append(devs, d)
		k := storetest.Key(d)
		for j := range convsPer {
			switch {
			case j == 0 && i%50 == 0:
				convs = append(convs, conv(k, fmt.Sprintf("ip:203.0.113.%d", i%250), "tcp", 443, "tls", time.Duration(j+1)*time.Hour, 3))
			case j == 1 && i%100 == 0:
				convs = append(convs, conv("mac:00:50:56:ff:00:09", k, "tcp", 3389, "rdp", day, 1))
			default:
				convs = append(convs, conv(k, servers[j%len(servers)], "tcp", uint16(2000+j), "", time.Duration(j+1)*time.Hour, uint64(1+j)))
			}
		}
	}
	e.ingest(b, devs, convs)
	return e
}

// BenchmarkTable checks a trust of 5,000 devices: a default page (50) and
// the whole table (CSV), with 15,000 and 25,000 conversations in the window
// (each read in one streaming pass).
func BenchmarkTable(b *testing.B) {
	for _, tc := range []struct {
		name     string
		convsPer int
	}{{"15k_conversations", 3}, {"25k_conversations", 5}} {
		e := benchTrust(b, 5000, tc.convsPer)
		for _, page := range []struct {
			name  string
			limit int
		}{{"page50", 50}, {"all", 0}} {
			b.Run(tc.name+"/"+page.name, func(b *testing.B) {
				for b.Loop() {
					reps, total, err := e.svc.Table(e.ctx, guidance.Filter{Limit: page.limit})
					if err != nil || total != 5000 || len(reps) == 0 {
						b.Fatalf("total %d rows %d: %v", total, len(reps), err)
					}
				}
			})
		}
		b.Run(tc.name+"/state_fail", func(b *testing.B) {
			for b.Loop() {
				if _, _, err := e.svc.Table(e.ctx, guidance.Filter{State: guidance.Fail, Limit: 50}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
