package deliver

import (
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
)

// CEF header fields identifying the sender.
const (
	cefVendor  = "Cordon"
	cefProduct = "Cordon"
	cefVersion = "1"
)

// cefHeaderEscaper escapes a CEF header field: backslash and pipe are
// escaped; a line break, which the format does not allow in the header, is
// replaced by a space so that one alert stays one line.
var cefHeaderEscaper = strings.NewReplacer(`\`, `\\`, `|`, `\|`, "\r\n", " ", "\n", " ", "\r", " ")

// cefExtEscaper escapes a CEF extension value: backslash, equals sign and
// line breaks (as \n and \r). A pipe needs no escape in the extension.
var cefExtEscaper = strings.NewReplacer(`\`, `\\`, `=`, `\=`, "\r\n", `\n`, "\n", `\n`, "\r", `\r`)

// CEFHeader escapes s for a CEF header field.
func CEFHeader(s string) string { return cefHeaderEscaper.Replace(s) }

// CEFValue escapes s for a CEF extension value.
func CEFValue(s string) string { return cefExtEscaper.Replace(s) }

// cefSeverity maps an alert severity to CEF's 0 to 10 scale.
var cefSeverity = map[string]int{
	cordon.AlertCritical: 10, cordon.AlertHigh: 8, cordon.AlertMedium: 5, cordon.AlertLow: 3, cordon.AlertInfo: 1,
}

// CEF formats an alert as one ArcSight Common Event Format line: the kind
// is the signature ID, the title the name, and the extension carries the
// device, the counts and times, and the evidence.
func CEF(a *cordon.Alert) string {
	var b strings.Builder
	b.WriteString("CEF:0|")
	for _, f := range []string{cefVendor, cefProduct, cefVersion, a.Kind, a.Title} {
		b.WriteString(CEFHeader(f))
		b.WriteByte('|')
	}
	b.WriteString(strconv.Itoa(cefSeverity[a.Severity]))
	b.WriteByte('|')
	ext := []string{
		"externalId", strconv.FormatInt(a.ID, 10),
		"cat", a.Kind,
		"rt", strconv.FormatInt(a.LastSeen.UnixMilli(), 10),
		"start", strconv.FormatInt(a.FirstSeen.UnixMilli(), 10),
		"end", strconv.FormatInt(a.LastSeen.UnixMilli(), 10),
		"cnt", strconv.Itoa(a.Count),
		"outcome", a.Status,
	}
	// A custom string goes with its label, and both only when there is a
	// value: a label alone would mislead.
	custom := func(n, label, v string) {
		if v != "" {
			ext = append(ext, "cs"+n+"Label", label, "cs"+n, v)
		}
	}
	if d := a.Device; d != nil {
		ext = append(ext, "dmac", d.MAC, "dst", d.IP, "dhost", d.Hostname)
		custom("2", "deviceCategory", d.Category)
		custom("3", "location", d.Location)
	}
	custom("1", "subject", a.Subject)
	ext = append(ext, "cs4Label", "severity", "cs4", a.Severity, "msg", strings.Join(a.Evidence, "\n"))
	first := true
	for i := 0; i < len(ext); i += 2 {
		if ext[i+1] == "" {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		b.WriteString(ext[i])
		b.WriteByte('=')
		b.WriteString(CEFValue(ext[i+1]))
	}
	return b.String()
}
