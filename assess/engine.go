package assess

import (
	"slices"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/feed/lifecycle"
	"github.com/cordonsec/cordon/match"
)

// Intel is the intelligence an Engine assesses against: what the feeds
// loaded.
type Intel struct {
	Vulnerabilities []cordon.Vulnerability
	Advisories      []*cordon.Advisory
	Lifecycles      []cordon.Lifecycle
}

// Engine assesses devices against one set of intelligence. Build it once
// with New; it is safe for concurrent use by many goroutines.
type Engine struct {
	nvd   *match.Index
	adv   *match.AdvisoryIndex
	life  *lifecycle.Index
	vulns map[string]*vulnInfo
	cache findingCache
}

// New builds the matchers and the lifecycle index. The Engine keeps in's
// slices: do not change them afterwards.
func New(in Intel) *Engine {
	e := &Engine{
		nvd:   match.New(in.Vulnerabilities),
		adv:   match.NewAdvisories(in.Advisories),
		life:  lifecycle.NewIndex(in.Lifecycles),
		vulns: make(map[string]*vulnInfo, len(in.Vulnerabilities)),
	}
	e.cache.limit = DefaultCacheFindings
	for i := range in.Vulnerabilities {
		e.vulns[in.Vulnerabilities[i].ID] = newVulnInfo(&in.Vulnerabilities[i])
	}
	return e
}

// SetCacheMatches bounds the NVD matcher's result cache (see
// match.Index.SetCacheMatches). Call it before the Engine is shared.
func (e *Engine) SetCacheMatches(n int) { e.nvd.SetCacheMatches(n) }

// Device assesses one device of the register: its findings (NVD and CSAF
// matches merged per CVE), the support state of what it runs, and its risk,
// explained. t is its recent traffic (TrafficFrom); statuses holds the
// workflow status of its findings that are not open, by CVE (nil when none
// are). A device only the register knows (Observed nil) is matched by its
// recorded manufacturer, model and OS.
//
// The findings returned are shared with every device of the same image and
// must not be modified; their Device, Status and dates are left for the
// store (ReplaceFindings) to fill.
func (e *Engine) Device(rec *cordon.DeviceRecord, t Traffic, statuses map[string]cordon.FindingStatus, now time.Time) cordon.DeviceAssessment {
	return e.DeviceWithDocs(rec, t, statuses, now, nil)
}

// DeviceWithDocs is Device for a device whose model has manufacturer
// documents: the SBOM's components with a CPE join the device's software
// (so they are matched and cited like any other), and the SBOM's support
// periods join its support states. docs may be nil.
func (e *Engine) DeviceWithDocs(rec *cordon.DeviceRecord, t Traffic, statuses map[string]cordon.FindingStatus, now time.Time, docs *ModelDocs) cordon.DeviceAssessment {
	return e.DeviceWithPlan(rec, t, statuses, now, docs, nil)
}

// DeviceWithPlan is DeviceWithDocs for a device with exceptions (its own
// and its model's, as ExceptionService.DevicePlan gathers them): the
// in-place controls of those active at now lower its risk, each listed as
// a "controls" factor. exceptions may be nil.
func (e *Engine) DeviceWithPlan(rec *cordon.DeviceRecord, t Traffic, statuses map[string]cordon.FindingStatus, now time.Time, docs *ModelDocs, exceptions []*cordon.Exception) cordon.DeviceAssessment {
	d := deviceOf(rec)
	if docs != nil && len(docs.Software) > 0 {
		// A new slice: d shares the observed device's.
		d.Software = slices.Concat(d.Software, docs.Software)
	}
	fd := findingDevice(rec, d)
	key := imageKey(d, &rec.Recorded)
	tmpl, ok := e.cache.get(key)
	if !ok {
		var nvd []match.Match
		if len(d.Software) > 0 {
			nvd = e.nvd.Device(d)
		}
		tmpl = e.findings(nvd, e.adv.Matches(d, &rec.Recorded))
		e.cache.put(key, tmpl)
	}
	// The image's findings are shared, not copied: at hundreds of findings
	// per Windows image, copying them for each of 50,000 devices was half
	// the time of an assessment. The store fills device, status and dates.
	findings := tmpl
	support := e.support(d, now)
	if docs != nil {
		support = append(support, docs.support(now)...)
	}
	x := cordon.Exposure{
		Device:     fd,
		Support:    support,
		AssessedAt: now,
		Risk:       risk(riskInput{device: d, rec: &rec.Recorded, findings: findings, statuses: statuses, support: support, traffic: t, now: now, exceptions: exceptions}),
	}
	for i := range findings {
		f := &findings[i]
		x.Findings++
		if st, ok := statuses[f.CVE]; !ok || st.Status == cordon.FindingOpen {
			x.Open++
		}
		if f.KEV {
			x.KEV++
		}
		if f.Severity == cordon.SeverityCritical {
			x.Critical++
		}
		if f.Match == match.Confirmed {
			x.Confirmed++
		}
	}
	for _, s := range support {
		if s.State == cordon.SupportUnsupported {
			x.Unsupported = true
		}
	}
	return cordon.DeviceAssessment{DeviceID: rec.ID, Findings: findings, Exposure: x}
}

// findingDevice says which device a finding is about and where it is, from
// what the network shows and, failing that, what the register records.
func findingDevice(rec *cordon.DeviceRecord, d *cordon.Device) cordon.FindingDevice {
	r := &rec.Recorded
	fd := cordon.FindingDevice{
		ID: rec.ID, Key: rec.Key, MAC: r.MAC, IP: r.IP, Hostname: r.Hostname,
		Manufacturer: d.Manufacturer, Model: d.Model, Category: d.Category,
		Site: r.Site, Owner: r.Owner,
	}
	if o := rec.Observed; o != nil {
		if !o.MAC.IsZero() {
			fd.MAC = o.MAC.String()
		}
		if len(o.IPs) > 0 {
			fd.IP = o.IPs[0]
		}
		if len(o.Hostnames) > 0 {
			fd.Hostname = o.Hostnames[0]
		}
	}
	var loc []string
	for _, s := range []string{r.Building, r.Ward, r.Room} {
		if s != "" {
			loc = append(loc, s)
		}
	}
	fd.Location = strings.Join(loc, ", ")
	return fd
}
