package spool

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestOpen_CreatesPrivateDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "spool")
	MustOpen(t, path, Options{})
	for _, p := range []string{path, filepath.Join(path, rejectedDir)} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if !fi.IsDir() || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %s, want a directory of mode 0700", p, fi.Mode())
		}
	}
}

func TestOpen_RemovesInterruptedWrites(t *testing.T) {
	path := t.TempDir()
	d := MustOpen(t, path, Options{})
	id := NewID(t)
	MustPut(t, d, id, BatchJSON(t, id, 10))
	// What a Put cut off by a crash leaves, and a file someone left there.
	for name, content := range map[string]string{
		tempPrefix + "123456": "\x1f\x8b half a batch",
		"notes.txt":           "not a batch",
	} {
		if err := os.WriteFile(filepath.Join(path, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var logs LogBuffer
	d = MustOpen(t, path, Options{Logger: logs.Logger()})
	got := Files(t, path)
	slices.Sort(got)
	want := []string{formatName(d.pending[0].seq, id), "notes.txt"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
	if st := d.Stats(); st.Pending != 1 {
		t.Errorf("stats %+v, want the one batch counted", st)
	}
	for _, line := range []string{"removed an interrupted write", "ignoring a file that is not a batch"} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("log lacks %q:\n%s", line, logs.String())
		}
	}
}

func TestOpen_Invalid(t *testing.T) {
	for _, opt := range []Options{{MaxBytes: -1}, {MaxRejectedBytes: -1}} {
		if _, err := Open(t.TempDir(), opt); cordon.ErrorCode(err) != cordon.EINVALID {
			t.Errorf("Open(%+v): %v, want EINVALID", opt, err)
		}
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(file, Options{}); err == nil {
		t.Error("Open on a file: no error")
	}
	blocked := t.TempDir()
	if err := os.WriteFile(filepath.Join(blocked, rejectedDir), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(blocked, Options{}); err == nil {
		t.Error("Open with rejected/ a file: no error")
	}
}

func TestPut_StoresGzip(t *testing.T) {
	path := t.TempDir()
	d := MustOpen(t, path, Options{})
	id := NewID(t)
	batch := BatchJSON(t, id, 1000)
	MustPut(t, d, id, batch)
	names := Pending(t, path)
	if len(names) != 1 {
		t.Fatalf("files %v", names)
	}
	f, err := os.Open(filepath.Join(path, names[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %s, want 0600", fi.Mode())
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, batch) {
		t.Errorf("stored batch does not decompress to what was Put (err %v)", err)
	}
	if st := d.Stats(); st.Pending != 1 || st.PendingBytes != fi.Size() {
		t.Errorf("stats %+v, want 1 batch of %d bytes", st, fi.Size())
	}
}

func TestPut_Invalid(t *testing.T) {
	path := t.TempDir()
	d := MustOpen(t, path, Options{MaxBytes: 4096})
	id := NewID(t)
	for _, tt := range []struct {
		Name, ID  string
		Batch     []byte
		WantField string
	}{
		{"ErrEmptyID", "", []byte(`{}`), "id"},
		{"ErrShortID", id[:31], []byte(`{}`), "id"},
		{"ErrUpperID", strings.ToUpper(id), []byte(`{}`), "id"},
		{"ErrPathID", "../../../../etc/passwd0000000000", []byte(`{}`), "id"},
		{"ErrNotJSON", id, []byte(`{"id":`), "batch"},
		{"ErrEmptyBatch", id, nil, "batch"},
		{"ErrLargerThanSpool", id, BatchJSON(t, id, 8192), "batch"},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			err := d.Put(tt.ID, tt.Batch)
			if cordon.ErrorCode(err) != cordon.EINVALID || cordon.ErrorField(err) != tt.WantField {
				t.Errorf("Put: %v, want EINVALID on %s", err, tt.WantField)
			}
		})
	}
	if got := Files(t, path); len(got) != 0 {
		t.Errorf("files left by refused Puts: %v", got)
	}
}

func TestPut_MaxBytesDropsOldest(t *testing.T) {
	path := t.TempDir()
	// Measure one batch as stored; all are the same size within a few
	// bytes, random content not compressing.
	probe := MustOpen(t, filepath.Join(t.TempDir(), "probe"), Options{})
	pid := NewID(t)
	MustPut(t, probe, pid, BatchJSON(t, pid, 2000))
	size := probe.Stats().PendingBytes

	var logs LogBuffer
	d := MustOpen(t, path, Options{MaxBytes: size*3 - size/2, Logger: logs.Logger()})
	var ids []string
	for range 5 {
		id := NewID(t)
		MustPut(t, d, id, BatchJSON(t, id, 2000))
		ids = append(ids, id)
	}
	if got := IDs(Pending(t, path)); !slices.Equal(got, ids[3:]) {
		t.Errorf("spool holds %v, want the newest two %v", got, ids[3:])
	}
	st := d.Stats()
	if st.Pending != 2 || st.Dropped != 3 || st.PendingBytes > d.opt.MaxBytes {
		t.Errorf("stats %+v with MaxBytes %d", st, d.opt.MaxBytes)
	}
	for _, id := range ids[:3] {
		if !strings.Contains(logs.String(), "full, dropped the oldest batch") || !strings.Contains(logs.String(), id) {
			t.Errorf("drop of %s not logged:\n%s", id, logs.String())
		}
	}

	// Reopened with a lower bound, the spool drops down to it.
	d = MustOpen(t, path, Options{MaxBytes: size + size/2})
	if got := IDs(Pending(t, path)); !slices.Equal(got, ids[4:]) {
		t.Errorf("reopened spool holds %v, want %v", got, ids[4:])
	}
	if st := d.Stats(); st.Pending != 1 || st.Dropped != 1 {
		t.Errorf("reopened stats %+v", st)
	}
}

// The batch being sent when the spool fills is not the one dropped: the
// one after it is.
func TestPut_MaxBytesSparesInFlight(t *testing.T) {
	path := t.TempDir()
	d := MustOpen(t, path, Options{})
	var ids []string
	for range 3 {
		id := NewID(t)
		MustPut(t, d, id, BatchJSON(t, id, 2000))
		ids = append(ids, id)
	}
	d.opt.MaxBytes = d.Stats().PendingBytes + d.pending[0].size/2 // room for half a batch
	e, ok := d.next()
	if !ok || e.id != ids[0] {
		t.Fatalf("next: %v %v", e, ok)
	}
	id := NewID(t)
	MustPut(t, d, id, BatchJSON(t, id, 2000))
	if got := IDs(Pending(t, path)); !slices.Equal(got, []string{ids[0], ids[2], id}) {
		t.Errorf("spool holds %v, want the one in flight kept and the next dropped", got)
	}
	d.release()
}

func TestReject_PrunesOldest(t *testing.T) {
	path := t.TempDir()
	probe := MustOpen(t, filepath.Join(t.TempDir(), "probe"), Options{})
	pid := NewID(t)
	MustPut(t, probe, pid, BatchJSON(t, pid, 2000))
	size := probe.Stats().PendingBytes

	d := MustOpen(t, path, Options{MaxRejectedBytes: 2*size + size/2})
	var ids []string
	for range 4 {
		id := NewID(t)
		MustPut(t, d, id, BatchJSON(t, id, 2000))
		ids = append(ids, id)
	}
	srv := NewServer(t, "", func(int, string) Answer {
		return ErrorAnswer(http.StatusBadRequest, "invalid", "No.", "")
	})
	s := MustShipper(t, d, srv, "", Config{})
	Start(t, s)
	WaitFor(t, "all rejected", func() bool { return s.Stats().Rejected == 4 })
	if got := IDs(Rejected(t, path)); !slices.Equal(got, ids[2:]) {
		t.Errorf("rejected/ holds %v, want the newest two %v", got, ids[2:])
	}
	// Reopening counts rejected/ and keeps stamps above it.
	d2 := MustOpen(t, path, Options{MaxRejectedBytes: size + size/2})
	if got := IDs(Rejected(t, path)); !slices.Equal(got, ids[3:]) {
		t.Errorf("reopened rejected/ holds %v, want %v", got, ids[3:])
	}
	if d2.last < d2.rejected[0].seq {
		t.Errorf("last stamp %d below a rejected batch's %d", d2.last, d2.rejected[0].seq)
	}
}
