package cpe

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Name
		out  string // String(); "" means in
	}{
		{
			// NVD CVE-2017-0144, configuration 1 platform criterion.
			name: "Windows7SP1",
			in:   "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*",
			want: Name{"o", "microsoft", "windows_7", NA, "sp1", Any, Any, Any, Any, Any, Any},
		},
		{
			// NVD CVE-2017-0144: x64 platform in target_hw.
			name: "TargetHW",
			in:   "cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:x64:*",
			want: Name{"o", "microsoft", "windows_10_1607", NA, Any, Any, Any, Any, Any, "x64", Any},
		},
		{
			// NVD CVE-2014-0160: quoted parentheses in a firmware version.
			name: "QuotedParens",
			in:   `cpe:2.3:o:ricon:s9922l_firmware:16.10.3\(3794\):*:*:*:*:*:*:*`,
			want: Name{"o", "ricon", "s9922l_firmware", `16.10.3\(3794\)`, Any, Any, Any, Any, Any, Any, Any},
		},
		{
			name: "NeedlessQuotesAndCase",
			in:   `CPE:2.3:A:Apache:HTTP\_Server:2\.4\.41:*:*:*:*:*:*:*`,
			want: Name{"a", "apache", "http_server", "2.4.41", Any, Any, Any, Any, Any, Any, Any},
			out:  "cpe:2.3:a:apache:http_server:2.4.41:*:*:*:*:*:*:*",
		},
		{
			name: "QuotedColon",
			in:   `cpe:2.3:a:vendor:prod\:uct:1.0:*:*:*:*:*:*:*`,
			want: Name{"a", "vendor", `prod\:uct`, "1.0", Any, Any, Any, Any, Any, Any, Any},
		},
		{
			name: "QuotedHyphenIsNotNA",
			in:   `cpe:2.3:a:v:p:\-:*:*:*:*:*:*:*`,
			want: Name{"a", "v", "p", `\-`, Any, Any, Any, Any, Any, Any, Any},
		},
		{
			// NVD CVE-2016-2183: node.js with an update "lts".
			name: "NodeLTS",
			in:   "cpe:2.3:a:nodejs:node.js:*:*:*:*:lts:*:*:*",
			want: Name{"a", "nodejs", "node.js", Any, Any, Any, Any, "lts", Any, Any, Any},
		},
		{
			name: "Wildcards",
			in:   "cpe:2.3:a:microsoft:*:8.*:*:*:*:*:*:*:*",
			want: Name{"a", "microsoft", Any, "8.*", Any, Any, Any, Any, Any, Any, Any},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got != tt.want {
				t.Fatalf("Parse = %#v\nwant %#v", got, tt.want)
			}
			out := tt.out
			if out == "" {
				out = tt.in
			}
			if s := got.String(); s != out {
				t.Errorf("String = %q, want %q", s, out)
			}
			again, err := Parse(got.String())
			if err != nil || again != got {
				t.Errorf("round trip: %v %#v", err, again)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"Empty", ""},
		{"CPE22", "cpe:/o:microsoft:windows_7::sp1"},
		{"TooFew", "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*"},
		{"TooMany", "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*:*"},
		{"EmptyComponent", "cpe:2.3:o::windows_7:-:sp1:*:*:*:*:*:*"},
		{"BadPart", "cpe:2.3:x:microsoft:windows_7:-:sp1:*:*:*:*:*:*"},
		{"TrailingBackslash", `cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:\`},
		{"Space", "cpe:2.3:o:microsoft:windows 7:-:sp1:*:*:*:*:*:*"},
		{"NonASCII", "cpe:2.3:o:micros\xc3\xb6ft:windows_7:-:sp1:*:*:*:*:*:*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n, err := Parse(tt.in); !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse = %#v, %v; want ErrSyntax", n, err)
			}
		})
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Plain", "2.4.41", "2.4.41"},
		{"Empty", "", Any},
		{"Parens", "15.2(4)E7", `15.2\(4\)e7`},
		{"Space", "Windows 7", "windows_7"},
		{"LoneHyphen", "-", `\-`},
		{"Control", "\x00", Any},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Escape(tt.in); got != tt.want {
				t.Fatalf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if got := Unescape(`15.2\(4\)e7`); got != "15.2(4)e7" {
		t.Errorf("Unescape = %q", got)
	}
}

func TestParseAllocs(t *testing.T) {
	s := "cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:x64:*"
	if n := testing.AllocsPerRun(100, func() { _, _ = Parse(s) }); n != 0 {
		t.Errorf("Parse of a canonical name allocates %v times", n)
	}
}
