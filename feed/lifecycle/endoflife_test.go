package lifecycle

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// windowsPage is an excerpt of shared/data/endoflife/products/windows.md
// (endoflife-date/endoflife.date @ a70eca33): the front matter header and
// three of its release cycles, verbatim.
const windowsPage = `---
title: Microsoft Windows
addedAt: 2019-05-29
category: os
permalink: /windows
eoasColumn: true
eoesColumn: Extended Security Updates

identifiers:
  - cpe: cpe:2.3:o:microsoft:windows
  - cpe: cpe:/o:microsoft:windows

releases:
  - releaseCycle: "10-22h2"
    releaseLabel: "10 22H2"
    releaseDate: 2022-10-18
    eoas: 2025-10-14
    eol: 2025-10-14
    eoes: 2028-10-10
    latest: 10.0.19045
    link: https://learn.microsoft.com/windows/release-health/release-information

  - releaseCycle: "10-21h2-iot-lts"
    releaseLabel: "10 21H2 IoT"
    releaseDate: 2021-11-16
    lts: true
    eoas: 2027-01-12
    eol: 2032-01-13
    latest: 10.0.19044
    link: https://learn.microsoft.com/windows/release-health/release-information#enterprise-and-iot-enterprise-ltsbltsc-editions

  - releaseCycle: "7-sp1"
    releaseLabel: "7 SP1"
    releaseDate: 2011-02-22
    eoas: 2015-01-13
    eol: 2020-01-14
    latest: 6.1.7601
    link: https://learn.microsoft.com/lifecycle/products/windows-7
---

> [Microsoft Windows](https://www.microsoft.com/windows) is the operating system developed by
`

func TestParseEndOfLife(t *testing.T) {
	p, err := ParseEndOfLife("windows", []byte(windowsPage))
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Microsoft Windows" || len(p.CPEs) != 1 || p.CPEs[0] != "cpe:2.3:o:microsoft:windows" || len(p.Releases) != 3 {
		t.Fatalf("product %+v", p)
	}
	w10 := p.Releases[0]
	switch {
	case w10.Product != "windows", w10.Release != "10-22h2", w10.Label != "10 22H2",
		!w10.Released.Equal(day("2022-10-18")), !w10.EndOfSupport.Equal(day("2025-10-14")),
		!w10.EndOfLife.Equal(day("2025-10-14")), !w10.EndOfESU.Equal(day("2028-10-10")),
		w10.LTS, w10.Latest != "10.0.19045", w10.Source != "https://endoflife.date/windows",
		w10.CPE != "cpe:2.3:o:microsoft:windows":
		t.Errorf("10-22h2 = %+v", w10)
	}
	if !p.Releases[1].LTS {
		t.Error("10-21h2-iot-lts not LTS")
	}
	w7 := p.Releases[2]
	if !w7.EndOfLife.Equal(day("2020-01-14")) || !w7.EndOfSupport.Equal(day("2015-01-13")) || !w7.EndOfESU.IsZero() {
		t.Errorf("7-sp1 = %+v", w7)
	}
}

func TestParseEndOfLifeValues(t *testing.T) {
	page := func(release string) string {
		return "---\ntitle: T\nreleaseLabel: \"T __RELEASE_CYCLE__ '__CODENAME__'\"\nreleases:\n  - releaseCycle: \"3.10\"\n" + release + "---\n"
	}
	tests := []struct {
		name, release string
		check         func(t *testing.T, p Product)
		wantErr       string
	}{
		// As oracle-linux.md's "10": eol: false.
		{"EOLFalse", "    eol: false\n", func(t *testing.T, p Product) {
			if !p.Releases[0].EndOfLife.IsZero() {
				t.Error("eol false gave a date")
			}
		}, ""},
		// As many pages write an ended cycle whose date is unknown.
		{"EOLTrue", "    eol: true\n    eoas: true\n", func(t *testing.T, p Product) {
			if !IsDateUnknown(p.Releases[0].EndOfLife) || !IsDateUnknown(p.Releases[0].EndOfSupport) {
				t.Errorf("eol true = %v", p.Releases[0].EndOfLife)
			}
		}, ""},
		// As rhel.md: lts: 2035-05-31.
		{"LTSDate", "    eol: 2035-05-31\n    lts: 2035-05-31\n", func(t *testing.T, p Product) {
			if !p.Releases[0].LTS {
				t.Error("lts date not LTS")
			}
		}, ""},
		{"CycleKeptAsWritten", "    eol: 2020-01-01 # a comment\n    codename: Snake\n", func(t *testing.T, p Product) {
			if r := p.Releases[0]; r.Release != "3.10" || r.Label != "T 3.10 'Snake'" {
				t.Errorf("release %q label %q", r.Release, r.Label)
			}
		}, ""},
		{"BadDate", "    eol: 2020-13-01\n", nil, `"2020-13-01" is neither a date`},
		{"StringEOL", "    eol: soon\n", nil, `"soon" is neither a date`},
		{"ListEOL", "    eol: [1]\n", nil, "want a date or a boolean, got a list"},
		{"MappingCycle", "  - releaseCycle: {a: 1}\n", nil, "want a single value, got a mapping"},
		{"MissingCycle", "  - eol: false\n", nil, "release 1: missing releaseCycle"},
		{"DuplicateCycle", "  - releaseCycle: \"3.10\"\n", nil, "release 1 (3.10): duplicate releaseCycle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseEndOfLife("t", []byte(page(tt.release)))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
		})
	}
}

func TestFrontMatterErrors(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"NoFrontMatter", "# Title\n", "the first line is not ---"},
		{"Unclosed", "---\ntitle: x\n", "not closed"},
		{"NoReleases", "---\ntitle: x\n---\n", "front matter has no releases"},
		{"ReleasesNotList", "---\nreleases: 3\n---\n", "lifecycle: t: front matter"},
		{"BadYAML", "---\nreleases: [\n---\n", "lifecycle: t: front matter"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseEndOfLife("t", []byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzParseEndOfLife(f *testing.F) {
	f.Add([]byte(windowsPage))
	f.Add([]byte("---\nreleases:\n  - releaseCycle: \"1\"\n    eol: true\n---\n"))
	f.Add([]byte("---\r\nreleases: []\r\n---\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseEndOfLife("fuzz", data)
		if err != nil {
			return
		}
		for _, r := range p.Releases {
			if r.Release == "" {
				t.Fatal("accepted a release without a cycle")
			}
		}
		// Whatever parses must be usable for look-ups without panicking.
		NewIndex(p.Releases).CPE("cpe:2.3:o:x:y:1", time.Now())
	})
}
