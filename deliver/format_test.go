package deliver

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
)

func testAlert() *cordon.Alert {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return &cordon.Alert{ID: 7, Kind: "smbv1", Severity: cordon.AlertHigh, Subject: `share=\\pacs|a]"b`,
		Title: "SMBv1 | seen\nagain", Evidence: []string{"flow 10.1.0.5 -> 10.1.0.9:445 a=b", `path C:\x`},
		FirstSeen: t0, LastSeen: t0.Add(time.Hour), Count: 3, Status: cordon.AlertNew,
		Device: &cordon.FindingDevice{ID: 2, MAC: "00:09:fb:00:00:01", IP: "10.1.0.5", Hostname: "ct01", Location: "Main, Ward 3"}}
}

func TestCEFEscaping(t *testing.T) {
	for _, tt := range []struct{ in, header, value string }{
		{`a\b`, `a\\b`, `a\\b`},
		{`a|b`, `a\|b`, `a|b`},
		{`a=b`, `a=b`, `a\=b`},
		{"a\nb", "a b", `a\nb`},
		{"a\r\nb", "a b", `a\nb`},
		{"a\rb", "a b", `a\rb`},
		{`\|=`, `\\\|=`, `\\|\=`},
	} {
		if got := CEFHeader(tt.in); got != tt.header {
			t.Errorf("CEFHeader(%q) = %q, want %q", tt.in, got, tt.header)
		}
		if got := CEFValue(tt.in); got != tt.value {
			t.Errorf("CEFValue(%q) = %q, want %q", tt.in, got, tt.value)
		}
	}
	got := CEF(testAlert())
	want := `CEF:0|Cordon|Cordon|1|smbv1|SMBv1 \| seen again|8|externalId=7 cat=smbv1 rt=1772445600000 ` +
		`start=1772442000000 end=1772445600000 cnt=3 outcome=new dmac=00:09:fb:00:00:01 dst=10.1.0.5 dhost=ct01 ` +
		`cs3Label=location cs3=Main, Ward 3 cs1Label=subject cs1=share\=\\\\pacs|a]"b cs4Label=severity cs4=high ` +
		`msg=flow 10.1.0.5 -> 10.1.0.9:445 a\=b\npath C:\\x`
	if got != want {
		t.Errorf("CEF =\n%s\nwant\n%s", got, want)
	}
}

func TestMessage5424(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 123456789, time.UTC)
	got := Message(testAlert(), 16, "cordon host", DefaultSDID, now)
	want := `<131>1 2026-03-02T10:00:00.123456Z cordon_host cordon - smbv1 [cordon@32473 id="7" kind="smbv1" ` +
		`severity="high" status="new" count="3" subject="share=\\\\pacs|a\]\"b" mac="00:09:fb:00:00:01" ip="10.1.0.5" ` +
		`host="ct01"] CEF:0|`
	if !strings.HasPrefix(got, want) {
		t.Errorf("message =\n%s\nwant prefix\n%s", got, want)
	}
	if strings.ContainsAny(got, "\r\n") {
		t.Errorf("message spans lines: %q", got)
	}
}

// unescapeSD reverses SDValue per RFC 5424 section 6.3.3, failing on a
// bare '"' or ']' that would end the value early.
func unescapeSD(t *testing.T, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && strings.IndexByte(`\"]`, s[i+1]) >= 0:
			b.WriteByte(s[i+1])
			i++
		case c == '"' || c == ']':
			t.Fatalf("unescaped %q in %q", c, s)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unescapeCEF reverses CEFValue, failing on a bare '='.
func unescapeCEF(t *testing.T, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' {
			t.Fatalf("unescaped = in %q", s)
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(s) {
			t.Fatalf("trailing backslash in %q", s)
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func FuzzSDValue(f *testing.F) {
	for _, s := range []string{"", `a"b`, `a\b]`, "caf\xe9", `\\]]""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := SDValue(s)
		if !utf8.ValidString(got) {
			t.Fatalf("SDValue(%q) = %q is not UTF-8", s, got)
		}
		if back := unescapeSD(t, got); back != strings.ToValidUTF8(s, "\uFFFD") {
			t.Fatalf("round trip of %q = %q", s, back)
		}
	})
}

func FuzzCEF(f *testing.F) {
	for _, s := range []string{"", `a=b`, `a\b|c`, "x\r\ny\nz\r", `\n`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := CEFValue(s)
		if strings.ContainsAny(v, "\r\n") {
			t.Fatalf("CEFValue(%q) = %q keeps a line break", s, v)
		}
		want := strings.ReplaceAll(s, "\r\n", "\n")
		if back := unescapeCEF(t, v); back != want {
			t.Fatalf("round trip of %q = %q, want %q", s, back, want)
		}
		h := CEFHeader(s)
		if strings.ContainsAny(h, "\r\n") {
			t.Fatalf("CEFHeader(%q) = %q keeps a line break", s, h)
		}
		// Every pipe in a header field is escaped: splitting a whole line
		// on unescaped pipes gives the 8 header fields.
		a := testAlert()
		a.Kind, a.Title = s, s
		line := CEF(a)
		if n := countUnescaped(line, '|'); n != 7 {
			t.Fatalf("CEF line %q has %d unescaped pipes in the header, want 7", line, n)
		}
	})
}

// countUnescaped counts c in the CEF header part of line: the unescaped
// ones before the 7th.
func countUnescaped(line string, c byte) int {
	n := 0
	for i := 0; i < len(line) && n < 7; i++ {
		switch line[i] {
		case '\\':
			i++
		case c:
			n++
		}
	}
	return n
}
