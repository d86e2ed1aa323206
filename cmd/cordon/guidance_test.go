package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/guidance"
	"github.com/cordonsec/cordon/storetest"
)

// seedGuidance ingests a CT that browses the web and a pump that talks
// only to its gateway, an hour ago, through the store's ingest path.
func seedGuidance(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(dir, slog.New(slog.DiscardHandler), "")
	must(t, err)
	defer st.Close()
	ct := storetest.NewDevice("00:09:02:aa:00:01", "10.1.0.5", cordon.CategoryImagingModality, storetest.WithHost("ct-1"))
	pump := storetest.NewDevice("00:40:9d:aa:00:02", "10.1.1.6", cordon.CategoryInfusionPump, storetest.WithHost("pump-2"))
	pc := storetest.NewDevice("3c:52:82:aa:00:03", "10.1.0.7", cordon.CategoryWorkstation, storetest.WithHost("pc-3"))
	hour := time.Now().Add(-time.Hour).Truncate(time.Hour)
	c := &cordon.Capture{Name: "seed.pcap", SHA256: storetest.Hash("guidance-seed"), Size: 1}
	must(t, st.captures.CreateCapture(ctx, c))
	must(t, st.captures.StartCapture(ctx, c.ID))
	must(t, st.ingests.CommitIngest(ctx, c.ID, storetest.Devices(ct, pump, pc), []cordon.Conversation{
		{Client: storetest.Key(ct), Server: "ip:203.0.113.80", Proto: "tcp", Port: 443, App: "tls", Hour: hour, Flows: 4, Packets: 40, Bytes: 4000},
		{Client: storetest.Key(pump), Server: "ip:10.9.0.7", Proto: "tcp", Port: 2575, App: "hl7", Hour: hour, Flows: 9, Packets: 90, Bytes: 900},
	}, cordon.IngestStats{Devices: 3, Conversations: 2}))
}

func TestGuidanceCommand(t *testing.T) {
	dir := t.TempDir()
	seedGuidance(t, dir)
	t.Run("Table", func(t *testing.T) {
		code, out, errOut := runCLI(t, "guidance", "--data", dir)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 4 || !strings.HasPrefix(lines[0], "DEVICE") || !strings.Contains(lines[0], "SEGMENTED") {
			t.Fatalf("table:\n%s", out)
		}
		if !strings.HasPrefix(lines[1], "pump-2") || !strings.HasPrefix(lines[2], "ct-1") || !strings.HasPrefix(lines[3], "pc-3") {
			t.Errorf("medical devices first:\n%s", out)
		}
		if f := strings.Fields(lines[2]); f[3] != "(subnet)" || f[4] != "pass" || f[5] != "fail" {
			t.Errorf("ct: email pass, web fail: %q", f)
		}
	})
	t.Run("JSONFailingWeb", func(t *testing.T) {
		code, out, errOut := runCLI(t, "guidance", "--data", dir, "--format", "json", "--state", "fail", "--check", "web")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var reps []guidance.DeviceReport
		if err := json.Unmarshal([]byte(out), &reps); err != nil {
			t.Fatal(err)
		}
		if len(reps) != 1 || reps[0].Name != "ct-1" {
			t.Fatalf("reports = %+v", reps)
		}
		web := reps[0].Result(guidance.CheckWeb)
		if len(web.Evidence) != 1 || web.Evidence[0].Peer != "ip:203.0.113.80" || web.Evidence[0].Flows != 4 {
			t.Errorf("web evidence = %+v", web.Evidence)
		}
	})
	t.Run("AllowWeb", func(t *testing.T) {
		code, out, errOut := runCLI(t, "guidance", "--data", dir, "--format", "csv", "--category", "imaging_modality", "--allow-web", "203.0.113.0/24")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		must(t, err)
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		if len(rows) != 2 || rows[1][col["web"]] != "pass" || rows[1][col["internet"]] != "pass" {
			t.Errorf("rows = %q", rows)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrState", []string{"--state", "green"}, "state must be pass, fail or unknown"},
		{"ErrCheckAlone", []string{"--check", "web"}, "give a state with it"},
		{"ErrFormat", []string{"--format", "xml"}, "unknown format"},
		{"ErrAllowWeb", []string{"--allow-web", "10.0.0.0/8,updates.example.com"}, `entry 2, "updates.example.com"`},
		{"ErrDays", []string{"--days", "0"}, "--days must be from 1 to 366"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, append([]string{"guidance", "--data", dir}, tc.args...)...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exitUsage, tc.want)
			}
		})
	}
}
