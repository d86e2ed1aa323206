package nvd

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// rawCVE is the part of the API 2.0 "cve" object Cordon keeps. Fields the
// importer does not map (weaknesses, cveTags, vendorComments …) are skipped
// by the JSON decoder without being stored.
type rawCVE struct {
	ID                    string          `json:"id"`
	VulnStatus            string          `json:"vulnStatus"`
	Published             string          `json:"published"`
	LastModified          string          `json:"lastModified"`
	Descriptions          []rawLangString `json:"descriptions"`
	Metrics               rawMetrics      `json:"metrics"`
	CISAExploitAdd        string          `json:"cisaExploitAdd"`
	CISAActionDue         string          `json:"cisaActionDue"`
	CISARequiredAction    string          `json:"cisaRequiredAction"`
	CISAVulnerabilityName string          `json:"cisaVulnerabilityName"`
	Configurations        []rawConfig     `json:"configurations"`
	References            []rawReference  `json:"references"`
}

type rawLangString struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}

type rawMetrics struct {
	V40 []rawMetric `json:"cvssMetricV40"`
	V31 []rawMetric `json:"cvssMetricV31"`
	V30 []rawMetric `json:"cvssMetricV30"`
	V2  []rawMetric `json:"cvssMetricV2"`
}

// rawMetric covers every CVSS version: v2 keeps its severity beside
// cvssData, v3.x and v4.0 inside it.
type rawMetric struct {
	Source       string      `json:"source"`
	Type         string      `json:"type"`
	CVSSData     rawCVSSData `json:"cvssData"`
	BaseSeverity string      `json:"baseSeverity"`
}

type rawCVSSData struct {
	Version      string   `json:"version"`
	VectorString string   `json:"vectorString"`
	BaseScore    *float64 `json:"baseScore"`
	BaseSeverity string   `json:"baseSeverity"`
}

type rawConfig struct {
	Operator string    `json:"operator"`
	Negate   bool      `json:"negate"`
	Nodes    []rawNode `json:"nodes"`
}

type rawNode struct {
	Operator string        `json:"operator"`
	Negate   bool          `json:"negate"`
	CPEMatch []rawCPEMatch `json:"cpeMatch"`
}

type rawCPEMatch struct {
	Vulnerable            *bool  `json:"vulnerable"`
	Criteria              string `json:"criteria"`
	VersionStartIncluding string `json:"versionStartIncluding"`
	VersionStartExcluding string `json:"versionStartExcluding"`
	VersionEndIncluding   string `json:"versionEndIncluding"`
	VersionEndExcluding   string `json:"versionEndExcluding"`
}

type rawReference struct {
	URL  string   `json:"url"`
	Tags []string `json:"tags"`
}

// field returns a pointer to the field of r that a top-level key of a
// single-record file fills, or nil for keys Cordon does not keep. It lets
// Decode read a bare record token by token, like a bundle.
func (r *rawCVE) field(key string) any {
	switch key {
	case "id":
		return &r.ID
	case "vulnStatus":
		return &r.VulnStatus
	case "published":
		return &r.Published
	case "lastModified":
		return &r.LastModified
	case "descriptions":
		return &r.Descriptions
	case "metrics":
		return &r.Metrics
	case "cisaExploitAdd":
		return &r.CISAExploitAdd
	case "cisaActionDue":
		return &r.CISAActionDue
	case "cisaRequiredAction":
		return &r.CISARequiredAction
	case "cisaVulnerabilityName":
		return &r.CISAVulnerabilityName
	case "configurations":
		return &r.Configurations
	case "references":
		return &r.References
	}
	return nil
}

// validID reports whether id has the form CVE-YYYY-NNNN with four or more
// digits in the sequence number, the schema's ^CVE-[0-9]{4}-[0-9]{4,}$.
func validID(id string) bool {
	if len(id) < len("CVE-2000-0000") || id[:4] != "CVE-" || id[8] != '-' {
		return false
	}
	for i := 4; i < len(id); i++ {
		if i == 8 {
			continue
		}
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// parseTime reads NVD's timestamps: "2017-03-17T00:59:04.010", UTC without
// a zone in the API, or RFC 3339 with one.
func parseTime(s string) (time.Time, bool) {
	// time.Parse accepts fractional seconds after the seconds field even when
	// the layout has none, so one layout covers ".010" and no fraction.
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// parseDate reads the KEV dates NVD embeds, "2017-06-14".
func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// metricSet ties a metrics array to the CVSS version its entries must carry.
type metricSet struct {
	key     string
	version string
	metrics []rawMetric
}

// convert validates r and maps it onto a new Vulnerability.
func (r *rawCVE) convert() (*cordon.Vulnerability, error) {
	if r.ID == "" {
		return nil, errField("id", "missing")
	}
	if !validID(r.ID) {
		return nil, errField("id", "%q is not a CVE id (CVE-YYYY-NNNN)", clip(r.ID))
	}
	v := &cordon.Vulnerability{ID: r.ID}
	var ok bool
	if v.Published, ok = parseTime(r.Published); !ok {
		return nil, errField("published", "%q is not a date-time", clip(r.Published))
	}
	if v.Modified, ok = parseTime(r.LastModified); !ok {
		return nil, errField("lastModified", "%q is not a date-time", clip(r.LastModified))
	}
	if len(r.Descriptions) == 0 {
		return nil, errField("descriptions", "missing or empty")
	}
	v.Description = description(r.Descriptions)

	sets := [...]metricSet{
		{"cvssMetricV40", "4.0", r.Metrics.V40},
		{"cvssMetricV31", "3.1", r.Metrics.V31},
		{"cvssMetricV30", "3.0", r.Metrics.V30},
		{"cvssMetricV2", "2.0", r.Metrics.V2},
	}
	n := 0
	for _, s := range sets {
		n += len(s.metrics)
	}
	if n > 0 {
		v.CVSS = make([]cordon.CVSS, 0, n)
	}
	for _, s := range sets {
		for i := range s.metrics {
			c, err := convertMetric(&s.metrics[i], s.version, "metrics."+s.key+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			v.CVSS = append(v.CVSS, c)
		}
	}

	if len(r.Configurations) > 0 {
		v.Configurations = make([]cordon.Configuration, len(r.Configurations))
		for i := range r.Configurations {
			if err := convertConfig(&r.Configurations[i], &v.Configurations[i], i); err != nil {
				return nil, err
			}
		}
	}

	if len(r.References) > 0 {
		v.References = make([]string, 0, len(r.References))
		seen := make(map[string]struct{}, len(r.References))
		for i, ref := range r.References {
			if ref.URL == "" {
				return nil, errField("references["+strconv.Itoa(i)+"].url", "missing")
			}
			// NVD lists a URL once per source that cites it, each
			// with its own tags; keep it once, a patch if any says so.
			if slices.Contains(ref.Tags, "Patch") && !slices.Contains(v.Patches, ref.URL) {
				v.Patches = append(v.Patches, ref.URL)
			}
			if _, dup := seen[ref.URL]; dup {
				continue
			}
			seen[ref.URL] = struct{}{}
			v.References = append(v.References, ref.URL)
		}
	}

	kev, err := r.kev()
	if err != nil {
		return nil, err
	}
	v.KEV = kev
	return v, nil
}

// description picks the English text, falling back to the first one: a
// record with no English description still needs something to show.
func description(ds []rawLangString) string {
	for _, d := range ds {
		if d.Lang == "en" {
			return d.Value
		}
	}
	return ds[0].Value
}

// severities lists the qualitative ratings each CVSS version defines.
var severities = map[string][]string{
	"2.0": {"LOW", "MEDIUM", "HIGH"},
	"3.0": {"NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"},
	"3.1": {"NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"},
	"4.0": {"NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"},
}

func knownSeverity(version, s string) bool {
	for _, k := range severities[version] {
		if s == k {
			return true
		}
	}
	return false
}

func convertMetric(m *rawMetric, version, at string) (cordon.CVSS, error) {
	d := &m.CVSSData
	if d.Version != version {
		return cordon.CVSS{}, errField(at+".cvssData.version", "%q where %s is expected", clip(d.Version), version)
	}
	if d.VectorString == "" {
		return cordon.CVSS{}, errField(at+".cvssData.vectorString", "missing")
	}
	if version != "2.0" && !strings.HasPrefix(d.VectorString, "CVSS:"+version+"/") {
		return cordon.CVSS{}, errField(at+".cvssData.vectorString", "%q does not start with CVSS:%s/", clip(d.VectorString), version)
	}
	if d.BaseScore == nil {
		return cordon.CVSS{}, errField(at+".cvssData.baseScore", "missing")
	}
	score := *d.BaseScore
	if !(score >= 0 && score <= 10) { // also rejects NaN
		return cordon.CVSS{}, errField(at+".cvssData.baseScore", "%v is out of range 0-10", score)
	}
	sev := d.BaseSeverity
	sevAt := at + ".cvssData.baseSeverity"
	if version == "2.0" {
		// CVSS v2 defines no severity; NVD puts its rating beside cvssData.
		sev, sevAt = m.BaseSeverity, at+".baseSeverity"
		if sev == "" {
			sev = cordon.Rating("2.0", score)
		}
	}
	if !knownSeverity(version, sev) {
		return cordon.CVSS{}, errField(sevAt, "%q is not a CVSS %s severity", clip(sev), version)
	}
	var primary bool
	switch m.Type {
	case "Primary":
		primary = true
	case "Secondary":
	default:
		return cordon.CVSS{}, errField(at+".type", "%q is neither Primary nor Secondary", clip(m.Type))
	}
	return cordon.CVSS{
		Version:   version,
		Vector:    d.VectorString,
		BaseScore: score,
		Severity:  sev,
		Source:    m.Source,
		Primary:   primary,
	}, nil
}

func convertConfig(rc *rawConfig, c *cordon.Configuration, i int) error {
	at := "configurations[" + strconv.Itoa(i) + "]"
	switch rc.Operator {
	case "", "AND", "OR":
	default:
		return errField(at+".operator", "%q is neither AND nor OR", clip(rc.Operator))
	}
	c.Operator, c.Negate = rc.Operator, rc.Negate
	if len(rc.Nodes) == 0 {
		return errField(at+".nodes", "missing or empty")
	}
	c.Nodes = make([]cordon.Node, len(rc.Nodes))
	for j := range rc.Nodes {
		rn, n := &rc.Nodes[j], &c.Nodes[j]
		nat := at + ".nodes[" + strconv.Itoa(j) + "]"
		switch rn.Operator {
		case "AND", "OR":
		default:
			return errField(nat+".operator", "%q is neither AND nor OR", clip(rn.Operator))
		}
		n.Operator, n.Negate = rn.Operator, rn.Negate
		if len(rn.CPEMatch) == 0 {
			return errField(nat+".cpeMatch", "missing or empty")
		}
		n.CPEMatch = make([]cordon.CPEMatch, len(rn.CPEMatch))
		for k := range rn.CPEMatch {
			rm := &rn.CPEMatch[k]
			mat := nat + ".cpeMatch[" + strconv.Itoa(k) + "]"
			if rm.Vulnerable == nil {
				return errField(mat+".vulnerable", "missing")
			}
			if err := checkCPE(rm.Criteria); err != "" {
				return errField(mat+".criteria", "%q %s", clip(rm.Criteria), err)
			}
			n.CPEMatch[k] = cordon.CPEMatch{
				Vulnerable:            *rm.Vulnerable,
				Criteria:              rm.Criteria,
				VersionStartIncluding: rm.VersionStartIncluding,
				VersionStartExcluding: rm.VersionStartExcluding,
				VersionEndIncluding:   rm.VersionEndIncluding,
				VersionEndExcluding:   rm.VersionEndExcluding,
			}
		}
	}
	return nil
}

// checkCPE returns why s is not a CPE 2.3 formatted string, or "". It
// checks the shape the matcher relies on (the prefix, a known part, the
// thirteen colon-separated components with "\:" escapes), not every
// character rule of NISTIR 7695.
func checkCPE(s string) string {
	if s == "" {
		return "is missing"
	}
	if !strings.HasPrefix(s, "cpe:2.3:") {
		return "is not a CPE 2.3 name (cpe:2.3:…)"
	}
	if len(s) < 10 || s[9] != ':' || !strings.ContainsRune("aoh*", rune(s[8])) {
		return "has no part a, o or h"
	}
	fields := 1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // an escaped character, possibly a colon
		case ':':
			fields++
		}
	}
	if fields != 13 {
		return "has " + strconv.Itoa(fields) + " components, not 13"
	}
	return ""
}

// kev maps the CISA KEV fields NVD copies into its records. NVD does not
// copy the vendor, product, ransomware use or notes; feed/kev supplies them.
func (r *rawCVE) kev() (*cordon.KEVEntry, error) {
	if r.CISAExploitAdd == "" && r.CISAActionDue == "" && r.CISARequiredAction == "" && r.CISAVulnerabilityName == "" {
		return nil, nil
	}
	k := &cordon.KEVEntry{Name: r.CISAVulnerabilityName, RequiredAction: r.CISARequiredAction}
	var ok bool
	if k.DateAdded, ok = parseDate(r.CISAExploitAdd); !ok {
		return nil, errField("cisaExploitAdd", "%q is not a date (YYYY-MM-DD)", clip(r.CISAExploitAdd))
	}
	if r.CISAActionDue != "" {
		if k.DueDate, ok = parseDate(r.CISAActionDue); !ok {
			return nil, errField("cisaActionDue", "%q is not a date (YYYY-MM-DD)", clip(r.CISAActionDue))
		}
	}
	return k, nil
}
