package policy

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenPolicy is the fixture's suggestion with one temporary approved
// rule and one rule that has already expired, so every format shows
// state and expiry handling.
func goldenPolicy(t testing.TB) *Policy {
	devs, convs := fixture()
	p, err := Suggest(devs, convs, Options{Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	exp, past := t0.AddDate(0, 1, 0), t0.Add(-time.Hour)
	for i := range p.Rules {
		r := &p.Rules[i]
		switch r.Port {
		case 3389:
			r.Expires = &exp
			r.State, r.ApprovedBy, r.ApprovedAt = StateApproved, "analyst1", &t0
		case 3128:
			r.Expires = &past
		}
	}
	return p
}

func export(t testing.TB, p *Policy, format string) []byte {
	var buf bytes.Buffer
	if err := Export(&buf, p, format, ExportOptions{Now: t0}); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

func TestExportGolden(t *testing.T) {
	p := goldenPolicy(t)
	ext := map[string]string{"json": "json", "csv": "csv", "nftables": "nft", "iptables": "rules", "cisco": "ios", "panos": "panos", "fortigate": "fortios"}
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			got := export(t, p, format)
			path := filepath.Join("testdata", "golden."+ext[format])
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./policy -run TestExportGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s output differs from %s; run with -update and review the diff", format, path)
			}
			// The expired proxy rule is gone; the temporary jump rule stays.
			if format != "json" && strings.Contains(string(got), "3128") {
				t.Errorf("%s output still carries the expired rule", format)
			}
			if format != "csv" && format != "json" && !strings.Contains(string(got), "3389") {
				t.Errorf("%s output lost the temporary rule", format)
			}
		})
	}
	var buf bytes.Buffer
	if err := Export(&buf, p, "pf", ExportOptions{}); err == nil || !strings.Contains(err.Error(), `Unknown policy format "pf"`) {
		t.Errorf("unknown format: %v", err)
	}
	if err := Export(&buf, p, "nftables", ExportOptions{Now: t0, ApprovedOnly: true}); err != nil || strings.Contains(buf.String(), "dport 104") {
		t.Errorf("approved-only export carries suggested rules (%v)", err)
	}
}

// checkTools runs nft -c and iptables-restore --test over exports when the
// tools are installed (CI installs them and runs as root).
func checkTools(t *testing.T, p *Policy) {
	t.Helper()
	for _, tool := range []struct {
		format string
		args   []string
	}{
		{"nftables", []string{"nft", "-c", "-f"}},
		{"iptables", []string{"iptables-restore", "--test"}},
	} {
		bin, err := exec.LookPath(tool.args[0])
		if err != nil {
			t.Logf("%s not installed: %s output not checked by the tool", tool.args[0], tool.format)
			continue
		}
		path := filepath.Join(t.TempDir(), tool.format)
		if err := os.WriteFile(path, export(t, p, tool.format), 0o600); err != nil {
			t.Fatal(err)
		}
		args := append(tool.args[1:], path)
		if tool.format == "iptables" {
			args = tool.args[1:]
		}
		cmd := exec.Command(bin, args...)
		if tool.format == "iptables" {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cmd.Stdin = f
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			msg := string(out)
			if strings.Contains(msg, "Operation not permitted") || strings.Contains(msg, "Permission denied") || strings.Contains(msg, "must be root") {
				t.Logf("%s needs privileges here: %s", tool.args[0], strings.TrimSpace(msg))
				continue
			}
			body, _ := os.ReadFile(path)
			t.Errorf("%s rejects the %s output: %v\n%s\n--- output ---\n%s", tool.args[0], tool.format, err, msg, body)
		}
	}
}

func TestExportToolsAccept(t *testing.T) {
	checkTools(t, goldenPolicy(t))
}

// hostile are names a network or a person could hand Cordon.
var hostile = []string{
	"ward\"; drop table cordon; #",
	"ct\nCOMMIT\n*nat\n-A PREROUTING -j DNAT",
	"} chain evil { type filter hook input priority 0; policy drop; }",
	"a\\\"b`$(reboot)`'c",
	"\x00\x1b[31mred\x7f\u202e",
	strings.Repeat("long-name-", 40),
	"-j ACCEPT",
	"=HYPERLINK(\"http://evil/\")",
	"",
}

// hostilePolicy puts name everywhere text from outside reaches an export.
func hostilePolicy(t testing.TB, name string) *Policy {
	devs, convs := fixture()
	specs := []ZoneSpec{{Name: "Radiology", Subnets: []string{"10.1.80.0/24"}}}
	p, err := Suggest(devs, convs, Options{Now: t0, Zones: specs})
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Rules {
		p.Rules[i].Justification += " " + name
		p.Rules[i].SrcZone += name
	}
	for i := range p.Zones {
		p.Zones[i].Name += name
	}
	return p
}

func TestExportHostileNames(t *testing.T) {
	for _, name := range hostile {
		p := hostilePolicy(t, name)
		checkTools(t, p)
		checkSanitised(t, p, name)
	}
}

// checkSanitised checks that name changed no line structure: every format
// yields as many lines as for a plain name, with no control characters.
func checkSanitised(t *testing.T, p *Policy, name string) {
	t.Helper()
	plain := hostilePolicy(t, "x")
	for _, format := range Formats {
		if format == "json" || format == "csv" {
			continue // encoding/json and encoding/csv quote everything
		}
		got := export(t, p, format)
		for _, c := range string(got) {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				t.Errorf("%s output for %q carries control character %U", format, name, c)
			}
		}
		if n, want := bytes.Count(got, []byte("\n")), bytes.Count(export(t, plain, format), []byte("\n")); n != want {
			t.Errorf("%s output for %q has %d lines, %d for a plain name", format, name, n, want)
		}
	}
}

func FuzzExportNames(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, name string) {
		checkSanitised(t, hostilePolicy(t, name), name)
	})
}

func TestExportJSONDropsExpired(t *testing.T) {
	p := goldenPolicy(t)
	var got Policy
	if err := json.Unmarshal(export(t, p, "json"), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Rules) != len(p.Rules)-1 {
		t.Errorf("json export has %d rules, want %d without the expired one", len(got.Rules), len(p.Rules)-1)
	}
	for _, r := range got.Rules {
		if r.Port == 3128 {
			t.Errorf("expired rule exported: %+v", r)
		}
	}
}
