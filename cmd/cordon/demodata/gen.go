//go:build ignore

// Gen writes the demo's intelligence: real public records, a small excerpt
// chosen to touch the simulated hospital (Windows 7 and XP workstations,
// infusion pumps and monitors of the manufacturers it simulates). Run from
// this directory with the shared data beside the repository:
//
//	go run gen.go ../../../../shared/data
//
// Sources (see PROVENANCE.md of the shared data): NVD CVE API 2.0 records,
// CISA's KEV catalogue (entries for the CVEs here and in the advisories),
// CISA's ICS medical advisories (CSAF 2.0) and endoflife.date product pages.
package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// advisories are ICSMA advisories about products the simulated hospital has.
var advisories = []string{
	"icsma-20-170-04", // Baxter Sigma Spectrum
	"icsma-23-194-01", // BD Alaris System
	"icsma-21-294-01", // B. Braun Infusomat Space
	"icsma-21-355-01", // Fresenius Kabi Agilia
	"icsma-20-254-01", // Philips patient monitoring
	"icsma-20-023-01", // GE CARESCAPE
	"icsma-19-022-01", // Dräger Infinity Delta
	"icsma-19-113-01", // Fujifilm FCR
	"icsma-22-062-01", // BD Pyxis
	"icsma-18-228-01", // Philips PageWriter
}

// endoflife are the endoflife.date products the hospital's systems run.
var endoflife = []string{
	"windows", "windows-server", "windows-embedded", "ubuntu", "debian", "rhel",
	"android", "ios", "macos", "cisco-ios-xe",
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run gen.go SHARED_DATA_DIR")
		os.Exit(2)
	}
	if err := gen(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func gen(src string) error {
	cves := map[string]bool{}
	// NVD: every record of the shared set, as one API 2.0 response page.
	files, err := filepath.Glob(filepath.Join(src, "nvd/cve/CVE-*.json"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	var vulns []map[string]json.RawMessage
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var rec struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(b, &rec); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		cves[rec.ID] = true
		vulns = append(vulns, map[string]json.RawMessage{"cve": b})
	}
	page := map[string]any{
		"resultsPerPage": len(vulns), "startIndex": 0, "totalResults": len(vulns),
		"format": "NVD_CVE", "version": "2.0", "timestamp": "2025-10-22T00:00:00.000",
		"vulnerabilities": vulns,
	}
	if err := writeGzipJSON("nvd-demo.json.gz", page); err != nil {
		return err
	}
	// CSAF advisories, and their CVEs for the KEV excerpt.
	for _, a := range advisories {
		b, err := os.ReadFile(filepath.Join(src, "csaf/icsma", a+".json"))
		if err != nil {
			return err
		}
		var doc struct {
			Vulnerabilities []struct {
				CVE string `json:"cve"`
			} `json:"vulnerabilities"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return fmt.Errorf("%s: %w", a, err)
		}
		for _, v := range doc.Vulnerabilities {
			cves[v.CVE] = true
		}
		if err := writeGzip(a+".json.gz", b); err != nil {
			return err
		}
	}
	// KEV: the catalogue's header with the entries for these CVEs.
	b, err := os.ReadFile(filepath.Join(src, "kev/known_exploited_vulnerabilities.json"))
	if err != nil {
		return err
	}
	var kev map[string]json.RawMessage
	if err := json.Unmarshal(b, &kev); err != nil {
		return err
	}
	var entries []map[string]any
	if err := json.Unmarshal(kev["vulnerabilities"], &entries); err != nil {
		return err
	}
	var kept []map[string]any
	for _, e := range entries {
		if id, _ := e["cveID"].(string); cves[id] {
			kept = append(kept, e)
		}
	}
	out := map[string]any{}
	for k, v := range kev {
		out[k] = v
	}
	out["vulnerabilities"] = kept
	out["count"] = len(kept)
	if err := writeGzipJSON("kev-demo.json.gz", out); err != nil {
		return err
	}
	for _, p := range endoflife {
		b, err := os.ReadFile(filepath.Join(src, "endoflife/products", p+".md"))
		if err != nil {
			return err
		}
		if err := os.WriteFile(p+".md", b, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("%d NVD records, %d KEV entries, %d advisories, %d lifecycle pages\n",
		len(vulns), len(kept), len(advisories), len(endoflife))
	return nil
}

func writeGzipJSON(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeGzip(name, b)
}

func writeGzip(name string, b []byte) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	zw.Name = strings.TrimSuffix(name, ".gz")
	if _, err := zw.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
