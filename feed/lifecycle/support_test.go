package lifecycle

import (
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// excerpts are release cycles of shared/data/endoflife/products
// (endoflife.date @ a70eca33), rewritten as values: windows.md 10-22h2,
// 10-21h2-*, 7-sp1 and 5-sp3; windows-server.md 2008-r2-sp1;
// windows-embedded.md standard-7-sp1; ubuntu.md 20.04 and 24.04;
// cisco-ios-xe.md 17.6.
var excerpts = []cordon.Lifecycle{
	{Product: "windows", Release: "10-22h2", Label: "10 22H2", EndOfSupport: day("2025-10-14"), EndOfLife: day("2025-10-14"), EndOfESU: day("2028-10-10"), Latest: "10.0.19045", Source: "https://endoflife.date/windows", CPE: "cpe:2.3:o:microsoft:windows"},
	{Product: "windows", Release: "10-21h2-iot-lts", Label: "10 21H2 IoT", EndOfSupport: day("2027-01-12"), EndOfLife: day("2032-01-13"), LTS: true, Latest: "10.0.19044", Source: "https://endoflife.date/windows"},
	{Product: "windows", Release: "10-21h2-e-lts", Label: "10 21H2 (E)", EndOfSupport: day("2027-01-12"), EndOfLife: day("2027-01-12"), LTS: true, Latest: "10.0.19044", Source: "https://endoflife.date/windows"},
	{Product: "windows", Release: "10-21h2-e", Label: "10 21H2 (E)", EndOfSupport: day("2024-06-11"), EndOfLife: day("2024-06-11"), Latest: "10.0.19044", Source: "https://endoflife.date/windows"},
	{Product: "windows", Release: "10-21h2-w", Label: "10 21H2 (W)", EndOfSupport: day("2023-06-13"), EndOfLife: day("2023-06-13"), Latest: "10.0.19044", Source: "https://endoflife.date/windows"},
	{Product: "windows", Release: "7-sp1", Label: "7 SP1", EndOfSupport: day("2015-01-13"), EndOfLife: day("2020-01-14"), Latest: "6.1.7601", Source: "https://endoflife.date/windows"},
	{Product: "windows", Release: "5-sp3", Label: "XP SP3", EndOfSupport: day("2009-04-14"), EndOfLife: day("2014-04-08"), Latest: "5.1.2600", Source: "https://endoflife.date/windows"},
	{Product: "windows-server", Release: "2008-r2-sp1", Label: "Windows Server 2008 R2 SP1", EndOfSupport: day("2015-01-13"), EndOfLife: day("2020-01-14"), EndOfESU: day("2023-01-10"), LTS: true, Latest: "6.1.7601", Source: "https://endoflife.date/windows-server"},
	{Product: "windows-embedded", Release: "standard-7-sp1", Label: "Standard 7 SP1", EndOfSupport: day("2015-10-13"), EndOfLife: day("2020-10-13"), Source: "https://endoflife.date/windows-embedded"},
	{Product: "ubuntu", Release: "20.04", Label: "20.04 'Focal Fossa'", EndOfSupport: day("2022-10-01"), EndOfLife: day("2025-05-31"), EndOfESU: day("2030-04-02"), LTS: true, Latest: "20.04.6", Source: "https://endoflife.date/ubuntu", CPE: "cpe:2.3:o:canonical:ubuntu_linux"},
	{Product: "ubuntu", Release: "24.04", Label: "24.04 'Noble Numbat'", EndOfSupport: day("2026-05-31"), EndOfLife: day("2029-05-31"), EndOfESU: day("2034-04-25"), LTS: true, Latest: "24.04.3", Source: "https://endoflife.date/ubuntu", CPE: "cpe:2.3:o:canonical:ubuntu_linux"},
	{Product: "cisco-ios-xe", Release: "17.6", Label: "17.6", EndOfSupport: day("2023-01-30"), EndOfLife: day("2024-07-30"), LTS: true, Source: "https://endoflife.date/cisco-ios-xe"},
	{Product: "acme", Release: "1", EndOfLife: DateUnknown, Source: "test"},
	{Product: "acme", Release: "2", Source: "test"},
}

var now = day("2026-03-01")

func TestSupportState(t *testing.T) {
	tests := []struct {
		name      string
		os        cordon.OS
		cpe       string
		state     State
		since     string
		until     string
		esu       string
		release   string
		reasonHas string
	}{
		{name: "Windows7", os: cordon.OS{Name: "Windows 7", Version: "6.1.7601"}, state: Unsupported, since: "2020-01-14", release: "7-sp1"},
		{name: "Windows7CPE", cpe: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", state: Unsupported, since: "2020-01-14", release: "7-sp1"},
		{name: "EmbeddedStandard7", os: cordon.OS{Name: "Windows Embedded Standard 7", Version: "6.1.7601"}, state: Unsupported, since: "2020-10-13", release: "standard-7-sp1"},
		{name: "EmbeddedStandard7CPE", cpe: "cpe:2.3:o:microsoft:windows_embedded_standard_7:-:sp1:*:*:*:*:*:*", state: Unsupported, since: "2020-10-13"},
		{name: "XP", os: cordon.OS{Name: "Windows XP", Version: "5.1.2600"}, state: Unsupported, since: "2014-04-08", release: "5-sp3"},
		{name: "Windows10Build19045", os: cordon.OS{Name: "Windows 10", Version: "10.0.19045"}, state: Unsupported, since: "2025-10-14", esu: "2028-10-10", release: "10-22h2"},
		{name: "Windows10_22H2CPE", cpe: "cpe:2.3:o:microsoft:windows_10_22h2:-:*:*:*:*:*:*:*", state: Unsupported, since: "2025-10-14", release: "10-22h2"},
		{name: "Windows10NoBuild", os: cordon.OS{Name: "Windows 10", Version: "10.0"}, state: Unknown, reasonHas: "releases disagree"},
		{name: "Windows10_21H2EditionUnknown", os: cordon.OS{Name: "Windows 10", Version: "10.0.19044"}, state: Unknown, reasonHas: "10 21H2 IoT supported until 2032-01-13"},
		{name: "Server2008R2", os: cordon.OS{Name: "Windows Server 2008 R2", Version: "6.1.7601"}, state: Unsupported, since: "2020-01-14", esu: "2023-01-10", release: "2008-r2-sp1"},
		{name: "Server2008R2CPE", cpe: "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:x64:*", state: Unsupported, since: "2020-01-14", release: "2008-r2-sp1"},
		{name: "Ubuntu2004", os: cordon.OS{Name: "Ubuntu", Version: "20.04.6"}, state: Unsupported, since: "2025-05-31", esu: "2030-04-02", release: "20.04"},
		{name: "Ubuntu2404CPE", cpe: "cpe:2.3:o:canonical:ubuntu_linux:24.04:*:*:*:lts:*:*:*", state: Supported, until: "2029-05-31", release: "24.04"},
		{name: "UbuntuNoVersion", os: cordon.OS{Name: "Ubuntu"}, state: Unknown, reasonHas: "releases disagree"},
		{name: "UbuntuUnknownRelease", os: cordon.OS{Name: "Ubuntu", Version: "9.10"}, state: Unknown, reasonHas: "no lifecycle release matches"},
		{name: "EndedDateUnknown", cpe: "cpe:2.3:a:acme:acme:1", state: Unknown, reasonHas: "no lifecycle data for acme:acme"},
		{name: "BareLinux", os: cordon.OS{Name: "Linux", Version: "4.19.0"}, state: Unknown, reasonHas: "distribution and release unknown"},
		{name: "KernelCPE", cpe: "cpe:2.3:o:linux:linux_kernel:4.19.0:*:*:*:*:*:*:*", state: Unknown, reasonHas: "distribution and release unknown"},
		{name: "NoOS", os: cordon.OS{}, state: Unknown, reasonHas: "not identified"},
		{name: "NoRelease", os: cordon.OS{Name: "Windows Server 2019"}, state: Unknown, reasonHas: "no lifecycle release matches"},
		{name: "NoProduct", os: cordon.OS{Name: "Debian", Version: "12"}, state: Unknown, reasonHas: "no lifecycle data loaded"},
		{name: "CiscoIOSXE", os: cordon.OS{Name: "Cisco IOS XE", Version: "17.6.5"}, state: Unsupported, since: "2024-07-30", release: "17.6"},
		{name: "NoMapping", os: cordon.OS{Name: "Cisco IOS", Version: "15.2"}, state: Unknown, reasonHas: "no lifecycle data for Cisco IOS"},
		{name: "NotCPE", cpe: "cpe:/o:microsoft:windows_7", state: Unknown, reasonHas: "not a CPE 2.3 name"},
	}
	ix := NewIndex(excerpts)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Support
			if tt.cpe != "" {
				s = ix.CPE(tt.cpe, now)
			} else {
				s = ix.OS(tt.os, now)
			}
			if s.State != tt.state {
				t.Fatalf("state %s (%s), want %s", s.State, s.Reason, tt.state)
			}
			if s.Reason == "" {
				t.Error("empty reason")
			}
			checkDate(t, "since", s.Since, tt.since)
			checkDate(t, "until", s.Until, tt.until)
			if tt.esu != "" {
				checkDate(t, "esu", s.ESUUntil, tt.esu)
			}
			if tt.release != "" && s.Release != tt.release {
				t.Errorf("release %q, want %q", s.Release, tt.release)
			}
			if s.State != Unknown && s.Source == "" {
				t.Error("no source")
			}
			if !strings.Contains(s.Reason, tt.reasonHas) {
				t.Errorf("reason %q, want it to contain %q", s.Reason, tt.reasonHas)
			}
		})
	}
}

func checkDate(t *testing.T, name string, got time.Time, want string) {
	t.Helper()
	if want == "" {
		if !got.IsZero() {
			t.Errorf("%s %v, want none", name, got)
		}
		return
	}
	if !got.Equal(day(want)) {
		t.Errorf("%s %v, want %s", name, got, want)
	}
}

func TestEvaluate(t *testing.T) {
	ix := &Index{EndingMonths: 12}
	tests := []struct {
		name  string
		l     cordon.Lifecycle
		state State
	}{
		{"NoEndAnnounced", cordon.Lifecycle{}, Supported},
		{"EndedDateUnknown", cordon.Lifecycle{EndOfLife: DateUnknown}, Unsupported},
		{"EndsToday", cordon.Lifecycle{EndOfLife: now}, Unsupported},
		{"EndsWithinWindow", cordon.Lifecycle{EndOfLife: day("2026-12-31")}, Ending},
		{"EndsAfterWindow", cordon.Lifecycle{EndOfLife: day("2027-03-02")}, Supported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ix.evaluate(tt.l, now)
			if s.State != tt.state {
				t.Fatalf("state %s, want %s", s.State, tt.state)
			}
			if tt.name == "EndedDateUnknown" && (!s.SinceUnknown || !s.Since.IsZero()) {
				t.Errorf("since %v unknown %v", s.Since, s.SinceUnknown)
			}
		})
	}
	// The default window is six months.
	if s := NewIndex(nil).evaluate(cordon.Lifecycle{EndOfLife: day("2026-12-31")}, now); s.State != Supported {
		t.Errorf("default window: %s", s.State)
	}
}

// TestCorpusSupport checks the look-ups against every shared
// endoflife.date page, as Cordon loads them.
func TestCorpusSupport(t *testing.T) {
	var all []cordon.Lifecycle
	for _, p := range loadCorpus(t) {
		all = append(all, p.Releases...)
	}
	ix := NewIndex(all)
	tests := []struct {
		name  string
		os    cordon.OS
		cpe   string
		state State
		since string
		until string
	}{
		// windows.md 7-sp1: eol 2020-01-14, no eoes in the file.
		{name: "Windows7", os: cordon.OS{Name: "Windows 7", Version: "6.1.7601"}, state: Unsupported, since: "2020-01-14"},
		{name: "Windows7RTM", os: cordon.OS{Name: "Windows 7", Version: "6.1.7600"}, state: Unsupported, since: "2020-01-14"},
		{name: "EmbeddedStandard7", os: cordon.OS{Name: "Windows Embedded Standard 7"}, state: Unsupported, since: "2020-10-13"},
		{name: "POSReady7CPE", cpe: "cpe:2.3:o:microsoft:windows_embedded_posready_7:-:*:*:*:*:*:*:*", state: Unsupported, since: "2021-10-12"},
		{name: "XP", os: cordon.OS{Name: "Windows XP"}, state: Unsupported, since: "2014-04-08"},
		{name: "Windows10_22H2", os: cordon.OS{Name: "Windows 10", Version: "10.0.19045"}, state: Unsupported, since: "2025-10-14"},
		{name: "Windows10_1607", os: cordon.OS{Name: "Windows 10", Version: "10.0.14393"}, state: Unknown}, // LTSB 2016 until 2026-10-13
		{name: "Windows11_23H2", os: cordon.OS{Name: "Windows 11", Version: "10.0.22631"}, state: Unknown}, // (W) ended, (E) until 2026-11-10
		{name: "Server2008R2", os: cordon.OS{Name: "Windows Server 2008 R2"}, state: Unsupported, since: "2020-01-14"},
		{name: "Server2003", os: cordon.OS{Name: "Windows Server 2003"}, state: Unsupported, since: "2015-07-14"},
		{name: "Server2012R2", os: cordon.OS{Name: "Windows Server 2012 R2"}, state: Unsupported, since: "2023-10-10"},
		{name: "Server2016", os: cordon.OS{Name: "Windows Server 2016"}, state: Supported, until: "2027-01-12"},
		{name: "Server2022", os: cordon.OS{Name: "Windows Server 2022"}, state: Supported, until: "2031-10-14"},
		{name: "Server2019CPE", cpe: "cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*", state: Supported, until: "2029-01-09"},
		{name: "Ubuntu2004", os: cordon.OS{Name: "Ubuntu", Version: "20.04"}, state: Unsupported, since: "2025-05-31"},
		// debian.md 11: eol 2024-08-14, eoes (LTS) 2026-08-31.
		{name: "Debian11CPE", cpe: "cpe:2.3:o:debian:debian_linux:11.0:*:*:*:*:*:*:*", state: Unsupported, since: "2024-08-14"},
		{name: "RHEL7", os: cordon.OS{Name: "Red Hat Enterprise Linux", Version: "7.9"}, state: Unsupported, since: "2024-06-30"},
		{name: "RHEL9", os: cordon.OS{Name: "Red Hat Enterprise Linux", Version: "9.4"}, state: Supported},
		{name: "CentOS7", os: cordon.OS{Name: "CentOS Linux", Version: "7.9.2009"}, state: Unsupported, since: "2024-06-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Support
			if tt.cpe != "" {
				s = ix.CPE(tt.cpe, now)
			} else {
				s = ix.OS(tt.os, now)
			}
			if s.State != tt.state {
				t.Fatalf("state %s (%s), want %s", s.State, s.Reason, tt.state)
			}
			checkDate(t, "since", s.Since, tt.since)
			if tt.until != "" {
				checkDate(t, "until", s.Until, tt.until)
			}
			t.Logf("%s: %s", s.State, s.Reason)
		})
	}
}
