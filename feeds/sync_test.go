package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// nvdServer answers like the NVD CVE API 2.0 over a fixed set of records,
// checking what NVD checks.
type nvdServer struct {
	t        *testing.T
	mu       sync.Mutex
	records  []map[string]any // "cve" objects
	key      string
	fail429  int // answer 429 to this many requests first
	badStart int // answer a broken page at this startIndex (-1: never)
	windows  []string
	requests int
}

func (s *nvdServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if r.Header.Get("apiKey") != s.key {
		http.Error(w, "bad key", http.StatusNotFound)
		return
	}
	if s.fail429 > 0 {
		s.fail429--
		w.Header().Set("Retry-After", "1")
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return
	}
	q := r.URL.Query()
	from, err1 := time.Parse(nvdTime, q.Get("lastModStartDate"))
	to, err2 := time.Parse(nvdTime, q.Get("lastModEndDate"))
	start, _ := strconv.Atoi(q.Get("startIndex"))
	per, _ := strconv.Atoi(q.Get("resultsPerPage"))
	if err1 != nil || err2 != nil || to.Sub(from) > nvdMaxWindow || per < 1 || per > 2000 {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if start == 0 {
		s.windows = append(s.windows, q.Get("lastModStartDate")+"/"+q.Get("lastModEndDate"))
	}
	var in []map[string]any
	for _, c := range s.records {
		m, _ := time.Parse("2006-01-02T15:04:05.000", c["lastModified"].(string))
		if !m.Before(from) && !m.After(to) {
			in = append(in, c)
		}
	}
	page := []map[string]any{}
	for i := start; i < len(in) && i < start+per; i++ {
		page = append(page, map[string]any{"cve": in[i]})
	}
	if start == s.badStart {
		page = append(page, map[string]any{"cve": map[string]any{"id": "CVE-2025-BAD"}})
	}
	json.NewEncoder(w).Encode(map[string]any{
		"resultsPerPage": len(page), "startIndex": start, "totalResults": len(in),
		"format": "NVD_CVE", "version": "2.0", "timestamp": "2025-10-25T00:00:00.000", "vulnerabilities": page,
	})
}

// testRecords makes n NVD records from the fixture, modified at the given
// times.
func testRecords(t *testing.T, times ...string) []map[string]any {
	var page struct {
		Vulnerabilities []struct {
			CVE map[string]any `json:"cve"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(mustRead(t, "testdata/nvd-ms17-010.json"), &page); err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for i, m := range times {
		raw, _ := json.Marshal(page.Vulnerabilities[0].CVE)
		var c map[string]any
		json.Unmarshal(raw, &c)
		c["id"] = fmt.Sprintf("CVE-2025-%04d", 1000+i)
		c["lastModified"] = m
		out = append(out, c)
	}
	return out
}

func testSyncer(svc cordon.IntelService, nvdURL string) (*Syncer, *[]time.Duration) {
	cfg := DefaultConfig()
	cfg.NVD.URL = nvdURL
	cfg.NVD.ResultsPerPage = 2
	cfg.NVD.Requests = 1000
	cfg.NVD.Window = Duration(time.Millisecond)
	cfg.NVD.Start = "2025-01-01"
	cfg.KEV.URL, cfg.EPSS.URL, cfg.EndOfLife.BaseURL = "", "", ""
	var slept []time.Duration
	var mu sync.Mutex
	return &Syncer{
		Intel: svc, Config: cfg, NVDAPIKey: "secret-key", By: "cli",
		Now: func() time.Time { return time.Date(2025, 10, 25, 0, 0, 0, 0, time.UTC) },
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			return ctx.Err()
		},
	}, &slept
}

func TestSyncNVD(t *testing.T) {
	srv := &nvdServer{t: t, key: "secret-key", fail429: 1, badStart: -1,
		records: testRecords(t, "2025-02-01T10:00:00.000", "2025-02-02T10:00:00.000",
			"2025-10-20T10:00:00.000", "2025-10-21T10:00:00.000", "2025-10-21T20:16:42.430")}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	svc := newFakeIntel()
	s, slept := testSyncer(svc, ts.URL)
	var results []Result
	if err := s.Sync(context.Background(), func(r Result) { results = append(results, r) }); err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Name, r.Err)
		}
		if strings.Contains(r.Name, "secret-key") {
			t.Errorf("the API key shows in %s", r.Name)
		}
	}
	wantWindows := []string{
		"2025-01-01T00:00:00.000+00:00/2025-05-01T00:00:00.000+00:00",
		"2025-05-01T00:00:00.000+00:00/2025-08-29T00:00:00.000+00:00",
		"2025-08-29T00:00:00.000+00:00/2025-10-25T00:00:00.000+00:00",
	}
	if strings.Join(srv.windows, " ") != strings.Join(wantWindows, " ") {
		t.Errorf("windows %v, want %v", srv.windows, wantWindows)
	}
	if len(results) != 3 || results[0].Import.Records != 2 || results[2].Import.Records != 3 {
		t.Errorf("results %+v", results)
	}
	if len(svc.vulns) != 5 {
		t.Errorf("%d vulnerabilities held, want 5", len(svc.vulns))
	}
	// One 429, retried after its Retry-After.
	if len(*slept) == 0 || (*slept)[0] != time.Second {
		t.Errorf("slept %v, want a 1 s wait for the 429", *slept)
	}

	// The next sync starts at the newest record held.
	srv.windows = nil
	if err := s.Sync(context.Background(), func(r Result) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Name, r.Err)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if len(srv.windows) != 1 || !strings.HasPrefix(srv.windows[0], "2025-10-21T20:16:42.430+00:00/") {
		t.Errorf("incremental windows %v", srv.windows)
	}
}

func TestSyncNVDMalformedPage(t *testing.T) {
	srv := &nvdServer{t: t, key: "secret-key", badStart: 2,
		records: testRecords(t, "2025-10-20T10:00:00.000", "2025-10-21T10:00:00.000", "2025-10-21T20:16:42.430")}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	svc := newFakeIntel()
	s, _ := testSyncer(svc, ts.URL)
	var results []Result
	s.Sync(context.Background(), func(r Result) { results = append(results, r) })
	last := results[len(results)-1]
	if last.Err == nil || cordon.ErrorCode(last.Err) != cordon.EINVALID || !strings.Contains(cordon.ErrorMessage(last.Err), "startIndex 2") {
		t.Fatalf("last result %+v: want EINVALID naming the page", last)
	}
	// The window's first page was good, but nothing of the window is kept.
	if len(svc.vulns) != 0 {
		t.Errorf("%d vulnerabilities kept", len(svc.vulns))
	}
}

func TestSyncNVDWithoutKeyGivesUp(t *testing.T) {
	srv := &nvdServer{t: t, key: "", fail429: 100, badStart: -1}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	s, _ := testSyncer(newFakeIntel(), ts.URL)
	s.NVDAPIKey = ""
	s.Config.NVD.Retries = 2
	var results []Result
	s.Sync(context.Background(), func(r Result) { results = append(results, r) })
	if len(results) != 1 || results[0].Err == nil || !strings.Contains(results[0].Err.Error(), "429") {
		t.Fatalf("results %+v: want one 429 failure", results)
	}
	if srv.requests != 3 {
		t.Errorf("%d requests, want 3 (one and two retries)", srv.requests)
	}
}

func TestSyncFiles(t *testing.T) {
	mux := http.NewServeMux()
	serve := func(path, file string) {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) { w.Write(mustRead(t, "testdata/"+file)) })
	}
	serve("/kev.json", "kev.json")
	serve("/epss.csv.gz", "epss.csv")
	serve("/eol/windows.md", "windows.md")
	serve("/csaf/2025/em-2025-001.json", "csaf-example.json")
	mux.HandleFunc("GET /csaf/index.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "2025/em-2025-001.json\n2025/other-2025-002.json\n")
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	svc := newFakeIntel()
	s, _ := testSyncer(svc, "")
	s.Config.KEV.URL = ts.URL + "/kev.json"
	s.Config.EPSS.URL = ts.URL + "/epss.csv.gz"
	s.Config.EndOfLife = EndOfLifeConfig{BaseURL: ts.URL + "/eol", Products: []string{"windows", "missing"}}
	s.Config.CSAF = CSAFConfig{Index: ts.URL + "/csaf/index.txt", Match: "em-"}
	var ok, failed []string
	s.Sync(context.Background(), func(r Result) {
		if r.Err != nil {
			failed = append(failed, r.Name)
		} else {
			ok = append(ok, r.Import.Source)
		}
	})
	if strings.Join(ok, " ") != "kev epss csaf lifecycle" {
		t.Errorf("imported %v", ok)
	}
	if len(failed) != 1 || !strings.HasSuffix(failed[0], "/eol/missing.md") {
		t.Errorf("failed %v, want the missing product only", failed)
	}
	if len(svc.kev) != 2 || len(svc.advs) != 1 || len(svc.lcs) != 2 {
		t.Errorf("held %d KEV, %d advisories, %d lifecycles", len(svc.kev), len(svc.advs), len(svc.lcs))
	}
}

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig("feeds.json", []byte(`{"nvd":{"api_key_env":"MY_KEY","window":"1m"},"epss":{"url":""}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.NVD.APIKeyEnv != "MY_KEY" || time.Duration(c.NVD.Window) != time.Minute || c.EPSS.URL != "" || c.KEV.URL == "" {
		t.Errorf("config %+v", c)
	}
	for name, in := range map[string]string{
		"Unknown":  `{"nvd":{"apikey":"x"}}`,
		"BadURL":   `{"kev":{"url":"ftp://x"}}`,
		"BadPage":  `{"nvd":{"results_per_page":5000}}`,
		"BadStart": `{"nvd":{"start":"yesterday"}}`,
		"Product":  `{"endoflife":{"products":["../etc"]}}`,
		"NotJSON":  `nvd: {}`,
	} {
		if _, err := ParseConfig("feeds.json", []byte(in)); err == nil || !strings.Contains(cordon.ErrorMessage(err), "feeds.json") {
			t.Errorf("%s: err = %v, want one naming the file", name, err)
		}
	}
}
