package assess

import (
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/feed/lifecycle"
)

// support returns the support states of what the device runs: its OS
// always (unknown, with the reason, when it cannot be told), each software
// name that lifecycle data covers (names it does not cover are left out
// rather than listed as dozens of unknowns), and for a medical device its
// model.
func (e *Engine) support(d *cordon.Device, now time.Time) []cordon.SupportStatus {
	out := make([]cordon.SupportStatus, 0, 2)
	osName := strings.TrimSpace(d.OS.Name + " " + d.OS.Version)
	if osName == "" {
		osName = "operating system not identified"
	}
	out = append(out, status("os", osName, e.life.OS(d.OS, now)))
	for _, sw := range d.Software {
		// The OS's own name is the "os" entry above.
		if sw.Source == "os" || strings.HasPrefix(sw.Source, "recorded.os") {
			continue
		}
		s := e.life.CPE(sw.CPE, now)
		if s.State == lifecycle.Unknown && !strings.Contains(s.Reason, "releases disagree") &&
			!strings.HasPrefix(s.Reason, "no lifecycle release matches") {
			continue // no lifecycle product covers it
		}
		out = append(out, status("software", sw.CPE, s))
	}
	if (d.Medical || cordon.IsMedicalCategory(d.Category)) && d.Manufacturer != "" && d.Model != "" {
		out = append(out, status("model", d.Manufacturer+" "+d.Model, e.life.Model(d.Manufacturer, d.Model, "", now)))
	}
	return out
}

func status(subject, name string, s lifecycle.Support) cordon.SupportStatus {
	st := cordon.SupportStatus{Subject: subject, Name: name, State: string(s.State), Since: s.Since, Until: s.Until, Source: s.Source, Reason: s.Reason}
	if s.SinceUnknown {
		st.Reason += " (ended; the source does not say when)"
	}
	if st.State == "" {
		st.State = cordon.SupportUnknown
	}
	return st
}
