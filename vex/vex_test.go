package vex_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/vex"
)

// MustParseFile parses a fixture under testdata/.
func MustParseFile(tb testing.TB, name string) *vex.Document {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	d, err := vex.Parse(name, data)
	if err != nil {
		tb.Fatalf("Parse(%s): %v", name, err)
	}
	return d
}

// refs lists the Refs of ps.
func refs(ps []vex.Product) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Ref)
	}
	return out
}

func TestParse_CycloneDX(t *testing.T) {
	d := MustParseFile(t, "ventilator-cdx-vex.json")
	if d.Format != vex.FormatCycloneDX || d.ID != "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" || d.Author != "Example Respiratory Inc." || !d.Timestamp.Equal(time.Date(2025, 5, 5, 5, 5, 5, 0, time.UTC)) {
		t.Errorf("header %+v", d)
	}
	// CVE-2023-0003 has no analysis and is skipped with a warning.
	if len(d.Statements) != 4 || len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "vulnerabilities[3] (CVE-2023-0003)") {
		t.Fatalf("%d statements, warnings %q", len(d.Statements), d.Warnings)
	}

	ssh := d.Statements[0]
	if ssh.CVE != "CVE-2024-6387" || ssh.Status != vex.StatusNotAffected || ssh.Justification != vex.VulnerableCodeCannotBeControlled || ssh.RawJustification != "requires_environment" {
		t.Errorf("ssh %+v", ssh)
	}
	if ssh.Detail != "sshd is only reachable over the service cable." || !slices.Equal(ssh.Responses, []string{"will_not_fix"}) || !slices.Equal(ssh.Aliases, []string{"GHSA-2x8c-95vh-gfv4"}) || !ssh.Timestamp.Equal(time.Date(2025, 5, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ssh text %+v", ssh)
	}
	// A percent-encoded BOM-Link into this document resolves to the nested
	// component.
	if len(ssh.Products) != 1 {
		t.Fatalf("ssh products %+v", ssh.Products)
	}
	if p := ssh.Products[0]; p.Ref != "pkg:generic/openssh@8.4p1" || p.Name != "openssh" || p.Version != "8.4p1" || p.PURL != "pkg:generic/openssh@8.4p1" || !strings.HasPrefix(p.BOMLink, "urn:cdx:3e671687") {
		t.Errorf("ssh product %+v", p)
	}

	fp := d.Statements[1]
	if fp.Status != vex.StatusNotAffected || fp.Justification != vex.ComponentNotPresent || fp.RawStatus != "false_positive" || fp.Products[0].CPE != "cpe:2.3:o:linux:linux_kernel:5.10.120:*:*:*:*:*:*:*" {
		t.Errorf("false positive %+v", fp)
	}

	fixed := d.Statements[2]
	if fixed.Status != vex.StatusFixed || fixed.Action != "Install the 3.2 firmware once validated." || len(fixed.Products) != 2 {
		t.Fatalf("fixed %+v", fixed)
	}
	if p := fixed.Products[0]; p.Ref != "vent" || p.Name != "Example Ventilator" || p.Version != "3.2" || p.VersionStatus != "unaffected" {
		t.Errorf("fixed product 0 %+v", p)
	}
	if p := fixed.Products[1]; p.Version != "" || p.Range != "vers:generic/<3.2" || p.VersionStatus != "affected" {
		t.Errorf("fixed product 1 %+v", p)
	}

	// A BOM-Link into another BOM keeps the link for the caller.
	other := d.Statements[3]
	if other.Status != vex.StatusUnderInvestigation || other.Products[0].Ref != "other-product" || other.Products[0].Name != "" || other.Products[0].BOMLink != "urn:cdx:11111111-2222-3333-4444-555555555555/2#other-product" {
		t.Errorf("other %+v", other)
	}
}

func TestParse_CSAF(t *testing.T) {
	d := MustParseFile(t, "pump-csaf-vex.json")
	if d.Format != vex.FormatCSAF || d.ID != "EXMED-VEX-2025-001" || d.Author != "Example Medical" || !d.Timestamp.Equal(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("header %+v", d)
	}
	if len(d.Warnings) != 0 {
		t.Errorf("warnings %q", d.Warnings)
	}
	var got []string
	for _, s := range d.Statements {
		got = append(got, s.CVE+" "+s.Status+" "+s.Justification+" "+strings.Join(refs(s.Products), ","))
	}
	want := []string{
		"CVE-2021-44228 not_affected component_not_present PUMP-4.2.1,PUMP-4.3,PUMP-OLD",
		"CVE-2020-1971 affected  PUMP-4.2.1:OPENSSL",
		"CVE-2020-1971 fixed  PUMP-4.3",
		"CVE-2020-1971 under_investigation  PUMP-OLD",
		"EXMED-2025-02 not_affected vulnerable_code_not_in_execute_path PUMP-4.3",
		"EXMED-2025-02 not_affected inline_mitigations_already_exist PUMP-4.2.1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("statements\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	log4j := d.Statements[0]
	if log4j.Impact != "The pump contains no Java runtime." || !strings.HasPrefix(log4j.Detail, "Apache Log4j2") {
		t.Errorf("log4j %+v", log4j)
	}
	if p := log4j.Products[0]; p.Name != "Example Infusion Pump 4.2.1" || p.Supplier != "Example Medical" || p.Version != "4.2.1" || p.CPE != "cpe:2.3:h:example:infusion_pump:4.2.1:*:*:*:*:*:*:*" {
		t.Errorf("pump 4.2.1 %+v", p)
	}
	if p := log4j.Products[1]; p.Version != "4.3" || p.PURL != "pkg:generic/example/infusion-pump@4.3" {
		t.Errorf("pump 4.3 %+v", p)
	}
	if p := log4j.Products[2]; p.Range != "vers:generic/<4.2" || p.Version != "" {
		t.Errorf("old pump %+v", p)
	}
	// The relationship product carries the component's identifiers.
	ssl := d.Statements[1]
	if p := ssl.Products[0]; p.Name != "OpenSSL 1.0.2u in Example Infusion Pump 4.2.1" || p.CPE != "cpe:2.3:a:openssl:openssl:1.0.2u:*:*:*:*:*:*:*" || p.Supplier != "OpenSSL" || p.Version != "1.0.2u" {
		t.Errorf("openssl in pump %+v", p)
	}
	if ssl.Action != "vendor_fix: Update to 4.3 once validated by the manufacturer. https://example.com/psirt/2020-17" || ssl.Impact != "" || !slices.Equal(ssl.Aliases, []string{"EXMED-2020-17"}) {
		t.Errorf("openssl statement %+v", ssl)
	}
}

func TestParse_OpenVEX(t *testing.T) {
	d := MustParseFile(t, "monitor-openvex.json")
	if d.Format != vex.FormatOpenVEX || d.ID != "https://example.com/vex/monitor-2025-004" || d.Author != "Example Monitoring PSIRT" || len(d.Statements) != 3 {
		t.Fatalf("header %+v", d)
	}
	s := d.Statements[0]
	if s.CVE != "CVE-2023-38545" || s.Status != vex.StatusNotAffected || s.Justification != vex.VulnerableCodeNotInExecutePath || !strings.HasPrefix(s.Impact, "The monitor never uses") || !slices.Equal(s.Aliases, []string{"GHSA-9w3f-vq7v-64mh"}) {
		t.Errorf("statement 0 %+v", s)
	}
	if p := s.Products[0]; p.PURL != "pkg:generic/example/patient-monitor@B.02" || !slices.Equal(p.Subcomponents, []string{"pkg:generic/curl@7.88.1"}) || !s.Timestamp.Equal(d.Timestamp) {
		t.Errorf("product 0 %+v", p)
	}
	s = d.Statements[1]
	if s.Status != vex.StatusAffected || !strings.HasPrefix(s.Action, "Disable the service port") || s.Products[0].CPE != "cpe:2.3:h:example:patient_monitor:b.03:*:*:*:*:*:*:*" || s.Products[0].PURL != "" || !s.Timestamp.Equal(time.Date(2025, 4, 3, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("statement 1 %+v", s)
	}
	// v0.0.1 style: vulnerability and products as plain strings.
	s = d.Statements[2]
	if s.CVE != "CVE-2022-0778" || s.Status != vex.StatusFixed || s.Products[0].PURL != "pkg:generic/example/patient-monitor@B.03.2" {
		t.Errorf("statement 2 %+v", s)
	}
}

// TestParse_Errors checks that malformed documents are refused with an
// EINVALID error naming the problem and where it is.
func TestParse_Errors(t *testing.T) {
	const csafHead = `{"document":{"category":"csaf_vex","csaf_version":"2.0","publisher":{"name":"X"},"tracking":{"id":"T-1"}},`
	const ovHead = `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2025-01-01T00:00:00Z","statements":[`
	tests := []struct {
		Name string
		Data string
		Want []string
	}{
		{"Empty", "", []string{"empty"}},
		{"XML", `<bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>`, []string{"XML VEX documents are not supported"}},
		{"NotJSON", "CVE-2021-44228 not_affected", []string{"not JSON"}},
		{"JSONSyntax", "{\n\"bomFormat\": \"CycloneDX\",\n\"vulnerabilities\": [}\n", []string{"line 3, column", "invalid JSON"}},
		{"Unknown", `{"foo":1}`, []string{"neither CycloneDX", "CSAF", "OpenVEX"}},
		{"CycloneDXNoVulns", `{"bomFormat":"CycloneDX","specVersion":"1.5","components":[]}`, []string{"no vulnerabilities", "SBOM"}},
		{"CycloneDXVersion", `{"bomFormat":"CycloneDX","specVersion":"1.3","vulnerabilities":[]}`, []string{`specVersion "1.3"`}},
		{"CycloneDXState", `{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[{"id":"CVE-1","analysis":{"state":"maybe"}}]}`, []string{"vulnerabilities[0].analysis.state", `"maybe"`}},
		{"CycloneDXJustification", `{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[{"id":"CVE-1","analysis":{"state":"not_affected","justification":"trust_me"}}]}`, []string{"vulnerabilities[0].analysis.justification", `"trust_me"`}},
		{"CycloneDXNoID", `{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[{"analysis":{"state":"exploitable"}}]}`, []string{"vulnerabilities[0]", "no id"}},
		{"CycloneDXNoRef", `{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[{"id":"CVE-1","analysis":{"state":"exploitable"},"affects":[{}]}]}`, []string{"vulnerabilities[0].affects[0]", "no ref"}},
		{"CycloneDXType", "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\n\"vulnerabilities\":[{\"id\":5}]}", []string{"line 2", "vulnerabilities.id", "want string"}},
		{"CSAFCategory", `{"document":{"category":"csaf_security_advisory","csaf_version":"2.0"}}`, []string{`"csaf_security_advisory"`, "only \"csaf_vex\""}},
		{"CSAFVersion", `{"document":{"category":"csaf_vex","csaf_version":"1.2"}}`, []string{`csaf_version "1.2"`}},
		{"CSAFNoTracking", `{"document":{"category":"csaf_vex","csaf_version":"2.0"}}`, []string{"document.tracking.id"}},
		{"CSAFNoVulns", csafHead + `"vulnerabilities":[]}`, []string{"no vulnerabilities"}},
		{"CSAFNoProductID", csafHead + `"product_tree":{"full_product_names":[{"name":"x"}]},"vulnerabilities":[{"cve":"CVE-1"}]}`, []string{"product_tree.full_product_names[0]", "no product_id"}},
		{"CSAFStatus", csafHead + `"vulnerabilities":[{"cve":"CVE-1","product_status":{"kinda_affected":["A"]}}]}`, []string{"vulnerabilities[0].product_status.kinda_affected"}},
		{"CSAFFlag", csafHead + `"vulnerabilities":[{"cve":"CVE-1","flags":[{"label":"nope","product_ids":["A"]}]}]}`, []string{"vulnerabilities[0].flags[0].label", `"nope"`}},
		{"CSAFNoCVE", csafHead + `"vulnerabilities":[{"product_status":{"fixed":["A"]}}]}`, []string{"vulnerabilities[0]", "neither cve nor ids"}},
		{"OpenVEXNoStatements", `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[]}`, []string{"no statements"}},
		{"OpenVEXStatus", ovHead + `{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"pkg:a/b"}],"status":"fine"}]}`, []string{"statements[0].status", `"fine"`}},
		{"OpenVEXJustification", ovHead + `{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"pkg:a/b"}],"status":"not_affected","justification":"code_not_present"}]}`, []string{"statements[0].justification", `"code_not_present"`}},
		{"OpenVEXNoVuln", ovHead + `{"vulnerability":{},"products":[{"@id":"pkg:a/b"}],"status":"fixed"}]}`, []string{"statements[0].vulnerability", "no name"}},
		{"OpenVEXVulnType", ovHead + `{"vulnerability":7,"products":[{"@id":"pkg:a/b"}],"status":"fixed"}]}`, []string{"statements[0].vulnerability", "string or an object"}},
		{"OpenVEXNoProducts", ovHead + `{"vulnerability":{"name":"CVE-1"},"status":"fixed"}]}`, []string{"statements[0].products", "no product"}},
		{"OpenVEXProductNoID", ovHead + `{"vulnerability":{"name":"CVE-1"},"products":[{"identifiers":{"purl":"pkg:a/b"}}],"status":"fixed"}]}`, []string{"statements[0].products[0]", "no @id"}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			d, err := vex.Parse("bad.json", []byte(tt.Data))
			if err == nil {
				t.Fatalf("no error; parsed %+v", d)
			}
			if d != nil {
				t.Error("a document came back with the error")
			}
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Errorf("code %q", cordon.ErrorCode(err))
			}
			msg := cordon.ErrorMessage(err)
			if !strings.HasPrefix(msg, "bad.json: ") {
				t.Errorf("message %q does not name the file", msg)
			}
			for _, w := range tt.Want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
		})
	}
}

func TestParse_Limits(t *testing.T) {
	_, err := vex.Parse("big.json", make([]byte, vex.MaxSize+1))
	if cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(cordon.ErrorMessage(err), "limit of 64 MiB") {
		t.Errorf("size: %v", err)
	}
	var b strings.Builder
	b.WriteString(`{"@context":"https://openvex.dev/ns/v0.2.0","statements":[`)
	for i := 0; i <= vex.MaxStatements; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{}`)
	}
	b.WriteString(`]}`)
	_, err = vex.Parse("many.json", []byte(b.String()))
	if cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(cordon.ErrorMessage(err), "more than the limit of 100000") {
		t.Errorf("statements: %v", err)
	}
}
