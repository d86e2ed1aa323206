package spool

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func TestShipper_ShipsInOrder(t *testing.T) {
	path := t.TempDir()
	d := MustOpen(t, path, Options{})
	var batches [][]byte
	for range 3 {
		id := NewID(t)
		b := BatchJSON(t, id, 300)
		MustPut(t, d, id, b)
		batches = append(batches, b)
	}
	// Served under a path, as behind a reverse proxy.
	srv := NewServer(t, "/cordon", Created)
	s := MustShipper(t, d, srv, "/cordon/", Config{})
	Start(t, s)
	WaitFor(t, "three batches shipped", func() bool { return s.Stats().Shipped == 3 })

	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if r.Path != "/cordon/api/v1/sensor/batches" {
			t.Errorf("request %d: path %q", i, r.Path)
		}
		if r.Authorization != "Bearer "+testToken {
			t.Errorf("request %d: Authorization %q", i, r.Authorization)
		}
		if r.ContentType != "application/json" || r.ContentEncoding != "gzip" {
			t.Errorf("request %d: Content-Type %q, Content-Encoding %q", i, r.ContentType, r.ContentEncoding)
		}
		// The body decompresses to exactly the bytes Put, in Put's order.
		if !bytes.Equal(r.Body, batches[i]) {
			t.Errorf("request %d: body is not batch %d as Put (%.60q…)", i, i, r.Body)
		}
	}
	if got := Pending(t, path); len(got) != 0 {
		t.Errorf("files left after shipping: %v", got)
	}
	st := s.Stats()
	if st.Pending != 0 || st.PendingBytes != 0 || st.LastSuccess.IsZero() || st.LastError != "" {
		t.Errorf("stats %+v", st)
	}
}

func TestShipper_WaitsForPut(t *testing.T) {
	d := MustOpen(t, t.TempDir(), Options{})
	srv := NewServer(t, "", Created)
	s := MustShipper(t, d, srv, "", Config{})
	Start(t, s)
	for i := range 3 {
		id := NewID(t)
		MustPut(t, d, id, BatchJSON(t, id, 10))
		WaitFor(t, "the batch put while idle shipped", func() bool { return s.Stats().Shipped == int64(i+1) })
	}
}

func TestShipper_Reopen(t *testing.T) {
	path := t.TempDir()
	d1 := MustOpen(t, path, Options{})
	var ids []string
	for range 2 {
		id := NewID(t)
		MustPut(t, d1, id, BatchJSON(t, id, 50))
		ids = append(ids, id)
	}
	// A new Dir on the same directory, as after a restart, with a clock
	// set back a year: what it puts still goes after what is there.
	yearAgo := time.Now().AddDate(-1, 0, 0)
	d2 := MustOpen(t, path, Options{Now: func() time.Time { return yearAgo }})
	if st := d2.Stats(); st.Pending != 2 || st.PendingBytes == 0 {
		t.Fatalf("reopened stats %+v, want 2 pending", st)
	}
	id := NewID(t)
	MustPut(t, d2, id, BatchJSON(t, id, 50))
	ids = append(ids, id)

	srv := NewServer(t, "", Created)
	s := MustShipper(t, d2, srv, "", Config{})
	Start(t, s)
	WaitFor(t, "all shipped", func() bool { return s.Stats().Shipped == 3 })
	var got []string
	for _, r := range srv.Requests() {
		got = append(got, r.ID)
	}
	if !slices.Equal(got, ids) {
		t.Errorf("shipped %v, want %v", got, ids)
	}
}

func TestShipper_Rejects(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			path := t.TempDir()
			d := MustOpen(t, path, Options{})
			bad, good := NewID(t), NewID(t)
			MustPut(t, d, bad, BatchJSON(t, bad, 10))
			MustPut(t, d, good, BatchJSON(t, good, 10))
			srv := NewServer(t, "", func(n int, id string) Answer {
				if id == bad {
					return ErrorAnswer(status, "invalid", "Conversation 3's hour is not the start of an hour.", "conversations[3].hour")
				}
				return Created(n, id)
			})
			var logs LogBuffer
			s := MustShipper(t, d, srv, "", Config{Logger: logs.Logger()})
			Start(t, s)
			WaitFor(t, "the good batch shipped", func() bool { return s.Stats().Shipped == 1 })

			if got := IDs(Rejected(t, path)); !slices.Equal(got, []string{bad}) {
				t.Errorf("rejected/ holds %v, want [%s]", got, bad)
			}
			if got := Pending(t, path); len(got) != 0 {
				t.Errorf("pending %v", got)
			}
			st := s.Stats()
			if st.Rejected != 1 || st.Pending != 0 || !strings.Contains(st.LastError, "not the start of an hour") {
				t.Errorf("stats %+v", st)
			}
			for _, want := range []string{"Conversation 3's hour is not the start of an hour.", "conversations[3].hour", bad} {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("log lacks %q:\n%s", want, logs.String())
				}
			}
			if n := len(srv.Requests()); n != 2 {
				t.Errorf("%d requests, want 2: a refused batch is not sent again", n)
			}
		})
	}
}

func TestShipper_CorruptFile(t *testing.T) {
	for _, tt := range []struct {
		Name    string
		Corrupt func(gz []byte) []byte
	}{
		{"NotGzip", func([]byte) []byte { return []byte(`{"id":"not compressed"}`) }},
		{"Empty", func([]byte) []byte { return nil }},
		{"Truncated", func(gz []byte) []byte { return gz[:len(gz)-6] }},
		{"BadCRC", func(gz []byte) []byte {
			gz = bytes.Clone(gz)
			gz[len(gz)-6] ^= 0xff
			return gz
		}},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			path := t.TempDir()
			d := MustOpen(t, path, Options{})
			bad, good := NewID(t), NewID(t)
			MustPut(t, d, bad, BatchJSON(t, bad, 10))
			MustPut(t, d, good, BatchJSON(t, good, 10))
			name := Pending(t, path)[0]
			gz, err := os.ReadFile(filepath.Join(path, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(path, name), tt.Corrupt(gz), 0o600); err != nil {
				t.Fatal(err)
			}
			srv := NewServer(t, "", Created)
			var logs LogBuffer
			s := MustShipper(t, d, srv, "", Config{Logger: logs.Logger()})
			Start(t, s)
			WaitFor(t, "the good batch shipped", func() bool { return s.Stats().Shipped == 1 })
			if got := Rejected(t, path); !slices.Equal(got, []string{name}) {
				t.Errorf("rejected/ holds %v, want [%s]", got, name)
			}
			if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].ID != good {
				t.Errorf("requests %+v, want only the good batch", reqs)
			}
			if s.Stats().Rejected != 1 || !strings.Contains(logs.String(), "cannot be read back") {
				t.Errorf("stats %+v, log:\n%s", s.Stats(), logs.String())
			}
		})
	}
}

func TestShipper_VanishedFile(t *testing.T) {
	path := t.TempDir()
	d := MustOpen(t, path, Options{})
	gone, kept := NewID(t), NewID(t)
	MustPut(t, d, gone, BatchJSON(t, gone, 10))
	MustPut(t, d, kept, BatchJSON(t, kept, 10))
	if err := os.Remove(filepath.Join(path, Pending(t, path)[0])); err != nil {
		t.Fatal(err)
	}
	srv := NewServer(t, "", Created)
	s := MustShipper(t, d, srv, "", Config{})
	Start(t, s)
	WaitFor(t, "the other batch shipped", func() bool { return s.Stats().Shipped == 1 })
	if st := s.Stats(); st.Pending != 0 || st.PendingBytes != 0 {
		t.Errorf("stats %+v", st)
	}
}

// The token travels in the Authorization header and nowhere else: not in
// a log line at any level, nor in Stats, whatever the server answers.
func TestShipper_TokenNeverLogged(t *testing.T) {
	path := t.TempDir()
	d := MustOpen(t, path, Options{})
	for range 3 {
		id := NewID(t)
		MustPut(t, d, id, BatchJSON(t, id, 10))
	}
	answers := []Answer{
		ErrorAnswer(http.StatusUnauthorized, "unauthorized", "Bad token.", ""),
		ErrorAnswer(http.StatusServiceUnavailable, "internal", "Internal error.", ""),
		{Status: http.StatusTooManyRequests, Header: map[string]string{"Retry-After": "0"}},
		ErrorAnswer(http.StatusBadRequest, "invalid", "Nope.", "id"),
		{Status: http.StatusNotFound, Body: "<html>not here</html>"},
		{Status: http.StatusOK, Body: `{"duplicate":true}`},
	}
	srv := NewServer(t, "", func(n int, _ string) Answer {
		if n < len(answers) {
			return answers[n]
		}
		return Created(n, "")
	})
	var logs LogBuffer
	s := MustShipper(t, d, srv, "", Config{Logger: logs.Logger()})
	Start(t, s)
	WaitFor(t, "all handled", func() bool { st := s.Stats(); return st.Shipped+st.Rejected == 3 })

	for _, r := range srv.Requests() {
		if r.Authorization != "Bearer "+testToken {
			t.Fatalf("Authorization %q", r.Authorization)
		}
	}
	out := logs.String()
	if out == "" {
		t.Fatal("nothing logged; the test proves nothing")
	}
	for _, secret := range []string{testToken, testToken[:12], "Bearer", "Authorization"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
		if strings.Contains(s.Stats().LastError, secret) {
			t.Errorf("stats hold %q", secret)
		}
	}
}

func TestShipper_RunOnce(t *testing.T) {
	d := MustOpen(t, t.TempDir(), Options{})
	srv := NewServer(t, "", Created)
	s1 := MustShipper(t, d, srv, "", Config{})
	s2 := MustShipper(t, d, srv, "", Config{})
	Start(t, s1)
	WaitFor(t, "the first shipper running", func() bool { return d.shipping.Load() })
	if err := s2.Run(context.Background()); cordon.ErrorCode(err) != cordon.ECONFLICT {
		t.Errorf("second Run: %v, want ECONFLICT", err)
	}
}

func TestShipper_StopsWithContext(t *testing.T) {
	d := MustOpen(t, t.TempDir(), Options{})
	id := NewID(t)
	MustPut(t, d, id, BatchJSON(t, id, 10))
	// A server that never answers: Run must still return when told.
	block := make(chan struct{})
	srv := NewServer(t, "", func(int, string) Answer { <-block; return Created(0, "") })
	defer close(block)
	s := MustShipper(t, d, srv, "", Config{})
	stop := Start(t, s)
	WaitFor(t, "the request sent", func() bool { return len(srv.Requests()) == 1 })
	stop()
	if st := s.Stats(); st.Pending != 1 || st.LastError != "" {
		t.Errorf("stats %+v: stopping is not a failure, and the batch stays", st)
	}
}
