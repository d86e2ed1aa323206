package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon/policy"
	"github.com/cordonsec/cordon/simulate"
)

// TestPolicySuggest runs `cordon policy suggest` on a simulated hospital:
// the NHS patterns become rules and the flows the guidance forbids land in
// review, never in a rule.
func TestPolicySuggest(t *testing.T) {
	path, _ := simulateCapture(t, simulate.Config{Seed: 1, Devices: 120, Duration: time.Hour})
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"policy", "suggest", "--format", "json", path}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var p policy.Policy
	if err := json.Unmarshal(stdout.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, z := range p.Zones {
		kinds[z.Name] = z.Kind
	}
	has := func(srcKind, dstKind string, port uint16, pattern string) bool {
		for _, r := range p.Rules {
			if kinds[r.SrcZone] == srcKind && kinds[r.DstZone] == dstKind && r.Port == port &&
				strings.Contains(r.Justification, pattern) && len(r.Src) > 0 && len(r.Dst) > 0 && r.State == policy.StateSuggested {
				return true
			}
		}
		return false
	}
	if !has(policy.KindModality, policy.KindPACS, 104, "modalities reach PACS on DICOM only") {
		t.Error("no modalities-to-PACS DICOM rule")
	}
	if !has(policy.KindPathology, policy.KindLIS, 2575, "pathology analysers reach the LIS only") {
		t.Error("no analysers-to-LIS rule")
	}
	if !has(policy.KindJump, policy.KindModality, 3389, "supplier access only through the jump-host zone") {
		t.Error("no jump-host RDP rule")
	}
	for _, r := range p.Rules {
		if kinds[r.DstZone] == policy.KindInternet || kinds[r.SrcZone] == policy.KindInternet {
			t.Errorf("rule %s reaches the internet: %+v", r.ID, r)
		}
		if kinds[r.SrcZone] == policy.KindModality && kinds[r.DstZone] == policy.KindPACS && r.App != "dicom" {
			t.Errorf("rule %s lets modalities reach PACS on %s/%d", r.ID, r.Proto, r.Port)
		}
	}
	review := map[string]int{}
	for _, v := range p.Review {
		review[v.Kind]++
		if v.Kind == policy.ReviewWebBrowsing && (!v.Forbidden || v.DstZone != "internet" || v.Port != 80) {
			t.Errorf("web browsing review = %+v", v)
		}
	}
	if review[policy.ReviewWebBrowsing] == 0 || review[policy.ReviewDirectInternet] == 0 {
		t.Errorf("review holds %v; want web browsing and direct internet access from device zones", review)
	}
	if !strings.Contains(stderr.String(), "flows held for review") {
		t.Errorf("stderr = %q", stderr.String())
	}

	// The firewall formats of the same suggestion: nft accepts its own.
	stdout.Reset()
	if code := run(context.Background(), []string{"policy", "suggest", "--format", "nftables", path}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("nftables: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "table inet cordon {") || !strings.Contains(stdout.String(), "tcp dport 104 counter accept") {
		t.Fatalf("nftables output:\n%s", stdout.String())
	}
	if nft, err := exec.LookPath("nft"); err == nil {
		f := filepath.Join(t.TempDir(), "policy.nft")
		if err := os.WriteFile(f, stdout.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(nft, "-c", "-f", f).CombinedOutput(); err != nil && !strings.Contains(string(out), "Operation not permitted") {
			t.Errorf("nft -c rejects the suggestion: %v\n%s", err, out)
		}
	} else {
		t.Log("nft not installed: nftables output not checked by the tool")
	}
}

func TestPolicySuggestUsage(t *testing.T) {
	zones := filepath.Join(t.TempDir(), "zones.json")
	if err := os.WriteFile(zones, []byte(`[{"name":"r","subnets":["10.1.80/24"]}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"policy"}, exitUsage, "usage: cordon policy suggest"},
		{[]string{"policy", "suggest", "--format", "pf", "x.pcap"}, exitUsage, `unknown format "pf"`},
		{[]string{"policy", "suggest"}, exitUsage, "at least one capture"},
		{[]string{"policy", "suggest", "--zones", zones, "x.pcap"}, exitError, `Zone 1 ("r"): subnet "10.1.80/24"`},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tt.args, nil, &stdout, &stderr); code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, stderr.String(), tt.code, tt.want)
		}
	}
}
