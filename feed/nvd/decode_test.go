package nvd

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// decodeAll decodes s and returns every record passed to fn.
func decodeAll(tb testing.TB, s string) ([]*cordon.Vulnerability, Stats, error) {
	tb.Helper()
	var got []*cordon.Vulnerability
	st, err := Decode(strings.NewReader(s), "test.json", func(v *cordon.Vulnerability) error {
		got = append(got, v)
		return nil
	})
	return got, st, err
}

func TestDecode_EternalBlue(t *testing.T) {
	got, st, err := decodeAll(t, eternalBlue)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || st.Records != 1 || st.Format != FormatRecord {
		t.Fatalf("got %d records, stats %+v", len(got), st)
	}
	v := got[0]
	want := &cordon.Vulnerability{
		ID:          "CVE-2017-0144",
		Published:   time.Date(2017, 3, 17, 0, 59, 4, 10e6, time.UTC),
		Modified:    time.Date(2025, 10, 21, 20, 16, 42, 430e6, time.UTC),
		Description: "The SMBv1 server in Microsoft Windows Vista SP2; Windows Server 2008 SP2 and R2 SP1; Windows 7 SP1; Windows 8.1; Windows Server 2012 Gold and R2; Windows RT 8.1; and Windows 10 Gold, 1511, and 1607; and Windows Server 2016 allows remote attackers to execute arbitrary code via crafted packets, aka \"Windows SMB Remote Code Execution Vulnerability.\" This vulnerability is different from those described in CVE-2017-0143, CVE-2017-0145, CVE-2017-0146, and CVE-2017-0148.",
		CVSS: []cordon.CVSS{
			{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", BaseScore: 8.8, Severity: "HIGH", Source: "nvd@nist.gov", Primary: true},
			{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", BaseScore: 8.8, Severity: "HIGH", Source: "134c704f-9b21-4f2e-91b3-4a467353bcc0"},
			{Version: "2.0", Vector: "AV:N/AC:M/Au:N/C:C/I:C/A:C", BaseScore: 9.3, Severity: "HIGH", Source: "nvd@nist.gov", Primary: true},
		},
		Configurations: []cordon.Configuration{{
			Operator: "AND",
			Nodes: []cordon.Node{
				{Operator: "OR", CPEMatch: []cordon.CPEMatch{
					{Vulnerable: true, Criteria: "cpe:2.3:a:microsoft:server_message_block:1.0:*:*:*:*:*:*:*"},
				}},
				{Operator: "OR", CPEMatch: []cordon.CPEMatch{
					{Criteria: "cpe:2.3:o:microsoft:windows_10_1507:-:*:*:*:*:*:x64:*"},
					{Criteria: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"},
					{Criteria: "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*"},
					{Criteria: "cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*"},
				}},
			},
		}},
		References: []string{
			"http://packetstormsecurity.com/files/154690/DOUBLEPULSAR-Payload-Execution-Neutralization.html",
			"https://docs.microsoft.com/en-us/security-updates/SecurityBulletins/2017/ms17-010",
		},
		// Tagged "Patch" by two sources, kept once.
		Patches: []string{"https://docs.microsoft.com/en-us/security-updates/SecurityBulletins/2017/ms17-010"},
		KEV: &cordon.KEVEntry{
			Name:           "Microsoft SMBv1 Remote Code Execution Vulnerability",
			DateAdded:      time.Date(2022, 2, 10, 0, 0, 0, 0, time.UTC),
			DueDate:        time.Date(2022, 8, 10, 0, 0, 0, 0, time.UTC),
			RequiredAction: "Apply updates per vendor instructions.",
		},
	}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got  %+v\nwant %+v", v, want)
	}
	if !st.LastModified.Equal(want.Modified) {
		t.Errorf("Stats.LastModified = %v, want %v", st.LastModified, want.Modified)
	}
}

func TestDecode_RangesAndVersions(t *testing.T) {
	got, _, err := decodeAll(t, apiPage(openSSLLoop, cvss4Record))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d records, want 2", len(got))
	}
	ossl := got[0]
	if c := ossl.Configurations[0]; c.Operator != "" || len(c.Nodes[0].CPEMatch) != 3 {
		t.Fatalf("openssl configuration = %+v", c)
	}
	wantRange := cordon.CPEMatch{Vulnerable: true, Criteria: "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", VersionStartIncluding: "1.1.0", VersionEndExcluding: "1.1.1n"}
	if m := ossl.Configurations[0].Nodes[0].CPEMatch[1]; m != wantRange {
		t.Errorf("openssl range = %+v, want %+v", m, wantRange)
	}
	if c := ossl.CVSS; len(c) != 1 || c[0].Severity != "MEDIUM" || c[0].BaseScore != 5 || ossl.KEV != nil {
		t.Errorf("openssl CVSS %+v, KEV %+v", c, ossl.KEV)
	}

	v4 := got[1]
	wantCVSS := []cordon.CVSS{
		{Version: "4.0", Vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", BaseScore: 9.3, Severity: "CRITICAL", Source: "psirt@example.com"},
		{Version: "3.0", Vector: "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", BaseScore: 9.8, Severity: "CRITICAL", Source: "nvd@nist.gov", Primary: true},
	}
	if !reflect.DeepEqual(v4.CVSS, wantCVSS) {
		t.Errorf("CVSS = %+v, want %+v", v4.CVSS, wantCVSS)
	}
	if m := v4.Configurations[0].Nodes[0].CPEMatch[0]; m.VersionEndIncluding != `2.4\:1` {
		t.Errorf("escaped range bound = %q", m.VersionEndIncluding)
	}
	if v4.References != nil {
		t.Errorf("References = %q, want none", v4.References)
	}
}

func TestDecode_Formats(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		format      string
		compression string
		declared    int
		records     int
	}{
		{"Record", eternalBlue, FormatRecord, CompressionNone, -1, 1},
		{"RecordWrapped", `{"cve":` + eternalBlue + `}`, FormatRecord, CompressionNone, -1, 1},
		{"RecordBOM", "\ufeff" + eternalBlue, FormatRecord, CompressionNone, -1, 1},
		{"API", apiPage(eternalBlue, openSSLLoop, cvss4Record), FormatAPI, CompressionNone, 3, 3},
		{"APIEmpty", apiPage(), FormatAPI, CompressionNone, 0, 0},
		{"Bundle", bundle(eternalBlue, openSSLLoop), FormatBundle, CompressionNone, 2, 2},
		{"RecordGzip", gzipped(t, eternalBlue), FormatRecord, CompressionGzip, -1, 1},
		{"APIGzip", gzipped(t, apiPage(eternalBlue, openSSLLoop)), FormatAPI, CompressionGzip, 2, 2},
		{"BundleXZ", xzed(t, bundle(eternalBlue, cvss4Record)), FormatBundle, CompressionXZ, 2, 2},
		{"APIXZ", xzed(t, apiPage(openSSLLoop)), FormatAPI, CompressionXZ, 1, 1},
		{"RecordXZBOM", xzed(t, "\ufeff"+eternalBlue), FormatRecord, CompressionXZ, -1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st, err := decodeAll(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if st.Format != tt.format || st.Compression != tt.compression || st.Declared != tt.declared || st.Records != tt.records || len(got) != tt.records {
				t.Errorf("stats %+v with %d records, want format %q compression %q declared %d records %d",
					st, len(got), tt.format, tt.compression, tt.declared, tt.records)
			}
			if tt.records > 0 && got[0].ID == "" {
				t.Errorf("first record has no id")
			}
		})
	}
}

func TestDecode_Timestamp(t *testing.T) {
	_, st, err := decodeAll(t, bundle(eternalBlue))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 10, 22, 0, 0, 20, 0, time.UTC); !st.Timestamp.Equal(want) {
		t.Errorf("bundle timestamp %v, want %v", st.Timestamp, want)
	}
}

func TestDecode_Rejected(t *testing.T) {
	// The shape NVD gives a rejected CVE: a reason as description, no
	// metrics, no configurations.
	rejected := `{"id":"CVE-2023-0001","published":"2023-01-01T00:15:09.000","lastModified":"2023-02-01T10:00:00.000","vulnStatus":"Rejected",
		"descriptions":[{"lang":"en","value":"Rejected reason: This CVE ID has been rejected or withdrawn by its CVE Numbering Authority."}],"metrics":{},"references":[]}`
	got, st, err := decodeAll(t, apiPage(rejected, openSSLLoop))
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 2 || st.Rejected != 1 || got[0].CVSS != nil || got[0].Configurations != nil {
		t.Errorf("stats %+v, first record %+v", st, got[0])
	}
}

func TestDecode_Errors(t *testing.T) {
	replace := func(old, new string) string {
		if !strings.Contains(eternalBlue, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(eternalBlue, old, new, 1)
	}
	tests := []struct {
		name  string
		in    string
		want  []string // substrings of the error
		calls int      // records passed to fn before the failure
	}{
		{"Empty", "", []string{"test.json", "empty file"}, 0},
		{"Whitespace", "  \n", []string{"empty file"}, 0},
		{"TopLevelArray", "[" + eternalBlue + "]", []string{"expected a JSON object, found ["}, 0},
		{"NotJSON", "CVE-2017-0144", []string{"invalid JSON"}, 0},
		{"Truncated", eternalBlue[:len(eternalBlue)/2], []string{"truncated"}, 0},
		{"TruncatedAPI", apiPage(eternalBlue, openSSLLoop)[:len(apiPage(eternalBlue, openSSLLoop))-400], []string{"vulnerabilities[1]", "truncated"}, 1},
		{"TrailingData", eternalBlue + "{}", []string{"data after the end"}, 0},
		{"NoRecords", `{"resultsPerPage":0}`, []string{"no CVE records"}, 0},
		{"BadID", replace(`"id": "CVE-2017-0144"`, `"id": "CVE-17-0144"`), []string{"record", `id: "CVE-17-0144" is not a CVE id`}, 0},
		{"ShortSequence", replace(`"id": "CVE-2017-0144"`, `"id": "CVE-2017-144"`), []string{"is not a CVE id"}, 0},
		{"MissingID", replace(`"id": "CVE-2017-0144",`, ``), []string{"id: missing"}, 0},
		{"IDNumber", replace(`"id": "CVE-2017-0144"`, `"id": 20170144`), []string{"record near byte", "id: JSON number where a string is expected"}, 0},
		{"BadPublished", replace(`"2017-03-17T00:59:04.010"`, `"17 March 2017"`), []string{"(CVE-2017-0144)", `published: "17 March 2017" is not a date-time`}, 0},
		{"MissingLastModified", replace(`"lastModified": "2025-10-21T20:16:42.430",`, ``), []string{"lastModified"}, 0},
		{"NoDescriptions", replace(`"descriptions": [`, `"descriptions": [], "x": [`), []string{"descriptions: missing or empty"}, 0},
		{"ScoreTooHigh", replace(`"baseScore": 9.3`, `"baseScore": 93`), []string{"metrics.cvssMetricV2[0].cvssData.baseScore: 93 is out of range 0-10"}, 0},
		{"ScoreNegative", replace(`"baseScore": 8.8`, `"baseScore": -1`), []string{"cvssMetricV31[0]", "out of range"}, 0},
		{"ScoreString", replace(`"baseScore": 8.8`, `"baseScore": "8.8"`), []string{"baseScore", "JSON string where a number is expected"}, 0},
		{"ScoreMissing", replace(`"baseScore": 9.3, `, ``), []string{"cvssMetricV2[0].cvssData.baseScore: missing"}, 0},
		{"WrongVersion", replace(`"version": "2.0"`, `"version": "3.1"`), []string{"cvssMetricV2[0].cvssData.version", `"3.1" where 2.0 is expected`}, 0},
		{"BadSeverity", replace(`"baseSeverity": "HIGH", "exploitabilityScore": 8.6`, `"baseSeverity": "SEVERE", "exploitabilityScore": 8.6`), []string{"cvssMetricV2[0].baseSeverity", "SEVERE"}, 0},
		{"BadVector", replace(`"vectorString": "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", "baseScore": 8.8, "baseSeverity": "HIGH",
         "attackVector"`, `"vectorString": "AV:N/AC:L", "baseScore": 8.8, "baseSeverity": "HIGH", "attackVector"`), []string{"vectorString", "does not start with CVSS:3.1/"}, 0},
		{"BadType", replace(`"type": "Secondary"`, `"type": "Tertiary"`), []string{"cvssMetricV31[1].type"}, 0},
		{"BadNodeOperator", replace(`{"operator": "OR", "negate": false, "cpeMatch": [
        {"vulnerable": true`, `{"operator": "XOR", "negate": false, "cpeMatch": [
        {"vulnerable": true`), []string{"configurations[0].nodes[0].operator", "XOR"}, 0},
		{"BadCPE", replace(`cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*`, `cpe:/o:microsoft:windows_7::sp1`), []string{"configurations[0].nodes[1].cpeMatch[1].criteria", "not a CPE 2.3 name"}, 0},
		{"ShortCPE", replace(`cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*`, `cpe:2.3:o:microsoft:windows_7:-:sp1`), []string{"has 7 components, not 13"}, 0},
		{"MissingVulnerable", replace(`{"vulnerable": true, "criteria": "cpe:2.3:a:microsoft`, `{"criteria": "cpe:2.3:a:microsoft`), []string{"cpeMatch[0].vulnerable: missing"}, 0},
		{"NodesNotArray", replace(`"nodes": [`, `"nodes": "none", "x": [`), []string{"configurations.nodes: JSON string where an array is expected"}, 0},
		{"BadKEVDate", replace(`"cisaExploitAdd": "2022-02-10"`, `"cisaExploitAdd": "10/02/2022"`), []string{"cisaExploitAdd", "is not a date"}, 0},
		{"EmptyURL", replace(`{"url": "http://packetstormsecurity.com/files/154690/DOUBLEPULSAR-Payload-Execution-Neutralization.html",`, `{"url": "",`), []string{"references[0].url: missing"}, 0},
		{"SecondRecordBad", apiPage(openSSLLoop, strings.Replace(eternalBlue, `"baseScore": 9.3`, `"baseScore": 11`, 1), cvss4Record), []string{"vulnerabilities[1] (CVE-2017-0144)", "out of range"}, 1},
		{"BundleItemWrapped", bundle(`{"cve":` + openSSLLoop + `}`), []string{"cve_items[0]", "id: missing"}, 0},
		{"APIItemBare", apiPage()[:len(apiPage())-2] + openSSLLoop + "]}", []string{"vulnerabilities[0]", `no "cve" object`}, 0},
		{"CountMismatch", strings.Replace(apiPage(openSSLLoop), `"resultsPerPage":1`, `"resultsPerPage":2`, 1), []string{"declares 2 records but holds 1"}, 1},
		{"RecordAndItems", `{"id":"CVE-2017-0144","vulnerabilities":[]}`, []string{"single record"}, 0},
		{"VulnerabilitiesNotArray", `{"vulnerabilities":{}}`, []string{"vulnerabilities", "expected an array, found {"}, 0},
		{"GzipGarbage", "\x1f\x8b\x08\x00garbage that is not deflate", []string{"gzip"}, 0},
		{"GzipTruncated", gzipped(t, eternalBlue)[:40], []string{"test.json"}, 0},
		{"XZGarbage", "\xfd7zXZ\x00garbage", []string{"xz"}, 0},
		{"XZTruncated", xzed(t, eternalBlue)[:60], []string{"test.json"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := decodeAll(t, tt.in)
			if err == nil {
				t.Fatalf("no error; decoded %d records", len(got))
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if !strings.HasPrefix(msg, "nvd: import test.json: ") {
				t.Errorf("error %q does not name the operation and file", msg)
			}
			if len(got) != tt.calls {
				t.Errorf("fn called %d times, want %d", len(got), tt.calls)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error", err)
			}
			if code := cordon.ErrorCode(err); code != cordon.EINVALID {
				t.Errorf("ErrorCode = %q, want %q", code, cordon.EINVALID)
			}
		})
	}
}

func TestDecode_FnError(t *testing.T) {
	stop := errors.New("store full")
	calls := 0
	_, err := Decode(strings.NewReader(apiPage(openSSLLoop, eternalBlue, cvss4Record)), "page.json", func(v *cordon.Vulnerability) error {
		calls++
		if v.ID == "CVE-2017-0144" {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("error %v does not wrap fn's", err)
	}
	if calls != 2 {
		t.Errorf("fn called %d times after failing, want 2", calls)
	}
	if cordon.ErrorCode(err) == cordon.EINVALID {
		t.Errorf("fn's error is reported as invalid input")
	}
	if want := "nvd: import page.json: vulnerabilities[1] (CVE-2017-0144): store full"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

func TestDecode_ReadError(t *testing.T) {
	disk := errors.New("read /nvd/CVE-2024.json: input/output error")
	_, err := Decode(failingReader{disk}, "CVE-2024.json", func(*cordon.Vulnerability) error { return nil })
	if !errors.Is(err, disk) {
		t.Fatalf("error %v does not wrap the read error", err)
	}
	if cordon.ErrorCode(err) == cordon.EINVALID {
		t.Errorf("a read failure is reported as invalid input")
	}
}

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"CVE-2017-0144", true},
		{"CVE-2021-44228", true},
		{"CVE-2024-1234567", true},
		{"CVE-2017-014", false},
		{"cve-2017-0144", false},
		{"CVE-2017_0144", false},
		{"CVE-20170-144", false},
		{"CVE-2017-0144 ", false},
		{"CVE-2017-", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := validID(tt.id); got != tt.want {
			t.Errorf("validID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}
