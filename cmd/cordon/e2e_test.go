package main

// The server end to end over its API: see e2e_helpers_test.go for the
// in-process server and the API client these tests share with the browser
// test.

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	cordonhttp "github.com/cordonsec/cordon/http"
	"github.com/cordonsec/cordon/simulate"
)

// TestServerAPI is the API end to end over the real server and database:
// a token made on the command line, an upload ingested in the background,
// the medical devices found, a recorded field changed and audited, and the
// same capture again recognised as a duplicate.
func TestServerAPI(t *testing.T) {
	dir := t.TempDir()
	addUsers(t, dir)
	token := strings.TrimSpace(runOK(t, "", "token", "create", "--user", "analyst1", "--name", "e2e", "--data", dir))
	pcap, truth := simulateCapture(t, simulate.Config{Seed: 1, Devices: 120})
	srv := startServer(t, dir)
	api := apiClient{t: t, base: srv.url, token: token}

	status, up := api.upload(pcap)
	if status != http.StatusAccepted || up.Duplicate || up.ID == 0 {
		t.Fatalf("upload: %d %+v", status, up)
	}
	c := api.waitCapture(up.ID, time.Minute, cordon.CaptureDone)
	if c.Stats.Devices < len(truth.Devices)*9/10 || c.Stats.NewDevices != c.Stats.Devices || c.CreatedBy != "analyst1" {
		t.Errorf("capture stats %+v by %q; the truth has %d devices", c.Stats, c.CreatedBy, len(truth.Devices))
	}

	t.Run("MedicalDevices", func(t *testing.T) {
		var all deviceList
		api.getJSON("/api/v1/devices?limit=1000", &all)
		if all.Total != c.Stats.Devices || len(all.Devices) != all.Total {
			t.Errorf("%d devices listed (total %d), capture saw %d", len(all.Devices), all.Total, c.Stats.Devices)
		}
		var med deviceList
		api.getJSON("/api/v1/devices?medical=true&limit=1000", &med)
		listed := map[string]cordonhttp.Device{}
		for _, d := range med.Devices {
			listed[d.Key] = d
			if d.Observed == nil || !d.Observed.Medical {
				t.Errorf("%s listed as medical but observed %+v", d.Key, d.Observed)
			}
		}
		want, missing := 0, []string{}
		for _, d := range truth.Devices {
			if !d.Medical || d.MAC == "" {
				continue
			}
			want++
			if _, ok := listed["mac:"+d.MAC]; !ok {
				missing = append(missing, d.CatalogID+" "+d.MAC)
			}
		}
		t.Logf("%d of %d medical devices of the truth listed as medical; %d listed in all", want-len(missing), want, med.Total)
		// The classifier may miss a device; most must be found.
		if want == 0 || len(missing) > want/10 {
			t.Errorf("%d of %d medical devices not listed as medical: %v", len(missing), want, missing)
		}
		ct := findCT(t, truth)
		d, ok := listed["mac:"+ct.MAC]
		if !ok || d.Observed.Category != "imaging_modality" || d.Observed.Modality != "CT" {
			t.Errorf("CT scanner %s: listed %v as %+v", ct.MAC, ok, d.Observed)
		}
	})

	t.Run("PatchAndAudit", func(t *testing.T) {
		ct := findCT(t, truth)
		var list deviceList
		api.getJSON("/api/v1/devices?category=imaging_modality&q="+ct.MAC, &list)
		if len(list.Devices) != 1 {
			t.Fatalf("search for %s found %d devices", ct.MAC, len(list.Devices))
		}
		id := list.Devices[0].ID
		path := fmt.Sprintf("/api/v1/devices/%d", id)
		status, body := api.do(http.MethodPatch, path, "", map[string]any{"ward": "CT suite 2", "criticality": "high"})
		if status != http.StatusOK {
			t.Fatalf("PATCH: %d %s", status, body)
		}
		var got cordonhttp.Device
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		if got.Recorded.Ward != "CT suite 2" || got.Recorded.Criticality != "high" || got.Observed == nil || got.Observed.Modality != "CT" {
			t.Errorf("after PATCH: recorded %+v, observed modality %v", got.Recorded, got.Observed)
		}
		// A second patch clears one field and leaves the other.
		if status, body := api.do(http.MethodPatch, path, "", map[string]any{"criticality": nil}); status != http.StatusOK {
			t.Fatalf("PATCH null: %d %s", status, body)
		}

		var audit auditList
		api.getJSON(fmt.Sprintf("/api/v1/audit?object=device:%d", id), &audit)
		if audit.Total != 2 || len(audit.Entries) != 2 {
			t.Fatalf("audit of device %d: %d entries, want 2: %+v", id, audit.Total, audit.Entries)
		}
		first := audit.Entries[1] // newest first
		var before, after cordon.Recorded
		if err := json.Unmarshal(first.Before, &before); err != nil {
			t.Fatalf("before %s: %v", first.Before, err)
		}
		if err := json.Unmarshal(first.After, &after); err != nil {
			t.Fatalf("after %s: %v", first.After, err)
		}
		if first.Action != "device.update" || first.Actor != "analyst1" || before.Ward != "" || after.Ward != "CT suite 2" {
			t.Errorf("audit entry %s by %s: before %+v after %+v", first.Action, first.Actor, before, after)
		}
		if err := json.Unmarshal(audit.Entries[0].After, &after); err != nil || after.Criticality != "" || after.Ward != "CT suite 2" {
			t.Errorf("second audit entry after = %s (%v)", audit.Entries[0].After, err)
		}
	})

	t.Run("Duplicate", func(t *testing.T) {
		var before deviceList
		api.getJSON("/api/v1/devices?limit=1", &before)
		status, again := api.upload(pcap)
		if status != http.StatusOK || !again.Duplicate || again.ID != up.ID || again.Status != cordon.CaptureDone {
			t.Errorf("second upload: %d %+v; want 200, duplicate of capture %d", status, again, up.ID)
		}
		var caps struct {
			Total int `json:"total"`
		}
		api.getJSON("/api/v1/captures", &caps)
		var after deviceList
		api.getJSON("/api/v1/devices?limit=1", &after)
		if caps.Total != 1 || after.Total != before.Total {
			t.Errorf("after the duplicate: %d captures, %d devices (was %d)", caps.Total, after.Total, before.Total)
		}
		var audit auditList
		api.getJSON("/api/v1/audit?object="+fmt.Sprintf("capture:%d", up.ID), &audit)
		ingests := 0
		for _, e := range audit.Entries {
			if e.Action == "capture.ingest" {
				ingests++
			}
		}
		if audit.Total != 2 || ingests != 1 {
			t.Errorf("capture %d: %d audit entries, %d of them ingests; want create and one ingest", up.ID, audit.Total, ingests)
		}
	})
}

// arpFlood returns a gzip-compressed pcap of n identical ARP requests from
// 00:1b:21:aa:bb:cc: a few megabytes to upload, but seconds to analyse, so
// that a shutdown lands while the worker is still reading it.
func arpFlood(t *testing.T, n int) string {
	t.Helper()
	frame := []byte{
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
		0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc, 10, 9, 9, 9,
		0, 0, 0, 0, 0, 0, 10, 9, 9, 1,
	}
	rec := record(frame)
	block := bytes.Repeat(rec, (1<<20)/len(rec))
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(pcapHeader(65535, 1))
	for written := 0; written < n; written += len(block) / len(rec) {
		zw.Write(block)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "arp-flood.pcap.gz", buf.Bytes())
}

// TestServerIngestInterrupted shuts the server down while a capture is
// being analysed: the database keeps what it had, the capture stays
// running, and the next start requeues and ingests it.
func TestServerIngestInterrupted(t *testing.T) {
	dir := t.TempDir()
	runOK(t, testPassword+"\n", "user", "add", "analyst1", "--role", "analyst", "--data", dir)
	token := strings.TrimSpace(runOK(t, "", "token", "create", "--user", "analyst1", "--data", dir))
	small, _ := simulateCapture(t, simulate.Config{Seed: 2, Devices: 30})
	// About a second of analysis on the reference machine; far longer
	// than the few milliseconds between polls.
	flood := arpFlood(t, 6_000_000)

	srv := startServer(t, dir)
	api := apiClient{t: t, base: srv.url, token: token}
	_, first := api.upload(small)
	api.waitCapture(first.ID, time.Minute, cordon.CaptureDone)
	var before deviceList
	api.getJSON("/api/v1/devices?limit=1000", &before)

	_, big := api.upload(flood)
	api.waitCapture(big.ID, time.Minute, cordon.CaptureRunning)
	if err := srv.stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}

	// Between runs: the capture is still running, nothing of it is in the
	// register, and the database file is sound.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "cordon.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	var integrity, status string
	var devices, fkProblems, ingests int
	for _, q := range []struct {
		sql  string
		dest any
	}{
		{"PRAGMA integrity_check", &integrity},
		{"SELECT count(*) FROM pragma_foreign_key_check", &fkProblems},
		{"SELECT status FROM captures WHERE id = " + fmt.Sprint(big.ID), &status},
		{"SELECT count(*) FROM devices", &devices},
		{"SELECT count(*) FROM audit WHERE action = 'capture.ingest'", &ingests},
	} {
		if err := db.QueryRow(q.sql).Scan(q.dest); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	db.Close()
	if integrity != "ok" || fkProblems != 0 {
		t.Errorf("integrity_check %q, %d foreign key problems", integrity, fkProblems)
	}
	if status != cordon.CaptureRunning || devices != before.Total || ingests != 1 {
		t.Fatalf("after the interrupted ingest: capture %s, %d devices (was %d), %d ingests committed; want running, unchanged, 1",
			status, devices, before.Total, ingests)
	}

	// The next start requeues the capture and ingests it whole.
	srv = startServer(t, dir)
	api.base = srv.url
	c := api.waitCapture(big.ID, time.Minute, cordon.CaptureDone)
	if c.Stats.Packets < 6_000_000 || c.Stats.Devices != 1 || c.Stats.NewDevices != 1 {
		t.Errorf("re-ingested capture: %+v", c.Stats)
	}
	var after deviceList
	api.getJSON("/api/v1/devices?q=00:1b:21:aa:bb:cc", &after)
	if after.Total != 1 {
		t.Errorf("the flood's device is listed %d times", after.Total)
	}
	api.getJSON("/api/v1/devices?limit=1", &after)
	if after.Total != before.Total+1 {
		t.Errorf("%d devices after the re-ingest, want %d", after.Total, before.Total+1)
	}
}
