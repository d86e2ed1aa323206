package match

import (
	"reflect"
	"sync"
	"testing"

	"github.com/cordonsec/cordon"
)

// cloneDevice copies d deeply, as a second device of the same image.
func cloneDevice(d *cordon.Device) *cordon.Device {
	c := *d
	c.Software = append([]cordon.Software(nil), d.Software...)
	c.Evidence = append([]cordon.Evidence(nil), d.Evidence...)
	return &c
}

// TestCacheHitEqualsFresh checks that a device matched from the result
// cache gets what a fresh match gives, and that changing a returned result
// does not change the cache.
func TestCacheHitEqualsFresh(t *testing.T) {
	g := newGenerator(7, 300)
	vulns := append(g.vulns(2000), corpus()...)
	ix := New(vulns)
	hits := 0
	for i, d := range g.devices(200) {
		first := ix.Device(d)
		second := ix.Device(cloneDevice(d))
		fresh := ix.device(d)
		naive := NaiveDevice(vulns, d)
		if !reflect.DeepEqual(first, naive) || !reflect.DeepEqual(second, naive) || !reflect.DeepEqual(fresh, naive) {
			t.Fatalf("device %d %+v: first %+v\nsecond %+v\nfresh %+v\nnaive %+v", i, d.Software, first, second, fresh, naive)
		}
		if len(second) == 0 {
			continue
		}
		hits++
		second[0].CVE = "changed"
		second[0].Evidence[0] = "changed"
		second[0].Evidence = append(second[0].Evidence, "more")
		first[0].Evidence[0] = "changed too"
		if third := ix.Device(d); !reflect.DeepEqual(third, naive) {
			t.Fatalf("device %d: changing a result changed the cache: %+v", i, third[0])
		}
	}
	if hits == 0 {
		t.Fatal("no device had matches: the test checked nothing")
	}
}

// TestFingerprint checks that devices differing in anything matching reads
// get different fingerprints, and copies the same one.
func TestFingerprint(t *testing.T) {
	base := dev("Windows 7", "6.1.7601", win7SP1, openssl("1.0.1f"))
	smb := cloneDevice(base)
	smb.Evidence = []cordon.Evidence{{Fact: "smb.dialect", Value: "NT LM 0.12"}}
	smb2 := cloneDevice(base)
	smb2.Evidence = []cordon.Evidence{{Fact: "smb.version", Value: "1"}}
	other := cloneDevice(base)
	other.Evidence = []cordon.Evidence{{Fact: "http.server", Value: "IIS"}}
	source := cloneDevice(base)
	source.Software[1].Source = "tls.cert"
	swapped := cloneDevice(base)
	swapped.Software[0], swapped.Software[1] = swapped.Software[1], swapped.Software[0]
	// Fields run together differently: length prefixes keep them apart.
	split1 := &cordon.Device{OS: cordon.OS{Name: "ab", Version: "c"}}
	split2 := &cordon.Device{OS: cordon.OS{Name: "a", Version: "bc"}}
	tests := []struct {
		name string
		a, b *cordon.Device
		same bool
	}{
		{"copy", base, cloneDevice(base), true},
		{"unrelated evidence", base, other, true},
		{"SMBv1 dialect seen", base, smb, false},
		{"SMBv1 dialect or version", smb, smb2, false},
		{"source", base, source, false},
		{"order", base, swapped, false},
		{"OS version", base, dev("Windows 7", "6.1", win7SP1, openssl("1.0.1f")), false},
		{"OS name", base, dev("Windows 7 SP1", "6.1.7601", win7SP1, openssl("1.0.1f")), false},
		{"field boundaries", split1, split2, false},
		{"one more name", base, dev("Windows 7", "6.1.7601", win7SP1, openssl("1.0.1f"), openssl("1.0.1f")), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fingerprint(tt.a) == fingerprint(tt.b); got != tt.same {
				t.Errorf("same fingerprint = %v, want %v", got, tt.same)
			}
		})
	}
}

func TestNumericBound(t *testing.T) {
	tests := []struct {
		bound string
		want  bool
	}{
		{"10.0.19045.4291", true},
		{"2.4.41", true},
		{"9.6.6-068", true},
		{"1.0.1g", false},
		{"9.3p2", false},
		{"15.2(4)e7", false},
		{"1.0-rc1", false},
		{"", false},
		{"..", false},
	}
	for _, tt := range tests {
		t.Run(tt.bound, func(t *testing.T) {
			if got := numericBound(tt.bound); got != tt.want {
				t.Errorf("numericBound(%q) = %v, want %v", tt.bound, got, tt.want)
			}
		})
	}
}

// TestEndBoundSearch checks the binary search on end bounds at its edges
// against NaiveDevice: versions equal to a bound, coarser than one, with
// pre-release or patch suffixes, and OS builds known only from the
// reported version.
func TestEndBoundSearch(t *testing.T) {
	app := "cpe:2.3:a:example:app:*:*:*:*:*:*:*:*"
	rng := func(id string, m cordon.CPEMatch) cordon.Vulnerability {
		m.Vulnerable, m.Criteria = true, app
		return cordon.Vulnerability{ID: id, Configurations: []cordon.Configuration{orConfig(or(m))}}
	}
	vulns := []cordon.Vulnerability{
		rng("CVE-2000-0001", cordon.CPEMatch{VersionEndExcluding: "1.2.3"}),
		rng("CVE-2000-0002", cordon.CPEMatch{VersionEndIncluding: "1.2.3"}),
		rng("CVE-2000-0003", cordon.CPEMatch{VersionStartIncluding: "1.2.0", VersionEndExcluding: "1.2.3.4"}),
		rng("CVE-2000-0004", cordon.CPEMatch{VersionEndExcluding: "1.2"}),
		rng("CVE-2000-0005", cordon.CPEMatch{VersionEndExcluding: "1.2.3rc1"}),
		rng("CVE-2000-0006", cordon.CPEMatch{VersionEndExcluding: "1.2.3p2"}),
		rng("CVE-2000-0007", cordon.CPEMatch{VersionStartExcluding: "1.0"}),
		rng("CVE-2000-0008", cordon.CPEMatch{VersionEndExcluding: "0.9"}),
		rng("CVE-2000-0009", cordon.CPEMatch{VersionEndIncluding: "1.2.3.0.1"}),
		windows10Build(),
	}
	ix := New(vulns)
	tests := []struct {
		name string
		d    *cordon.Device
	}{
		{"below every bound", dev("", "", "", "cpe:2.3:a:example:app:0.1:*:*:*:*:*:*:*")},
		{"equal to a bound", dev("", "", "", "cpe:2.3:a:example:app:1.2.3:*:*:*:*:*:*:*")},
		{"equal with trailing zero", dev("", "", "", "cpe:2.3:a:example:app:1.2.3.0:*:*:*:*:*:*:*")},
		{"coarser than a bound", dev("", "", "", "cpe:2.3:a:example:app:1.2:*:*:*:*:*:*:*")},
		{"coarser than two", dev("", "", "", "cpe:2.3:a:example:app:1.2.3:*:*:*:*:*:*:*")},
		{"pre-release", dev("", "", "", "cpe:2.3:a:example:app:1.2.3-rc1:*:*:*:*:*:*:*")},
		{"patch update", dev("", "", "", "cpe:2.3:a:example:app:1.2.3:p1:*:*:*:*:*:*")},
		{"above every bound", dev("", "", "", "cpe:2.3:a:example:app:9:*:*:*:*:*:*:*")},
		{"no version", dev("", "", "", "cpe:2.3:a:example:app:*:*:*:*:*:*:*:*")},
		{"NA version", dev("", "", "", "cpe:2.3:a:example:app:-:*:*:*:*:*:*:*")},
		{"OS build from report", dev("Windows 10", "10.0.19045", win22h2)},
		{"OS build coarser", dev("Windows 10", "10.0", win22h2)},
		{"OS build later", dev("Windows 10", "10.0.19045.5000", win22h2)},
		{"OS build earlier", dev("Windows 10", "10.0.19045.100", win22h2)},
		{"OS family", dev("Windows 10", "10.0.19045.100", win10)},
	}
	total := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := ix.device(tt.d), NaiveDevice(vulns, tt.d)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Index %+v\nNaive %+v", got, want)
			}
			total += len(got)
		})
	}
	if total < len(tests) {
		t.Errorf("only %d matches in all: the cases miss the ranges", total)
	}
}

// TestConcurrentDevice matches the same devices from several goroutines,
// so that `go test -race` checks the caches.
func TestConcurrentDevice(t *testing.T) {
	g := newGenerator(3, 200)
	vulns := g.vulns(1000)
	devices := g.devices(100)
	want := make([][]Match, len(devices))
	for i, d := range devices {
		want[i] = NaiveDevice(vulns, d)
	}
	ix := New(vulns)
	var wg sync.WaitGroup
	errs := make(chan int, 4*len(devices))
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, d := range devices {
				if !reflect.DeepEqual(ix.Device(d), want[i]) {
					errs <- i
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for i := range errs {
		t.Fatalf("device %d: concurrent match differs from NaiveDevice", i)
	}
}

// TestCacheBound checks that a full result cache stops growing and that
// devices matched past the bound still get the right answer.
func TestCacheBound(t *testing.T) {
	g := newGenerator(5, 200)
	vulns := g.vulns(1000)
	tests := []struct {
		name  string
		limit int
	}{
		{"off", 0},
		{"a few devices", 50},
		{"default", DefaultCacheMatches},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := New(vulns)
			ix.SetCacheMatches(tt.limit)
			for i, d := range g.devices(60) {
				for range 2 {
					if got, want := ix.Device(d), NaiveDevice(vulns, d); !reflect.DeepEqual(got, want) {
						t.Fatalf("device %d: Index %+v\nNaive %+v", i, got, want)
					}
				}
			}
			if n := ix.results.n.Load(); n > int64(tt.limit) {
				t.Errorf("cache holds %d, bound %d", n, tt.limit)
			}
		})
	}
}
