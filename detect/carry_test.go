package detect

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// TestCarry: the next batch's detector knows the names the last one
// learned, forgets connection starts older than a day, and the last one
// can be finished on another goroutine while the next one works (run
// with -race).
func TestCarry(t *testing.T) {
	ct, web, old := ep(1, "10.30.1.11", 50000), ep(9, "203.0.113.80", 443), ep(9, "203.0.113.90", 8443)
	d1, _ := New(&nopSink{}, nil)
	d1.Observe(cordon.Observation{IP: web.IP, Fact: "tls.sni", Value: "updates.example.com", Time: t0})
	for i := range 8 { // a beacon that stopped a day before the next batch
		d1.Flow(flow(ct, old, "tcp", "", t0.Add(time.Duration(i)*time.Minute)))
	}
	d1.Flow(flow(ct, web, "tcp", "tls", t0.Add(25*time.Hour)))
	d2, err := d1.Carry(&nopSink{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var first []Alert
	wg.Go(func() { first = d1.Finish(devices) })
	d2.Flow(flow(ct, web, "tcp", "", t0.Add(26*time.Hour))) // no SNI in this batch
	wg.Wait()
	if !hasKind(first, KindBeaconing) {
		t.Errorf("the first batch's beacon was not reported: %+v", first)
	}
	second := d2.Finish(devices)
	if hasKind(second, KindBeaconing) {
		t.Errorf("a beacon with no connection in this batch was reported again: %+v", second)
	}
	var web2 *Alert
	for i, a := range second {
		if a.Kind == KindInternetWeb {
			web2 = &second[i]
		}
	}
	if web2 == nil || !strings.Contains(web2.Subject, "updates.example.com") {
		t.Errorf("internet_web in the next batch: %+v; want it named from the last batch's SNI", web2)
	}
	if len(d2.beacons) != 1 {
		t.Errorf("the next batch remembers %d beacons; want only the recent one, not the one a day old", len(d2.beacons))
	}
}

func hasKind(as []Alert, kind string) bool {
	for _, a := range as {
		if a.Kind == kind {
			return true
		}
	}
	return false
}
