package http

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

func (s *Server) registerFindingRoutes() {
	s.handle("GET /api/v1/findings", cordon.RoleViewer, s.handleFindingIndex)
	s.handle("GET /api/v1/findings/{id}", cordon.RoleViewer, s.handleFindingView)
	s.handle("POST /api/v1/findings/{id}/status", cordon.RoleAnalyst, s.handleFindingStatus)
	s.handle("GET /api/v1/affected", cordon.RoleViewer, s.handleAffected)
}

// Finding match values (package match's Confirmed and Possible; http does
// not import the matcher).
var findingMatches = []string{"confirmed", "possible"}

// findingSorts are the sort orders FindFindings knows.
var findingSorts = []string{"priority", "cve", "device", "-first_found"}

var findingSeverities = []string{cordon.SeverityCritical, cordon.SeverityHigh, cordon.SeverityMedium,
	cordon.SeverityLow, cordon.SeverityNone, cordon.SeverityUnknown}

// Limits on the CVEs one request names: FindingFilter takes at most 1000,
// and each CVE /affected asks about costs a look-up of its own.
const (
	maxFilterCVEs   = 1000
	maxAffectedCVEs = 100
)

func (s *Server) handleFindingIndex(w http.ResponseWriter, r *http.Request) {
	q, err := queryMulti(r, []string{"cve"}, "device", "cve", "status", "match", "severity", "kev",
		"site", "category", "sort", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f, err := findingFilter(q)
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.findings()
	if err != nil {
		Error(w, r, err)
		return
	}
	fs, total, err := svc.FindFindings(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	if fs == nil {
		fs = []*cordon.Finding{}
	}
	writeJSON(w, http.StatusOK, list("findings", fs, total, f.Offset, f.Limit))
}

// findingFilter reads the query of GET /findings, naming the parameter at
// fault in any error.
func findingFilter(q url.Values) (cordon.FindingFilter, error) {
	f := cordon.FindingFilter{Status: q.Get("status"), Match: q.Get("match"), Severity: q.Get("severity"),
		Site: q.Get("site"), Category: q.Get("category"), Sort: q.Get("sort")}
	var err error
	if f.Offset, f.Limit, err = page(q); err != nil {
		return f, err
	}
	if v := q.Get("device"); v != "" {
		if f.DeviceID, f.MAC, err = deviceRef(v); err != nil {
			return f, err
		}
	}
	if f.CVEs, err = cveList(q["cve"], maxFilterCVEs); err != nil {
		return f, err
	}
	if f.KEV, err = boolParam(q, "kev"); err != nil {
		return f, err
	}
	if err := oneOf("status", f.Status, cordon.FindingStatuses); err != nil {
		return f, err
	}
	if err := oneOf("match", f.Match, findingMatches); err != nil {
		return f, err
	}
	if err := oneOf("severity", f.Severity, findingSeverities); err != nil {
		return f, err
	}
	if err := oneOf("category", f.Category, cordon.Categories); err != nil {
		return f, err
	}
	if err := oneOf("sort", f.Sort, findingSorts); err != nil {
		return f, err
	}
	return f, nil
}

func (s *Server) handleFindingView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "finding")
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.findings()
	if err != nil {
		Error(w, r, err)
		return
	}
	f, err := svc.FindFindingByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}

// StatusChange is the body of POST /findings/{id}/status: where the finding
// goes in the workflow, with what that place requires. Who made the change
// and when are the server's to record, so they are not part of it.
type StatusChange struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Expires is a date ("2026-09-30") or an RFC 3339 time; a risk is
	// accepted until then.
	Expires       string   `json:"expires,omitempty"`
	Controls      []string `json:"controls,omitempty"`
	Justification string   `json:"justification,omitempty"`
}

// findingStatus checks a change and turns it into the domain's status.
func (c StatusChange) findingStatus(now time.Time) (cordon.FindingStatus, error) {
	st := cordon.FindingStatus{Status: c.Status, Reason: c.Reason, Controls: c.Controls, Justification: c.Justification}
	if c.Expires != "" {
		t, err := time.Parse(time.RFC3339, c.Expires)
		if err != nil {
			d, derr := time.Parse(time.DateOnly, c.Expires)
			if derr != nil {
				return st, cordon.Errorf(cordon.EINVALID, "expires must be a date such as 2026-09-30 or an RFC 3339 time, not %q.", c.Expires)
			}
			// A date means the whole of that day.
			t = d.Add(24*time.Hour - time.Second)
		}
		if !t.After(now) {
			return st, cordon.Errorf(cordon.EINVALID, "expires must be in the future, not %s.", c.Expires)
		}
		st.Expires = t.UTC()
	}
	if err := st.Validate(); err != nil {
		return st, err
	}
	return st, nil
}

// handleFindingStatus moves a finding in the workflow (the store audits
// it), then reassesses its device so that the device's risk and counts
// reflect the change at once, not at the next assessment run.
func (s *Server) handleFindingStatus(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "finding")
	if err != nil {
		Error(w, r, err)
		return
	}
	var c StatusChange
	if err := decodeJSON(w, r, &c); err != nil {
		Error(w, r, err)
		return
	}
	st, err := c.findingStatus(s.timeNow())
	if err != nil {
		Error(w, r, err)
		return
	}
	svc, err := s.findings()
	if err != nil {
		Error(w, r, err)
		return
	}
	f, err := svc.UpdateFindingStatus(r.Context(), id, st)
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := s.assess(r.Context(), []int64{f.Device.ID}); err != nil {
		// The status is stored and audited; failing the request would
		// invite a retry that changes nothing but the audit log. The
		// device's risk catches up at the next assessment.
		logFrom(r).Error("assess after status change", slog.Int64("finding_id", f.ID),
			slog.Int64("device_id", f.Device.ID), slog.String("error", err.Error()))
	}
	writeJSON(w, http.StatusOK, f)
}

// Affected answers "which of our devices does this CVE touch?" for each
// CVE asked about, in the order asked.
type Affected struct {
	CVEs []AffectedCVE `json:"cves"`
}

// AffectedCVE is one CVE: whether the store knows it at all (an unknown
// CVE affecting nothing means "no intelligence", not "safe"), and the
// devices it affects now.
type AffectedCVE struct {
	CVE     string            `json:"cve"`
	Known   bool              `json:"known"`
	Title   string            `json:"title,omitempty"`
	KEV     bool              `json:"kev"`
	EPSS    *cordon.EPSSScore `json:"epss"`
	Devices []AffectedDevice  `json:"devices"`
}

// AffectedDevice is a device a CVE applies to, with where it is and who
// answers for it, and the finding that links them.
type AffectedDevice struct {
	Device   cordon.FindingDevice `json:"device"`
	Finding  int64                `json:"finding"`
	Match    string               `json:"match"`
	Severity string               `json:"severity"`
	Status   string               `json:"status"`
	Fix      cordon.Fix           `json:"fix"`
}

func (s *Server) handleAffected(w http.ResponseWriter, r *http.Request) {
	q, err := queryMulti(r, []string{"cve"}, "cve")
	if err != nil {
		Error(w, r, err)
		return
	}
	cves, err := cveList(q["cve"], maxAffectedCVEs)
	if err != nil {
		Error(w, r, err)
		return
	}
	if len(cves) == 0 {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "Name at least one CVE: ?cve=CVE-2017-0144 (repeat it, or separate CVEs with commas)."))
		return
	}
	intel, err := s.intel()
	if err != nil {
		Error(w, r, err)
		return
	}
	findings, err := s.findings()
	if err != nil {
		Error(w, r, err)
		return
	}
	out := Affected{CVEs: make([]AffectedCVE, len(cves))}
	byCVE := map[string]*AffectedCVE{}
	for i, id := range cves {
		a := &out.CVEs[i]
		a.CVE, a.Devices = id, []AffectedDevice{}
		byCVE[id] = a
		v, err := intel.FindVulnerability(r.Context(), id)
		switch {
		case cordon.ErrorCode(err) == cordon.ENOTFOUND:
			continue
		case err != nil:
			Error(w, r, err)
			return
		}
		a.Known, a.Title, a.KEV, a.EPSS = true, vulnerabilityTitle(v), v.KEV != nil, v.EPSS
	}
	err = eachFinding(r.Context(), findings, cordon.FindingFilter{CVEs: cves, Sort: "device"}, func(f *cordon.Finding) {
		if a := byCVE[f.CVE]; a != nil {
			a.Devices = append(a.Devices, AffectedDevice{Device: f.Device, Finding: f.ID, Match: f.Match,
				Severity: f.Severity, Status: f.Status.Status, Fix: f.Fix})
		}
	})
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// maxAffectedFindings bounds how many findings one /affected answer
// gathers: far more than a hospital has devices, but a limit all the same.
const maxAffectedFindings = 100000

// eachFinding calls fn for every finding f selects, page by page.
func eachFinding(ctx context.Context, svc cordon.FindingService, f cordon.FindingFilter, fn func(*cordon.Finding)) error {
	f.Limit = MaxPageLimit
	for f.Offset = 0; f.Offset < maxAffectedFindings; {
		fs, total, err := svc.FindFindings(ctx, f)
		if err != nil {
			return err
		}
		for _, x := range fs {
			fn(x)
		}
		f.Offset += len(fs)
		if len(fs) == 0 || f.Offset >= total {
			return nil
		}
	}
	return cordon.Errorf(cordon.EINVALID, "These CVEs affect more than %d findings; ask about fewer at a time.", maxAffectedFindings)
}

// vulnerabilityTitle names a vulnerability in a line: KEV's name for it,
// else the first sentence of NVD's description.
func vulnerabilityTitle(v *cordon.Vulnerability) string {
	if v.KEV != nil && v.KEV.Name != "" {
		return v.KEV.Name
	}
	d := strings.TrimSpace(v.Description)
	if i := strings.IndexAny(d, "\r\n"); i >= 0 {
		d = d[:i]
	}
	if i := strings.Index(d, ". "); i >= 0 {
		d = d[:i+1]
	}
	if len(d) > 200 {
		d = strings.ToValidUTF8(d[:200], "") + "…"
	}
	return d
}

// cvePattern is the CVE ID syntax (KEV's schema uses the same).
var cvePattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)

// parseCVE checks a CVE ID, accepting any letter case.
func parseCVE(v string) (string, error) {
	id := strings.ToUpper(strings.TrimSpace(v))
	if !cvePattern.MatchString(id) {
		return "", cordon.Errorf(cordon.EINVALID, "cve: %q is not a CVE ID such as CVE-2017-0144.", v)
	}
	return id, nil
}

// cveList reads cve parameters, each one ID or a comma list, without
// duplicates, in the order given.
func cveList(vs []string, max int) ([]string, error) {
	var out []string
	for _, v := range vs {
		for _, part := range strings.Split(v, ",") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			id, err := parseCVE(part)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
			if len(out) > max {
				return nil, cordon.Errorf(cordon.EINVALID, "cve: at most %d CVEs at a time.", max)
			}
		}
	}
	return out, nil
}

// deviceRef reads a device given by its ID or its MAC address. Twelve
// digits are a MAC ("001122334455"), never an ID: no register holds that
// many devices.
func deviceRef(v string) (id int64, mac string, err error) {
	if m, err := cordon.ParseMAC(v); err == nil {
		if m.IsZero() {
			return 0, "", cordon.Errorf(cordon.EINVALID, "device: %q is the all-zero MAC address, which no device has.", v)
		}
		return 0, m.String(), nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, "", cordon.Errorf(cordon.EINVALID, "device must be a device ID (1 or more) or a MAC address such as 00:09:fb:01:02:03, not %q.", v)
	}
	return n, "", nil
}

// boolParam reads an optional true or false parameter.
func boolParam(q url.Values, name string) (*bool, error) {
	switch v := q.Get(name); v {
	case "":
		return nil, nil
	case "true", "false":
		b := v == "true"
		return &b, nil
	default:
		return nil, cordon.Errorf(cordon.EINVALID, "%s must be true or false, not %q.", name, v)
	}
}

// oneOf checks an optional parameter against its allowed values.
func oneOf(name, v string, allowed []string) error {
	if v == "" || slices.Contains(allowed, v) {
		return nil
	}
	return cordon.Errorf(cordon.EINVALID, "%s must be one of %s, not %q.", name, strings.Join(allowed, ", "), v)
}

// queryMulti is query for routes where the parameters in repeatable may be
// given more than once (?cve=A&cve=B).
func queryMulti(r *http.Request, repeatable []string, allowed ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, cordon.Errorf(cordon.EINVALID, "The query string is malformed.")
	}
	for k, vs := range q {
		if !slices.Contains(allowed, k) {
			return nil, cordon.Errorf(cordon.EINVALID, "Unknown query parameter %q; this route takes %s.", k, strings.Join(allowed, ", "))
		}
		if len(vs) > 1 && !slices.Contains(repeatable, k) {
			return nil, cordon.Errorf(cordon.EINVALID, "Query parameter %q is given more than once.", k)
		}
	}
	return q, nil
}

func (s *Server) findings() (cordon.FindingService, error) {
	return configured(s.FindingService, "finding")
}
func (s *Server) intel() (cordon.IntelService, error) { return configured(s.IntelService, "intel") }

// assess recomputes findings and exposure of the devices ids (all when
// nil). Without an Assessor (a read-only replica, some tests) it does
// nothing: the change is stored and the next assessment run picks it up.
// It runs to the end even if the client goes away, so that a stored change
// is not left half reflected.
func (s *Server) assess(ctx context.Context, ids []int64) error {
	if s.Assessor == nil {
		return nil
	}
	return s.Assessor.Assess(context.WithoutCancel(ctx), ids)
}
