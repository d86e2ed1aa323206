package assess

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/match"
)

// Weights of the model, documented in doc.go. Each is the chance, on its
// own, that the factor leads to a compromise: factors of one part combine
// as independent chances, 1 − (1 − a)(1 − b)…, so that no single one
// reaches 1 and each added factor raises the part by less.
const (
	wNetwork      = 0.05 // any device on the network
	wKEV          = 0.6  // an open finding known to be exploited
	wKEVRansom    = 0.7  // … used by ransomware
	wEPSS         = 0.6  // × the highest EPSS score
	wCVSS         = 0.4  // × the highest CVSS base score / 10
	wUnsupported  = 0.3  // the OS no longer gets security updates
	wModelEnded   = 0.2  // the model's manufacturer support has ended
	wEnding       = 0.1  // the OS's updates end within six months
	wInternetIn   = 0.5  // internet hosts open conversations to it
	wInternet     = 0.3  // it talks with internet hosts
	wRemote       = 0.25 // it serves remote access to other devices
	wFlat         = 0.25 // it talks with 50+ peers or 10+ subnets
	wFlatSome     = 0.15 // … 20+ peers or 5+ subnets
	wZone         = 0.3  // recorded in a segmented zone
	wMitigated    = 0.1  // compensating controls recorded on findings
	patientDataUp = 0.1  // impact added when it holds patient data
)

// weightOf says how much a finding counts towards likelihood, by its
// status and match, and why.
func weightOf(f *cordon.Finding, st cordon.FindingStatus, now time.Time) float64 {
	w := 1.0
	switch st.Status {
	case cordon.FindingFixed, cordon.FindingNotAffected:
		return 0
	case cordon.FindingMitigated:
		w = 1.0 / 3 // the controls remove most of it
	case cordon.FindingRiskAccepted:
		if st.Expires.IsZero() || now.Before(st.Expires) {
			w = 0.5 // a decision to live with it, until it expires
		}
	}
	if f.Match == match.Possible {
		w *= 0.5
	}
	return w
}

// impacts of a compromise by category: what harm a device of the kind can
// do to a patient or to care if it fails or lies.
var impacts = map[string]float64{
	cordon.CategoryInfusionPump:       1.0,
	cordon.CategoryPatientMonitor:     1.0,
	cordon.CategoryImagingModality:    0.8,
	cordon.CategoryMedicalServer:      0.8,
	cordon.CategoryOtherMedical:       0.75,
	cordon.CategoryMedicalWorkstation: 0.7,
	cordon.CategoryLabAnalyzer:        0.7,
	cordon.CategoryServer:             0.6,
	cordon.CategoryNetwork:            0.6,
	cordon.CategoryWorkstation:        0.45,
	cordon.CategoryUnknown:            0.4,
	cordon.CategoryVoIPPhone:          0.3,
	cordon.CategoryIoT:                0.3,
	cordon.CategoryMobile:             0.3,
	cordon.CategoryPrinter:            0.2,
}

var criticalities = map[string]float64{
	cordon.CriticalityLifeSustaining: 1.0,
	cordon.CriticalityHigh:           0.85,
	cordon.CriticalityMedium:         0.6,
	cordon.CriticalityLow:            0.3,
}

// flatZones are zone names that say the device is not segmented.
var flatZones = map[string]bool{"": true, "flat": true, "none": true, "default": true, "lan": true, "corporate": true, "unsegmented": true}

// riskInput is what the score reads.
type riskInput struct {
	device   *cordon.Device
	rec      *cordon.Recorded
	findings []cordon.Finding                // read-only: shared by the devices of an image
	statuses map[string]cordon.FindingStatus // by CVE; absent means open
	support  []cordon.SupportStatus
	traffic  Traffic
	now      time.Time
	// exceptions are the device's own and its model's exceptions; only
	// those active at now count.
	exceptions []*cordon.Exception
}

// risk scores a device: 100 × likelihood × impact × (1 − controls).
func risk(in riskInput) cordon.Risk {
	var r cordon.Risk
	add := func(part, name, value string, w float64, why string) {
		if w > 0 {
			r.Factors = append(r.Factors, cordon.RiskFactor{Part: part, Name: name, Value: value, Weight: round2(w), Why: why})
		}
	}
	add("likelihood", "network", "connected", wNetwork, "Any device on the network can be reached by an attacker who gets in.")
	likelihoodFindings(in, add)
	for _, s := range in.support {
		switch {
		case s.Subject == "os" && s.State == cordon.SupportUnsupported:
			add("likelihood", "unsupported", s.Name, wUnsupported, "Its operating system "+s.Name+" no longer receives security updates"+since(s.Since)+": new flaws stay open.")
		case s.Subject == "os" && s.State == cordon.SupportEnding:
			add("likelihood", "unsupported", s.Name, wEnding, "Security updates for "+s.Name+" end on "+s.Until.Format(time.DateOnly)+".")
		case s.Subject == "model" && s.State == cordon.SupportUnsupported:
			add("likelihood", "unsupported", s.Name, wModelEnded, "The manufacturer's support for "+s.Name+" has ended"+since(s.Since)+".")
		}
	}
	t := in.traffic
	switch {
	case t.InternetInbound:
		add("likelihood", "internet", strconv.Itoa(t.InternetPeers)+" internet hosts", wInternetIn,
			"Hosts on the internet open connections to it ("+strings.Join(t.Internet, ", ")+").")
	case t.InternetPeers > 0:
		add("likelihood", "internet", strconv.Itoa(t.InternetPeers)+" internet hosts", wInternet,
			"It talks with hosts on the internet ("+strings.Join(t.Internet, ", ")+").")
	}
	if len(t.RemoteAccess) > 0 {
		add("likelihood", "inbound_remote", strings.Join(t.RemoteAccess, ", "), wRemote,
			"Other devices open remote-access sessions to it ("+strings.Join(t.RemoteAccess, ", ")+"): a stolen password controls it.")
	}
	spread := fmt.Sprintf("%d peers, %d subnets", t.Peers, t.Subnets)
	switch {
	case t.Peers >= 50 || t.Subnets >= 10:
		add("likelihood", "flat_network", spread, wFlat, "It talks with "+spread+": nothing limits who can reach it, so an attack spreads to it.")
	case t.Peers >= 20 || t.Subnets >= 5:
		add("likelihood", "flat_network", spread, wFlatSome, "It talks with "+spread+", more than a segmented device needs.")
	}
	r.Likelihood = combine(r.Factors, "likelihood")

	r.Impact, r.Factors = impact(in, r.Factors)

	controls(in, add)
	r.Controls = min(combine(r.Factors, "controls"), maxControls)
	r.Score = int(math.Round(100 * r.Likelihood * r.Impact * (1 - r.Controls)))
	r.Likelihood, r.Impact, r.Controls = round2(r.Likelihood), round2(r.Impact), round2(r.Controls)
	r.Summary = summary(in, r)
	return r
}

// likelihoodFindings adds the factors of the findings that still count.
func likelihoodFindings(in riskInput, add func(part, name, value string, w float64, why string)) {
	var kevN, ransomN int
	var kevW, epssW, cvssW, fixW float64
	var epssCVE, cvssCVE, fixCVE string
	var epssMax, cvssMax float64
	var fixAge time.Duration
	discounted := 0
	for i := range in.findings {
		f := &in.findings[i]
		st := in.statuses[f.CVE]
		m := weightOf(f, st, in.now)
		if m == 0 {
			continue
		}
		if m < 1 {
			discounted++
		}
		if f.KEV {
			kevN++
			w := wKEV
			if f.KEVRansomware {
				ransomN++
				w = wKEVRansom
			}
			kevW = max(kevW, w*m)
		}
		if f.EPSS != nil && wEPSS*f.EPSS.Score*m > epssW {
			epssW, epssMax, epssCVE = wEPSS*f.EPSS.Score*m, f.EPSS.Score, f.CVE
		}
		if f.CVSS != nil && wCVSS*f.CVSS.BaseScore/10*m > cvssW {
			cvssW, cvssMax, cvssCVE = wCVSS*f.CVSS.BaseScore/10*m, f.CVSS.BaseScore, f.CVE
		}
		if f.Fix.Available && !f.Fix.Since.IsZero() && st.Status != cordon.FindingMitigated {
			age := in.now.Sub(f.Fix.Since)
			var w float64
			switch {
			case age >= 365*24*time.Hour:
				w = 0.25
			case age >= 90*24*time.Hour:
				w = 0.15
			case age >= 30*24*time.Hour:
				w = 0.05
			}
			if w*m > fixW {
				fixW, fixAge, fixCVE = w*m, age, f.CVE
			}
		}
	}
	note := ""
	if discounted > 0 {
		note = fmt.Sprintf(" (%d findings count less: possible matches and mitigated or accepted ones)", discounted)
	}
	if kevN > 0 {
		why := fmt.Sprintf("%d findings are in CISA's Known Exploited Vulnerabilities: attackers use them now", kevN)
		if ransomN > 0 {
			why += fmt.Sprintf(", %d by ransomware", ransomN)
		}
		add("likelihood", "kev", strconv.Itoa(kevN), kevW, why+"."+note)
	}
	if epssW > 0 {
		add("likelihood", "epss", fmt.Sprintf("%.3f", epssMax), epssW,
			fmt.Sprintf("FIRST EPSS gives %s a %.0f%% chance of exploitation in the next 30 days.", epssCVE, 100*epssMax))
	}
	if cvssW > 0 {
		add("likelihood", "cvss", fmt.Sprintf("%.1f", cvssMax), cvssW,
			fmt.Sprintf("Its most severe finding, %s, scores %.1f of 10.", cvssCVE, cvssMax))
	}
	if fixW > 0 {
		days := int(fixAge.Hours() / 24)
		add("likelihood", "fix_age", strconv.Itoa(days)+" days", fixW,
			fmt.Sprintf("A fix for %s has been public for %d days and is not applied.", fixCVE, days))
	}
}

// impact is what a compromise would harm: the recorded criticality when
// the trust recorded one (clinical engineers know the device's use), else
// the category's; holding patient data adds a tenth.
func impact(in riskInput, fs []cordon.RiskFactor) (float64, []cordon.RiskFactor) {
	cat := in.device.Category
	if cat == "" {
		cat = cordon.CategoryUnknown
	}
	catW, ok := impacts[cat]
	if !ok {
		catW = impacts[cordon.CategoryUnknown]
	}
	v := catW
	crit := ""
	if in.rec != nil {
		crit = in.rec.Criticality
	}
	if cw, ok := criticalities[crit]; ok {
		v = cw
		fs = append(fs, cordon.RiskFactor{Part: "impact", Name: "criticality", Value: crit, Weight: cw,
			Why: "Recorded as " + crit + " to patient care; this decides over the category (" + strings.ReplaceAll(cat, "_", " ") + ")."})
	} else {
		fs = append(fs, cordon.RiskFactor{Part: "impact", Name: "category", Value: cat, Weight: catW,
			Why: categoryWhy(cat)})
	}
	pd, from := in.device.PatientData, "traffic shows"
	if !pd && in.rec != nil && in.rec.PatientData != nil && *in.rec.PatientData {
		pd, from = true, "the register says"
	}
	if pd {
		v = min(1, v+patientDataUp)
		fs = append(fs, cordon.RiskFactor{Part: "impact", Name: "patient_data", Value: "yes", Weight: patientDataUp,
			Why: "It handles patient data (" + from + " so): a compromise is also a breach."})
	}
	return v, fs
}

func categoryWhy(cat string) string {
	name := strings.ReplaceAll(cat, "_", " ")
	switch cat {
	case cordon.CategoryInfusionPump, cordon.CategoryPatientMonitor:
		return "A " + name + " acts on or watches a patient directly: tampering can harm them."
	case cordon.CategoryImagingModality, cordon.CategoryMedicalServer, cordon.CategoryOtherMedical,
		cordon.CategoryMedicalWorkstation, cordon.CategoryLabAnalyzer:
		return "A " + name + " supports diagnosis or treatment: losing it or its data delays care."
	case cordon.CategoryUnknown:
		return "What the device does is unknown, so its impact is taken as moderate."
	}
	return "A " + name + " does not touch patients; a compromise matters mostly as a foothold."
}

// controls adds what reduces the risk: a segmented zone (less if traffic
// shows it talking widely all the same), the in-place controls of the
// device's active exceptions, and compensating controls recorded on
// mitigated findings. A segmentation control and a recorded zone say the
// same thing, so only the stronger of the two counts.
func controls(in riskInput, add func(part, name, value string, w float64, why string)) {
	ecs := exceptionControls(in)
	zone := ""
	if in.rec != nil {
		zone = strings.TrimSpace(in.rec.Zone)
	}
	if !flatZones[strings.ToLower(zone)] {
		w, why := wZone, "Recorded in network zone "+zone+", which limits who can reach it."
		if in.traffic.Peers >= 20 || in.traffic.Subnets >= 5 {
			w, why = wZone/2, "Recorded in network zone "+zone+", but traffic shows it reaching "+strconv.Itoa(in.traffic.Peers)+" peers, so the zone is counted at half."
		}
		if i := slices.IndexFunc(ecs, func(c controlFactor) bool { return c.kind == "segmented" }); i >= 0 {
			if ecs[i].weight >= w {
				w = 0 // the exception's control stands for the zone
				ecs[i].why += " It stands for the recorded zone " + zone + " as well."
			} else {
				ecs = slices.Delete(ecs, i, i+1)
				why += " An exception records the segmentation too; the zone counts for both."
			}
		}
		add("controls", "zone", zone, w, why)
	}
	for _, c := range ecs {
		add("controls", "exception_control", c.kind, c.weight, c.why)
	}
	var ctl []string
	n := 0
	for i := range in.findings {
		st := in.statuses[in.findings[i].CVE]
		if st.Status != cordon.FindingMitigated {
			continue
		}
		n++
		for _, c := range st.Controls {
			if !slices.Contains(ctl, c) {
				ctl = append(ctl, c)
			}
		}
	}
	if n > 0 {
		add("controls", "mitigated", strings.Join(ctl, "; "), wMitigated,
			fmt.Sprintf("%d findings are mitigated by compensating controls (%s); they count at a third in likelihood.", n, strings.Join(ctl, "; ")))
	}
}

// combine joins the weights of a part as independent chances.
func combine(fs []cordon.RiskFactor, part string) float64 {
	keep := 1.0
	for _, f := range fs {
		if f.Part == part {
			keep *= 1 - f.Weight
		}
	}
	return 1 - keep
}

// band names a score for people.
func band(score int) string {
	switch {
	case score >= 80:
		return "critical"
	case score >= 60:
		return "high"
	case score >= 30:
		return "medium"
	}
	return "low"
}

// summary is one sentence: the score, what the device is, and the
// strongest reasons.
func summary(in riskInput, r cordon.Risk) string {
	var likely []cordon.RiskFactor
	for _, f := range r.Factors {
		if f.Part == "likelihood" && f.Name != "network" {
			likely = append(likely, f)
		}
	}
	slices.SortStableFunc(likely, func(a, b cordon.RiskFactor) int {
		return cmp.Compare(b.Weight, a.Weight) // heaviest first
	})
	var reasons []string
	for _, f := range likely {
		if len(reasons) == 3 {
			break
		}
		reasons = append(reasons, phrase(f))
	}
	what := strings.ReplaceAll(orElse(in.device.Category, cordon.CategoryUnknown), "_", " ")
	s := fmt.Sprintf("Risk %d of 100 (%s) for this %s", r.Score, band(r.Score), what)
	if len(reasons) == 0 {
		s += ": no open vulnerability or exposure found"
	} else {
		s += ": " + strings.Join(reasons, ", ")
	}
	if r.Controls > 0 {
		s += fmt.Sprintf(", reduced %.0f%% by controls", 100*r.Controls)
		if r.Controls >= maxControls {
			s += " (the most controls may remove)"
		}
	}
	return s + "."
}

func phrase(f cordon.RiskFactor) string {
	switch f.Name {
	case "kev":
		return f.Value + " known exploited vulnerabilities"
	case "epss":
		return "EPSS up to " + f.Value
	case "cvss":
		return "CVSS up to " + f.Value
	case "fix_age":
		return "a fix unapplied for " + f.Value
	case "unsupported":
		return f.Value + " out of support"
	case "internet":
		return "reachable with " + f.Value
	case "inbound_remote":
		return "remote access by " + f.Value
	case "flat_network":
		return "talks with " + f.Value
	}
	return f.Name
}

func since(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " since " + t.Format(time.DateOnly)
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
