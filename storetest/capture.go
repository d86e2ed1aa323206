package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func testCaptures(t *testing.T, open func(tb testing.TB) *Store) {
	t.Run("Create", func(t *testing.T) {
		e := setup(t, open)
		tests := []struct {
			name string
			c    cordon.Capture
			code string
		}{
			{"OK", cordon.Capture{Name: "icu-monday.pcapng", SHA256: Hash("a"), Size: 123456}, ""},
			{"OKUpperCaseHash", cordon.Capture{Name: "b.pcap", SHA256: strings.ToUpper(Hash("b")), Size: 1}, ""},
			{"ErrShortHash", cordon.Capture{Name: "c.pcap", SHA256: "abc", Size: 1}, cordon.EINVALID},
			{"ErrNotHex", cordon.Capture{Name: "d.pcap", SHA256: strings.Repeat("z", 64), Size: 1}, cordon.EINVALID},
			{"ErrNoName", cordon.Capture{SHA256: Hash("e"), Size: 1}, cordon.EINVALID},
			{"ErrNegativeSize", cordon.Capture{Name: "f.pcap", SHA256: Hash("f"), Size: -1}, cordon.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := tt.c
				err := e.Captures.CreateCapture(e.ctx, &c)
				wantCode(t, err, tt.code)
				if err != nil {
					return
				}
				if c.ID == 0 || c.Status != cordon.CaptureQueued || c.CreatedBy != "alice" || !c.CreatedAt.Equal(Epoch) {
					t.Errorf("created %+v", c)
				}
				got, err := e.Captures.FindCaptureByID(e.sys, c.ID)
				must(t, err)
				if got.Name != tt.c.Name || !strings.EqualFold(got.SHA256, tt.c.SHA256) || got.Size != tt.c.Size ||
					got.Status != cordon.CaptureQueued || got.StartedAt != nil || got.FinishedAt != nil {
					t.Errorf("stored %+v", got)
				}
			})
		}
		es, _, err := e.Audit.FindAuditEntries(e.sys, cordon.AuditFilter{Actor: "alice"})
		must(t, err)
		if len(es) != 2 || es[0].Action != "capture.create" {
			t.Errorf("audit = %s", actions(es))
		}
	})

	t.Run("DuplicateHash", func(t *testing.T) {
		e := setup(t, open)
		first := &cordon.Capture{Name: "first.pcap", SHA256: Hash("same"), Size: 10}
		must(t, e.Captures.CreateCapture(e.ctx, first))
		e.clock.Add(time.Hour)
		again := &cordon.Capture{Name: "renamed.pcap", SHA256: Hash("same"), Size: 10}
		wantCode(t, e.Captures.CreateCapture(e.ctx, again), cordon.ECONFLICT)
		if again.ID != first.ID || again.Name != "first.pcap" || !again.CreatedAt.Equal(Epoch) {
			t.Errorf("conflict returned %+v, want the first capture", again)
		}
		if _, n, _ := e.Captures.FindCaptures(e.sys, cordon.CaptureFilter{}); n != 1 {
			t.Errorf("%d captures, want 1", n)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		e := setup(t, open)
		_, err := e.Captures.FindCaptureByID(e.sys, 99)
		wantCode(t, err, cordon.ENOTFOUND)
		wantCode(t, e.Captures.StartCapture(e.sys, 99), cordon.ENOTFOUND)
		wantCode(t, e.Captures.SetCaptureProgress(e.sys, 99, 0.5), cordon.ENOTFOUND)
		wantCode(t, e.Captures.FailCapture(e.sys, 99, "x"), cordon.ENOTFOUND)
	})

	t.Run("Lifecycle", func(t *testing.T) {
		e := setup(t, open)
		c := &cordon.Capture{Name: "life.pcap", SHA256: Hash("life"), Size: 10}
		must(t, e.Captures.CreateCapture(e.ctx, c))
		wantCode(t, e.Captures.SetCaptureProgress(e.sys, c.ID, 0.5), cordon.ECONFLICT) // not running yet
		e.clock.Add(time.Second)
		must(t, e.Captures.StartCapture(e.sys, c.ID))
		wantCode(t, e.Captures.StartCapture(e.sys, c.ID), cordon.ECONFLICT)
		must(t, e.Captures.SetCaptureProgress(e.sys, c.ID, 0.25))
		wantCode(t, e.Captures.SetCaptureProgress(e.sys, c.ID, 1.5), cordon.EINVALID)
		wantCode(t, e.Captures.SetCaptureProgress(e.sys, c.ID, -0.1), cordon.EINVALID)
		got, err := e.Captures.FindCaptureByID(e.sys, c.ID)
		must(t, err)
		if got.Status != cordon.CaptureRunning || got.Progress != 0.25 || got.StartedAt == nil || !got.StartedAt.Equal(Epoch.Add(time.Second)) {
			t.Errorf("running capture = %+v", got)
		}
		e.clock.Add(time.Second)
		must(t, e.Captures.FailCapture(e.sys, c.ID, "The file is not a capture."))
		got, err = e.Captures.FindCaptureByID(e.sys, c.ID)
		must(t, err)
		if got.Status != cordon.CaptureFailed || got.Error != "The file is not a capture." || got.FinishedAt == nil {
			t.Errorf("failed capture = %+v", got)
		}
		wantCode(t, e.Captures.SetCaptureProgress(e.sys, c.ID, 0.5), cordon.ECONFLICT)
		wantCode(t, e.Captures.StartCapture(e.sys, c.ID), cordon.ECONFLICT)
	})

	t.Run("FailDoneConflict", func(t *testing.T) {
		e := setup(t, open)
		c := e.ingest(t, "done.pcap", nil, nil)
		wantCode(t, e.Captures.FailCapture(e.sys, c.ID, "late"), cordon.ECONFLICT)
		got, err := e.Captures.FindCaptureByID(e.sys, c.ID)
		must(t, err)
		if got.Status != cordon.CaptureDone {
			t.Errorf("status = %s, want done", got.Status)
		}
	})

	t.Run("RequeueRunning", func(t *testing.T) {
		e := setup(t, open)
		var ids []int64
		for _, name := range []string{"a", "b", "c"} {
			c := &cordon.Capture{Name: name + ".pcap", SHA256: Hash(name), Size: 1}
			must(t, e.Captures.CreateCapture(e.ctx, c))
			ids = append(ids, c.ID)
		}
		must(t, e.Captures.StartCapture(e.sys, ids[0]))
		must(t, e.Captures.StartCapture(e.sys, ids[2]))
		must(t, e.Captures.SetCaptureProgress(e.sys, ids[2], 0.9))
		got, err := e.Captures.RequeueRunning(e.sys)
		must(t, err)
		slices.Sort(got)
		if !slices.Equal(got, []int64{ids[0], ids[2]}) {
			t.Errorf("requeued %v, want %v", got, []int64{ids[0], ids[2]})
		}
		for _, id := range ids {
			c, err := e.Captures.FindCaptureByID(e.sys, id)
			must(t, err)
			if c.Status != cordon.CaptureQueued || c.Progress != 0 {
				t.Errorf("capture %d: %s at %v, want queued at 0", id, c.Status, c.Progress)
			}
		}
		// Requeued captures can run again.
		must(t, e.Captures.StartCapture(e.sys, ids[2]))
		got, err = e.Captures.RequeueRunning(e.sys)
		must(t, err)
		if len(got) != 1 {
			t.Errorf("second requeue = %v", got)
		}
		got, err = e.Captures.RequeueRunning(e.sys)
		must(t, err)
		if len(got) != 0 {
			t.Errorf("third requeue = %v, want none", got)
		}
	})

	t.Run("FindCaptures", func(t *testing.T) {
		e := setup(t, open)
		var ids []int64
		for i, name := range []string{"a", "b", "c", "d", "e"} {
			e.clock.Add(time.Minute)
			c := &cordon.Capture{Name: name + ".pcap", SHA256: Hash(name), Size: int64(i)}
			must(t, e.Captures.CreateCapture(e.ctx, c))
			ids = append(ids, c.ID)
		}
		must(t, e.Captures.StartCapture(e.sys, ids[1]))
		must(t, e.Captures.StartCapture(e.sys, ids[3]))
		tests := []struct {
			name   string
			filter cordon.CaptureFilter
			want   []int64
			total  int
			code   string
		}{
			{name: "All", want: []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}, total: 5},
			{name: "Running", filter: cordon.CaptureFilter{Status: cordon.CaptureRunning}, want: []int64{ids[3], ids[1]}, total: 2},
			{name: "Queued", filter: cordon.CaptureFilter{Status: cordon.CaptureQueued, Limit: 2}, want: []int64{ids[4], ids[2]}, total: 3},
			{name: "Page", filter: cordon.CaptureFilter{Offset: 1, Limit: 2}, want: []int64{ids[3], ids[2]}, total: 5},
			{name: "None", filter: cordon.CaptureFilter{Status: cordon.CaptureDone}, want: []int64{}, total: 0},
			{name: "ErrNegativeLimit", filter: cordon.CaptureFilter{Limit: -1}, code: cordon.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cs, n, err := e.Captures.FindCaptures(e.sys, tt.filter)
				wantCode(t, err, tt.code)
				if err != nil {
					return
				}
				got := []int64{}
				for _, c := range cs {
					got = append(got, c.ID)
				}
				if n != tt.total || !slices.Equal(got, tt.want) {
					t.Errorf("got %v of %d, want %v of %d", got, n, tt.want, tt.total)
				}
			})
		}
	})
}
