package deliver

import (
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// sdEnterprise is the private enterprise number in Cordon's structured
// data ID. 32473 is the number RFC 5612 reserves for documentation; a
// trust that registers its own sets SDID in the configuration.
const sdEnterprise = "32473"

// DefaultSDID names Cordon's structured data element.
const DefaultSDID = "cordon@" + sdEnterprise

// sdEscaper escapes an RFC 5424 PARAM-VALUE: '"', '\' and ']' must be
// preceded by a backslash (section 6.3.3).
var sdEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, `]`, `\]`)

// SDValue escapes s as an RFC 5424 structured data parameter value. The
// value is UTF-8; invalid bytes are replaced so the message stays valid.
func SDValue(s string) string { return sdEscaper.Replace(strings.ToValidUTF8(s, "\uFFFD")) }

// syslogSeverity maps an alert severity to a syslog severity (RFC 5424
// table 2).
var syslogSeverity = map[string]int{
	cordon.AlertCritical: 2, cordon.AlertHigh: 3, cordon.AlertMedium: 4, cordon.AlertLow: 5, cordon.AlertInfo: 6,
}

// header5424 cleans a header field: printable US-ASCII without spaces, at
// most max characters, "-" when empty (the NILVALUE).
func header5424(s string, max int) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= max {
			break
		}
		if r > 32 && r < 127 {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "-"
	}
	return b.String()
}

// Message formats an alert as an RFC 5424 syslog message with a CEF
// payload: MSGID is the alert kind, the structured data element names the
// alert, and the message is CEF text, so a SIEM that reads either finds
// the same facts.
func Message(a *cordon.Alert, facility int, hostname, sdid string, now time.Time) string {
	var b strings.Builder
	b.WriteByte('<')
	b.WriteString(strconv.Itoa(facility*8 + syslogSeverity[a.Severity]))
	b.WriteString(">1 ")
	b.WriteString(now.UTC().Format("2006-01-02T15:04:05.000000Z07:00"))
	b.WriteByte(' ')
	b.WriteString(header5424(hostname, 255))
	b.WriteString(" cordon - ")
	b.WriteString(header5424(a.Kind, 32))
	b.WriteString(" [")
	b.WriteString(sdid)
	params := []string{"id", strconv.FormatInt(a.ID, 10), "kind", a.Kind, "severity", a.Severity,
		"status", a.Status, "count", strconv.Itoa(a.Count), "subject", a.Subject}
	if a.Device != nil {
		params = append(params, "mac", a.Device.MAC, "ip", a.Device.IP, "host", a.Device.Hostname)
	}
	for i := 0; i < len(params); i += 2 {
		if params[i+1] == "" {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(params[i])
		b.WriteString(`="`)
		b.WriteString(SDValue(params[i+1]))
		b.WriteByte('"')
	}
	b.WriteString("] ")
	b.WriteString(CEF(a))
	return b.String()
}

// validSDName reports whether s is an RFC 5424 SD-NAME: 1 to 32 printable
// US-ASCII characters other than '=', ' ', ']' and '"', with at most one
// '@' (an SD-ID of name@number).
func validSDID(s string) bool {
	if s == "" || len(s) > 32 || strings.Count(s, "@") > 1 {
		return false
	}
	for _, r := range s {
		if r <= 32 || r >= 127 || r == '=' || r == ']' || r == '"' {
			return false
		}
	}
	return true
}
