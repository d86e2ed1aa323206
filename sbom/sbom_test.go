package sbom_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sbom"
)

// MustParseFile parses a fixture under testdata/.
func MustParseFile(tb testing.TB, name string) *sbom.SBOM {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	s, err := sbom.Parse(name, data)
	if err != nil {
		tb.Fatalf("Parse(%s): %v", name, err)
	}
	return s
}

// component returns the component with ref, failing the test if absent.
func component(tb testing.TB, s *sbom.SBOM, ref string) sbom.Component {
	tb.Helper()
	for _, c := range s.Components {
		if c.Ref == ref {
			return c
		}
	}
	tb.Fatalf("no component %q among %d", ref, len(s.Components))
	return sbom.Component{}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParse_CycloneDXJSON14(t *testing.T) {
	s := MustParseFile(t, "infusion-pump-1.4.cdx.json")
	if s.Format != sbom.FormatCycloneDX || s.SpecVersion != "1.4" || s.Version != "2" {
		t.Errorf("format %q %q version %q", s.Format, s.SpecVersion, s.Version)
	}
	if s.Serial != "urn:uuid:0b9a2f4e-6f0e-4c56-9a51-3f1d2c1e7a01" || !s.Created.Equal(time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("serial %q created %v", s.Serial, s.Created)
	}
	if s.Subject.Name != "Example Infusion Pump" || s.Subject.Version != "4.2.1" || s.Subject.Type != "device" || s.Subject.Supplier != "Example Medical" {
		t.Errorf("subject %+v", s.Subject)
	}
	if s.Supplier != "Example Medical" || s.Manufacturer != "Example Medical Devices Ltd" || !slices.Equal(s.Authors, []string{"Product Security Team"}) {
		t.Errorf("supplier %q manufacturer %q authors %q", s.Supplier, s.Manufacturer, s.Authors)
	}
	if !slices.Equal(s.Subject.DependsOn, []string{"os", "wifi-fw"}) {
		t.Errorf("subject depends on %q", s.Subject.DependsOn)
	}
	if len(s.Components) != 3 {
		t.Fatalf("%d components, want 3", len(s.Components))
	}

	os := component(t, s, "os")
	if os.Type != "operating-system" || os.Supplier != "Wind River" || os.CPE != "cpe:2.3:o:windriver:vxworks:6.9:*:*:*:*:*:*:*" || os.PURL != "pkg:generic/windriver/vxworks@6.9" {
		t.Errorf("os %+v", os)
	}
	if !os.EndOfSupport.Equal(date(2026, 12, 31)) || os.EndOfSupportRaw != "2026-12-31" || os.LevelOfSupport != "Security fixes only" {
		t.Errorf("os support %v %q %q", os.EndOfSupport, os.EndOfSupportRaw, os.LevelOfSupport)
	}
	if os.Properties["End-of-Support"] != "2026-12-31" || os.Properties["Level of Support"] != "Security fixes only" {
		t.Errorf("os properties %v", os.Properties)
	}
	if !slices.Equal(os.DependsOn, []string{"openssl"}) || !slices.Equal(os.Licenses, []string{"Wind River Commercial"}) {
		t.Errorf("os depends %q licenses %q", os.DependsOn, os.Licenses)
	}

	ssl := component(t, s, "openssl")
	if ssl.Supplier != "OpenSSL Software Foundation" || !ssl.EndOfSupport.IsZero() || ssl.EndOfSupportRaw != "No longer supported" || ssl.LevelOfSupport != "Inactive" {
		t.Errorf("openssl %+v", ssl)
	}
	if len(ssl.Hashes) != 1 || ssl.Hashes[0].Algorithm != "SHA-256" || !strings.HasPrefix(ssl.Hashes[0].Value, "ecd0c6") || !slices.Equal(ssl.Licenses, []string{"OpenSSL"}) {
		t.Errorf("openssl hashes %v licenses %q", ssl.Hashes, ssl.Licenses)
	}

	// A CPE 2.2 URI and a non-purl are left out with a warning each; the
	// rest of the component and of the file is kept.
	fw := component(t, s, "wifi-fw")
	if fw.CPE != "" || fw.PURL != "" || fw.Name != "ath10k firmware" || fw.Type != "firmware" {
		t.Errorf("wifi-fw %+v", fw)
	}
	if len(s.Warnings) != 2 || !strings.Contains(s.Warnings[0], "components[2]") || !strings.Contains(s.Warnings[0], "cpe:/h:qualcomm") || !strings.Contains(s.Warnings[1], "purl") {
		t.Errorf("warnings %q", s.Warnings)
	}
}

func TestParse_CycloneDXJSON15Nested(t *testing.T) {
	s := MustParseFile(t, "monitor-1.5.cdx.json")
	if s.SpecVersion != "1.5" || !s.Created.Equal(time.Date(2024, 11, 20, 7, 30, 0, 123e6, time.UTC)) {
		t.Errorf("spec %q created %v", s.SpecVersion, s.Created)
	}
	var got []string
	for _, c := range s.Components {
		got = append(got, c.Name+"<"+c.Parent)
	}
	want := []string{"Monitor UI<", "qtbase<ui", "zlib<ui/qt", "no-ref-library<"}
	if !slices.Equal(got, want) {
		t.Errorf("flattened %q, want %q", got, want)
	}
	if qt := component(t, s, "ui/qt"); qt.Group != "org.qt-project" || qt.PURL != "pkg:generic/qt/qtbase@5.15.2" {
		t.Errorf("qt %+v", qt)
	}
	if z := component(t, s, "ui/qt/zlib"); z.CPE != "cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*" {
		t.Errorf("zlib %+v", z)
	}
}

func TestParse_CycloneDXJSON16(t *testing.T) {
	s := MustParseFile(t, "ventilator-1.6.cdx.json")
	if s.SpecVersion != "1.6" || s.Manufacturer != "Example Respiratory Inc." || s.Supplier != "Example Distribution GmbH" {
		t.Errorf("spec %q manufacturer %q supplier %q", s.SpecVersion, s.Manufacturer, s.Supplier)
	}
	k := component(t, s, "linux")
	if k.Supplier != "Example Respiratory Inc." {
		t.Errorf("supplier %q", k.Supplier)
	}
	// "cdx:device:eos" and "support level" are other spellings of the
	// FDA-style properties; a month alone means its first day.
	if !k.EndOfSupport.Equal(date(2026, 12, 1)) || k.EndOfSupportRaw != "2026-12" || k.LevelOfSupport != "LTS" {
		t.Errorf("support %v %q %q", k.EndOfSupport, k.EndOfSupportRaw, k.LevelOfSupport)
	}
	if k.Properties["note"] != "a; b" {
		t.Errorf("duplicate property %q", k.Properties["note"])
	}
}

func TestParse_CycloneDXXML(t *testing.T) {
	s := MustParseFile(t, "defibrillator-1.6.cdx.xml")
	if s.Format != sbom.FormatCycloneDX || s.SpecVersion != "1.6" || s.Version != "3" || s.Serial != "urn:uuid:9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b" {
		t.Errorf("header %+v", s)
	}
	if s.Subject.Name != "Example AED" || s.Subject.Ref != "aed" || s.Supplier != "Example Cardiac" || s.Manufacturer != "Example Cardiac Ltd" {
		t.Errorf("subject %+v supplier %q manufacturer %q", s.Subject, s.Supplier, s.Manufacturer)
	}
	if len(s.Components) != 2 {
		t.Fatalf("%d components, want 2", len(s.Components))
	}
	fw := component(t, s, "fw")
	if fw.Type != "firmware" || fw.CPE != "cpe:2.3:o:example:aed_firmware:2.0.7:*:*:*:*:*:*:*" || !fw.EndOfSupport.Equal(date(2030, 6, 30)) || fw.LevelOfSupport != "Actively maintained" {
		t.Errorf("fw %+v", fw)
	}
	if len(fw.Hashes) != 1 || fw.Hashes[0].Value != "3b5d3c7d207e37dceeedd301e35e2e58408e68a1d8cd4ddd1b39de8a5e4f4e2c" || !slices.Equal(fw.Licenses, []string{"Proprietary"}) {
		t.Errorf("fw hashes %v licenses %q", fw.Hashes, fw.Licenses)
	}
	if !slices.Equal(fw.DependsOn, []string{"fw/mbedtls"}) {
		t.Errorf("fw depends on %q", fw.DependsOn)
	}
	tls := component(t, s, "fw/mbedtls")
	if tls.Parent != "fw" || tls.PURL != "pkg:github/Mbed-TLS/mbedtls@2.16.12" || !slices.Equal(tls.Licenses, []string{"Apache-2.0 OR GPL-2.0-or-later"}) {
		t.Errorf("mbedtls %+v", tls)
	}

	s = MustParseFile(t, "scanner-1.4.cdx.xml")
	if s.SpecVersion != "1.4" || len(s.Components) != 1 || s.Components[0].CPE == "" || s.Subject.Name != "" {
		t.Errorf("1.4 XML: %+v", s)
	}
}

func TestParse_SPDX(t *testing.T) {
	s := MustParseFile(t, "glucometer-2.3.spdx.json")
	if s.Format != sbom.FormatSPDX || s.SpecVersion != "2.3" || s.Name != "Example Glucometer 1.4 SBOM" || s.Serial != "https://example.com/spdx/glucometer-1.4-6a3c" {
		t.Errorf("header %+v", s)
	}
	if !slices.Equal(s.Authors, []string{"Example Diagnostics", "Ann Author"}) || !s.Created.Equal(time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("authors %q created %v", s.Authors, s.Created)
	}
	if s.Subject.Ref != "SPDXRef-glucometer" || s.Subject.Type != "device" || s.Supplier != "Example Diagnostics" {
		t.Errorf("subject %+v supplier %q", s.Subject, s.Supplier)
	}
	if len(s.Components) != 2 {
		t.Fatalf("%d components, want 2 (the described package is the subject)", len(s.Components))
	}
	rtos := component(t, s, "SPDXRef-rtos")
	if rtos.Type != "operating-system" || rtos.Supplier != "Amazon" || rtos.CPE != "cpe:2.3:o:amazon:freertos:10.4.3:*:*:*:*:*:*:*" || rtos.PURL != "pkg:github/FreeRTOS/FreeRTOS-Kernel@V10.4.3" {
		t.Errorf("rtos %+v", rtos)
	}
	if rtos.Parent != "" || !slices.Equal(rtos.DependsOn, []string{"SPDXRef-lwip"}) || !slices.Equal(rtos.Licenses, []string{"MIT"}) || !rtos.EndOfSupport.Equal(date(2027, 1, 1)) {
		t.Errorf("rtos relations %+v", rtos)
	}
	lwip := component(t, s, "SPDXRef-lwip")
	if lwip.Parent != "SPDXRef-rtos" || lwip.Supplier != "Adam Dunkels" || lwip.CPE != "" || !slices.Equal(lwip.Licenses, []string{"BSD-3-Clause"}) {
		t.Errorf("lwip %+v", lwip)
	}
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "packages[2].externalRefs[0]") {
		t.Errorf("warnings %q", s.Warnings)
	}
}

// TestParse_Errors checks that each kind of bad input is refused with an
// EINVALID error whose message names the problem and where it is.
func TestParse_Errors(t *testing.T) {
	cdx := func(body string) string {
		return `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,` + body + `}`
	}
	tests := []struct {
		Name string
		Data string
		Want []string // substrings of the message
	}{
		{"Empty", "  \n", []string{"empty"}},
		{"NotJSONOrXML", "hello", []string{"neither JSON nor XML"}},
		{"JSONSyntax", "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": 1.4,,\n}", []string{"line 3, column", "invalid JSON"}},
		{"JSONTruncated", `{"bomFormat":"CycloneDX","components":[`, []string{"line 1", "invalid JSON"}},
		{"JSONWrongType", "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\",\n\"components\":[{\"name\":\"x\",\"version\":7}]}", []string{"line 2", "components.version", "want string"}},
		{"UnknownJSON", `{"hello":"world"}`, []string{"neither \"bomFormat\"", "nor \"spdxVersion\""}},
		{"WrongBOMFormat", `{"bomFormat":"SWID"}`, []string{`bomFormat is "SWID"`}},
		{"CycloneDXVersion", `{"bomFormat":"CycloneDX","specVersion":"2.0"}`, []string{`specVersion "2.0" is not supported`}},
		{"NoName", cdx(`"components":[{"type":"library","name":"a"},{"type":"library","components":[{"type":"library","version":"1"}],"name":"b"}]`), []string{"components[1].components[0]", "no name"}},
		{"DuplicateRef", cdx(`"components":[{"bom-ref":"x","name":"a"},{"bom-ref":"x","name":"b"}]`), []string{"components[1]", `bom-ref "x" is used twice`}},
		{"SPDXVersion", `{"spdxVersion":"SPDX-2.1"}`, []string{`spdxVersion "SPDX-2.1" is not supported`}},
		{"SPDX3", `{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[{"type":"CreationInfo","specVersion":"3.0.1"}]}`, []string{"SPDX 3.0.1 JSON-LD is not supported yet"}},
		{"SPDXTagValue", "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n", []string{"tag-value"}},
		{"SPDXNoID", `{"spdxVersion":"SPDX-2.3","packages":[{"name":"a"}]}`, []string{"packages[0]", "no SPDXID"}},
		{"SPDXNoName", `{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-a"}]}`, []string{"packages[0] (SPDXRef-a)", "no name"}},
		{"SPDXDuplicate", `{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-a","name":"a"},{"SPDXID":"SPDXRef-a","name":"b"}]}`, []string{"packages[1]", "used twice"}},
		{"XMLSyntax", "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\">\n<components>\n<component><name>a</nam></component>", []string{"line 3", "invalid XML"}},
		{"XMLTruncated", "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\">\n<components>", []string{"line 2", "invalid XML"}},
		{"XMLNotCycloneDX", `<project xmlns="http://maven.apache.org/POM/4.0.0"></project>`, []string{"<project", "want a CycloneDX <bom>"}},
		{"XMLVersion", `<bom xmlns="http://cyclonedx.org/schema/bom/1.1"></bom>`, []string{`version "1.1" is not supported`}},
		{"XMLBadVersionAttr", `<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="two"></bom>`, []string{`version attribute of <bom> is "two"`}},
		{"XMLTwoRoots", "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"></bom>\n<bom/>", []string{"line 2", "second root"}},
		{"XMLNoName", `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><version>1</version></component></components></bom>`, []string{"components[0]", "no name"}},
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			s, err := sbom.Parse("bad.json", []byte(tt.Data))
			if err == nil {
				t.Fatalf("no error; parsed %+v", s)
			}
			if s != nil {
				t.Errorf("an SBOM came back with the error")
			}
			if code := cordon.ErrorCode(err); code != cordon.EINVALID {
				t.Errorf("code %q, want %q", code, cordon.EINVALID)
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
	t.Run("Size", func(t *testing.T) {
		data := make([]byte, sbom.MaxSize+1)
		_, err := sbom.Parse("big.json", data)
		if cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(cordon.ErrorMessage(err), "limit of 64 MiB") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("Components", func(t *testing.T) {
		// Nested components count too: 50,001 parents with one child each.
		var b strings.Builder
		b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[`)
		for i := 0; i <= sbom.MaxComponents/2; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"name":"p","components":[{"name":"c"}]}`)
		}
		b.WriteString(`]}`)
		_, err := sbom.Parse("many.json", []byte(b.String()))
		if cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(cordon.ErrorMessage(err), "more than 100000 components") {
			t.Errorf("err %v", err)
		}
	})
	t.Run("Warnings", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[`)
		for i := 0; i < 1500; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"name":"p","cpe":"bad"}`)
		}
		b.WriteString(`]}`)
		s, err := sbom.Parse("warn.json", []byte(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Components) != 1500 || len(s.Warnings) != 1001 || s.Warnings[1000] != "500 more warnings not shown" {
			t.Errorf("%d components, %d warnings, last %q", len(s.Components), len(s.Warnings), s.Warnings[len(s.Warnings)-1])
		}
	})
}
