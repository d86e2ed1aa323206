package ui

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func TestFormatAgo(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"JustNow", 20 * time.Second, "just now"},
		{"OneMinute", time.Minute, "1 minute ago"},
		{"Minutes", 59 * time.Minute, "59 minutes ago"},
		{"Hours", 5 * time.Hour, "5 hours ago"},
		{"Days", 3 * 24 * time.Hour, "3 days ago"},
		{"Months", 90 * 24 * time.Hour, "3 months ago"},
		{"Years", 3 * 365 * 24 * time.Hour, "3 years ago"},
		{"Future", -2 * time.Hour, "in the future"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatAgo(testNow, testNow.Add(-tt.d)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := formatAgo(testNow, time.Time{}); got != "never" {
		t.Errorf("zero time: %q", got)
	}
	if got := formatUTC(time.Date(2026, 11, 2, 8, 41, 7, 0, time.FixedZone("BST", 3600))); got != "2026-11-02 07:41 UTC" {
		t.Errorf("formatUTC: %q", got)
	}
}

func TestFormatNumbers(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"Small", formatInt(7), "7"},
		{"Thousands", formatInt(int64(12345)), "12,345"},
		{"Millions", formatInt(uint64(1234567)), "1,234,567"},
		{"Negative", formatInt(-1234), "-1,234"},
		{"Bytes", formatBytes(int64(512)), "512 B"},
		{"KiB", formatBytes(int64(123456)), "120.6 KiB"},
		{"GiB", formatBytes(uint64(4 << 30)), "4.0 GiB"},
		{"Percent", formatPercent(0.456), "46%"},
		{"PercentClamp", formatPercent(3), "100%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestFieldDiff(t *testing.T) {
	tests := []struct {
		name          string
		before, after string
		want          []fieldChange
	}{
		{"Changed", `{"ward":"","os":"Windows 7","site":"A"}`, `{"ward":"ICU","os":"Windows 10","site":"A"}`,
			[]fieldChange{{"os", "Windows 7", "Windows 10"}, {"ward", "", "ICU"}}},
		{"Created", `null`, `{"name":"x","disabled":false}`, []fieldChange{{"disabled", "", "no"}, {"name", "", "x"}}},
		{"Nested", `{"stats":{"devices":1}}`, `{"stats":{"devices":2}}`, []fieldChange{{"stats.devices", "1", "2"}}},
		{"NullBool", `{"patient_data":null}`, `{"patient_data":true}`, []fieldChange{{"patient_data", "", "yes"}}},
		{"NotObject", `"a"`, `"b"`, []fieldChange{{"value", "a", "b"}}},
		{"Garbage", `{`, ``, []fieldChange{{"value", "{", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fieldDiff(json.RawMessage(tt.before), json.RawMessage(tt.after))
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("%d: got %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestMapGroup(t *testing.T) {
	tests := []struct {
		name, zone, ip, want string
	}{
		{"Zone", "Imaging VLAN 40", "10.1.2.3", "Imaging VLAN 40"},
		{"IPv4", "", "10.1.2.3", "10.1.2.0/24"},
		{"IPv6", "", "fd00:1:2:3::9", "fd00:1:2:3::/64"},
		{"None", "", "", "No address"},
		{"Junk", "", "not-an-ip", "No address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &cordon.DeviceRecord{Recorded: cordon.Recorded{Zone: tt.zone}}
			if got := mapGroup(d, tt.ip); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSortLink(t *testing.T) {
	q := url.Values{"q": {"ct"}, "page": {"3"}}
	tests := []struct {
		name, current, key, wantSort, wantAria string
	}{
		{"Other", "-last_seen", "hostname", "hostname", "none"},
		{"Ascending", "hostname", "hostname", "-hostname", "ascending"},
		{"Descending", "-hostname", "hostname", "hostname", "descending"},
		{"LastSeenNewestFirst", "hostname", "last_seen", "-last_seen", "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sortLink(q, tt.current, tt.key, "x")
			u, err := url.Parse(h.URL)
			if err != nil {
				t.Fatal(err)
			}
			if got := u.Query().Get("sort"); got != tt.wantSort {
				t.Errorf("sort %q, want %q", got, tt.wantSort)
			}
			if u.Query().Get("page") != "" || u.Query().Get("q") != "ct" {
				t.Errorf("link %q should keep the search and drop the page", h.URL)
			}
			if h.AriaSort != tt.wantAria {
				t.Errorf("aria-sort %q, want %q", h.AriaSort, tt.wantAria)
			}
		})
	}
}

func TestPager(t *testing.T) {
	p := newPager("/devices", url.Values{"q": {"x"}}, 2, 50, 120)
	if p.Pages != 3 || p.From != 51 || p.To != 100 || p.PrevURL != "/devices?q=x" || p.NextURL != "/devices?page=3&q=x" {
		t.Errorf("pager %+v", p)
	}
	if pageNumber(url.Values{"page": {"-4"}}) != 1 || pageNumber(url.Values{"page": {"99999999999"}}) != 1_000_000 || pageNumber(url.Values{"page": {"x"}}) != 1 || pageNumber(url.Values{"page": {"5000000"}}) != 1_000_000 {
		t.Errorf("pageNumber does not clamp")
	}
}
