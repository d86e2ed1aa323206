package http

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/storetest"
)

// fakeBatches stands in for the store's SensorBatchService (wired in
// cmd/cordon): it validates as the real one must, names the capture as
// the real one does, and answers a batch ID seen before as a duplicate.
type fakeBatches struct {
	mu      sync.Mutex
	seen    map[string]*cordon.Capture
	senders []string // the sensor of each batch taken, in order
}

var _ cordon.SensorBatchService = (*fakeBatches)(nil)

func (f *fakeBatches) IngestBatch(ctx context.Context, sensor string, b *cordon.SensorBatch) (*cordon.Capture, bool, error) {
	if err := b.Validate(); err != nil {
		return nil, false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.seen[b.ID]; ok {
		return c, true, nil
	}
	end := b.End
	c := &cordon.Capture{ID: int64(len(f.seen) + 1), Name: "sensor:" + sensor + "/" + b.Interface + " " + b.Start.UTC().Format("15:04"),
		Status: cordon.CaptureDone, Progress: 1, Stats: b.Stats, CreatedBy: sensor, CreatedAt: b.End, StartedAt: &end, FinishedAt: &end}
	f.seen[b.ID] = c
	f.senders = append(f.senders, sensor)
	return c, false, nil
}

func (f *fakeBatches) taken() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.senders...)
}

// batchStart is when the test batches begin: a minute of a Monday morning.
var batchStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// testBatch returns a valid batch with the ID made from n: one CT
// scanner talking DICOM to a PACS for a minute.
func testBatch(n int) *cordon.SensorBatch {
	ct := storetest.NewDevice("00:09:fb:0a:0b:0c", "10.20.0.5", cordon.CategoryImagingModality, storetest.WithHost("ct02.site2.example.nhs.uk"))
	return &cordon.SensorBatch{
		ID:        fmt.Sprintf("%032x", n),
		Interface: "eth1",
		Start:     batchStart,
		End:       batchStart.Add(time.Minute),
		Stats:     cordon.IngestStats{Packets: 1200, Bytes: 900_000, Flows: 3, Devices: 1, Conversations: 1},
		Devices:   []*cordon.Device{ct},
		Conversations: []cordon.Conversation{{Client: "10.20.0.5", Server: "10.20.0.9", Proto: "tcp", Port: 104, App: "dicom",
			Hour: batchStart, Flows: 3, Packets: 1200, Bytes: 900_000}},
		Alerts: []cordon.SensorAlert{},
		Health: cordon.CaptureHealth{Drops: 0, LastPacket: batchStart.Add(59 * time.Second), Started: batchStart.Add(-time.Hour), SilentAfter: 10 * time.Minute},
	}
}

func batchJSON(tb testing.TB, b *cordon.SensorBatch) []byte {
	tb.Helper()
	out, err := json.Marshal(b)
	must(tb, err)
	return out
}

func gzipped(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	must(tb, err)
	must(tb, zw.Close())
	return buf.Bytes()
}

// batchReq posts body to the batch route; encoding, if not "", is its
// Content-Encoding.
func batchReq(body []byte, encoding string) req {
	r := req{method: "POST", path: "/api/v1/sensor/batches", body: bytes.NewReader(body), ctype: "application/json"}
	if encoding != "" {
		r.header = map[string]string{"Content-Encoding": encoding}
	}
	return r
}

func sensorAccess(t *testing.T, e *env) []accessCase {
	n := 1000
	return []accessCase{
		{"POST /api/v1/sensor/batches", func(string) req {
			n++ // a new batch each time, so that each is a 201
			return batchReq(batchJSON(t, testBatch(n)), "")
		}, [4]int{401, 403, 201, 201}},
		{"GET /api/v1/sensor/config", get("/api/v1/sensor/config"), [4]int{401, 200, 200, 200}},
	}
}

// TestSensorConfig: a sensor token reads the server's detection config,
// null without one.
func TestSensorConfig(t *testing.T) {
	e := MustOpenEnv(t, nil)
	tok := as{token: e.scopedToken(cordon.RoleAnalyst, cordon.TokenScopeSensor)}
	var got SensorConfig
	decode(t, e.do(tok, req{method: "GET", path: "/api/v1/sensor/config"}), &got)
	if got.Detect != nil {
		t.Errorf("no config: %+v, want null", got.Detect)
	}
	e.s.DetectConfig = &detect.Config{JumpHosts: []string{"10.9.0.5"}, Internet: []detect.Allow{{Match: "*", Hosts: []string{"*.example.com"}}}}
	resp := e.do(tok, req{method: "GET", path: "/api/v1/sensor/config"})
	decode(t, resp, &got)
	if resp.StatusCode != http.StatusOK || got.Detect == nil || got.Detect.JumpHosts[0] != "10.9.0.5" || got.Detect.Internet[0].Hosts[0] != "*.example.com" {
		t.Errorf("config: %d %+v", resp.StatusCode, got.Detect)
	}
}

func TestSensorBatch(t *testing.T) {
	e := MustOpenEnv(t, nil)
	analyst := e.bearer(cordon.RoleAnalyst)

	t.Run("Created", func(t *testing.T) {
		b := testBatch(1)
		resp := e.do(analyst, batchReq(gzipped(t, batchJSON(t, b)), "gzip"))
		var got SensorBatchIngested
		decode(t, resp, &got)
		if resp.StatusCode != http.StatusCreated || got.Duplicate || got.Capture == nil ||
			got.Capture.Name != "sensor:analyst1/eth1 09:00" || got.Capture.Stats.Devices != 1 {
			t.Fatalf("first batch: %d %+v %+v", resp.StatusCode, got, got.Capture)
		}
		// Shipped again (the first answer was lost): the same capture.
		resp = e.do(analyst, batchReq(batchJSON(t, b), ""))
		var again SensorBatchIngested
		decode(t, resp, &again)
		if resp.StatusCode != http.StatusOK || !again.Duplicate || again.Capture == nil || again.Capture.ID != got.Capture.ID {
			t.Fatalf("again: %d %+v", resp.StatusCode, again)
		}
		if senders := e.batches.taken(); len(senders) != 1 || senders[0] != "analyst1" {
			t.Errorf("batches taken from %v, want [analyst1]", senders)
		}
	})

	invalid := testBatch(2)
	invalid.Conversations[0].Proto = "sctp"
	tests := []struct {
		name   string
		who    as
		req    req
		status int
		code   string
		msg    string
		field  string
	}{
		{"ErrInvalidBatch", analyst, batchReq(batchJSON(t, invalid), ""), 400, cordon.EINVALID, "protocol is tcp or udp", "conversations[0].proto"},
		{"ErrBadID", analyst, batchReq([]byte(`{"id": "not hex", "interface": "eth1"}`), ""), 400, cordon.EINVALID, "32 lowercase hex", "id"},
		{"ErrUnknownField", analyst, batchReq([]byte(`{"id": "00000000000000000000000000000003", "packets": []}`), ""), 400, cordon.EINVALID, `Unknown field "packets"`, ""},
		{"ErrTrailing", analyst, batchReq(append(batchJSON(t, testBatch(4)), " {}"...), ""), 400, cordon.EINVALID, "nothing after it", ""},
		{"ErrMalformed", analyst, batchReq([]byte(`{"id": `), ""), 400, cordon.EINVALID, "cut-off JSON", ""},
		{"ErrEmpty", analyst, batchReq(nil, ""), 400, cordon.EINVALID, "empty", ""},
		{"ErrNotGzip", analyst, batchReq(batchJSON(t, testBatch(5)), "gzip"), 400, cordon.EINVALID, "not gzip-compressed", ""},
		{"ErrGzipCutOff", analyst, func() req {
			z := gzipped(t, batchJSON(t, testBatch(6)))
			return batchReq(z[:len(z)/2], "gzip")
		}(), 400, cordon.EINVALID, "cut off", ""},
		{"ErrGzipChecksum", analyst, func() req {
			z := gzipped(t, batchJSON(t, testBatch(7)))
			z[len(z)-8] ^= 0xff // the CRC-32 of the trailer
			return batchReq(z, "gzip")
		}(), 400, cordon.EINVALID, "checksum", ""},
		{"ErrGzipEmpty", analyst, batchReq(nil, "gzip"), 400, cordon.EINVALID, "empty", ""},
		{"ErrEncoding", analyst, batchReq(batchJSON(t, testBatch(8)), "br"), 415, EUNSUPPORTED, "gzip", ""},
		{"ErrContentType", analyst, func() req {
			r := batchReq(batchJSON(t, testBatch(9)), "")
			r.ctype = "text/plain"
			return r
		}(), 415, EUNSUPPORTED, "application/json", ""},
		{"ErrViewer", e.bearer(cordon.RoleViewer), batchReq(batchJSON(t, testBatch(10)), ""), 403, cordon.EFORBIDDEN, "analyst role", ""},
		{"ErrAnonymous", anonymous, batchReq(batchJSON(t, testBatch(11)), ""), 401, cordon.EUNAUTHORIZED, "", ""},
		{"ErrTooLarge", analyst, batchReq(bytes.Repeat([]byte(" "), MaxBatchBodyBytes+1), ""), 413, ETOOLARGE, "64 MiB", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(tt.who, tt.req)
			var er ErrorResponse
			decode(t, resp, &er)
			if resp.StatusCode != tt.status || er.Error.Code != tt.code || !strings.Contains(er.Error.Message, tt.msg) || er.Error.Field != tt.field {
				t.Errorf("got %d %+v; want %d %s containing %q, field %q", resp.StatusCode, er.Error, tt.status, tt.code, tt.msg, tt.field)
			}
		})
	}
	if senders := e.batches.taken(); len(senders) != 1 {
		t.Errorf("refused batches were taken: %v", senders)
	}
}

// TestSensorBatchNotConfigured checks that a server without the service
// says only that something failed, and logs what.
func TestSensorBatchNotConfigured(t *testing.T) {
	e := MustOpenEnv(t, func(s *Server) { s.SensorBatchService = nil })
	resp := e.do(e.bearer(cordon.RoleAnalyst), batchReq(batchJSON(t, testBatch(1)), ""))
	wantError(t, resp, 500, cordon.EINTERNAL, "Internal error.")
	if !strings.Contains(e.logText(), "sensor batch service not configured") {
		t.Errorf("log does not say why:\n%s", e.logText())
	}
}

// TestDecodeSensorBatchLimit checks the bound on the decompressed JSON,
// which a small gzip body could otherwise blow up past any memory: with a
// bound of 64 KiB, 64 KiB decodes and a byte more is refused.
func TestDecodeSensorBatchLimit(t *testing.T) {
	const limit = 64 << 10
	exact := batchJSON(t, testBatch(1))
	exact = append(exact, bytes.Repeat([]byte(" "), limit-len(exact))...)
	tests := []struct {
		name string
		json []byte
		code string
	}{
		{"OKAtLimit", exact, ""},
		{"ErrPastLimit", append(exact, ' '), ETOOLARGE},
		{"ErrBomb", bytes.Repeat([]byte(" "), 64*limit), ETOOLARGE},
	}
	for _, tt := range tests {
		for _, enc := range []string{"", "gzip"} {
			t.Run(tt.name+"/"+enc, func(t *testing.T) {
				body := tt.json
				if enc == "gzip" {
					body = gzipped(t, body)
				}
				b, err := decodeSensorBatch(bytes.NewReader(body), enc, limit)
				if got := cordon.ErrorCode(err); got != tt.code {
					t.Fatalf("error %v, want code %q", err, tt.code)
				}
				if err == nil && b.ID != testBatch(1).ID {
					t.Errorf("decoded %+v", b)
				}
				if tt.code == ETOOLARGE && !strings.Contains(cordon.ErrorMessage(err), "64 KiB") && !strings.Contains(cordon.ErrorMessage(err), "65536 bytes") {
					t.Errorf("message %q does not say the bound", cordon.ErrorMessage(err))
				}
			})
		}
	}
}

// FuzzDecodeSensorBatch feeds arbitrary bodies through the batch decoding,
// as sent and gzip-compressed: it must never panic, must refuse with a
// client error only, must decode a body the same whether compressed or
// not, and whatever it decodes must survive a JSON round trip.
func FuzzDecodeSensorBatch(f *testing.F) {
	valid, _ := json.Marshal(testBatch(1))
	f.Add(valid, false)
	f.Add(valid, true)
	f.Add([]byte(`{"id": "00000000000000000000000000000001", "devices": [null], "conversations": [{"hour": "x"}]}`), false)
	f.Add([]byte(`{"health": {"silent_after": -1}, "devices": [{"mac": "zz"}]}`), true)
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"), false) // a gzip header, no stream
	f.Add([]byte(`{} {}`), true)
	// One writer, reset for each input: a new one allocates most of a
	// megabyte, which would slow the fuzzing tenfold.
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	f.Fuzz(func(t *testing.T, body []byte, compress bool) {
		const limit = 1 << 20
		enc, sent := "", body
		if compress {
			enc = "gzip"
			buf.Reset()
			zw.Reset(&buf)
			zw.Write(body)
			zw.Close()
			sent = buf.Bytes()
		}
		b, err := decodeSensorBatch(bytes.NewReader(sent), enc, limit)
		// The compressed body as sent, raw: gzip errors must be words too.
		if _, rawErr := decodeSensorBatch(bytes.NewReader(body), "gzip", limit); rawErr != nil {
			if code := cordon.ErrorCode(rawErr); code != cordon.EINVALID && code != ETOOLARGE {
				t.Fatalf("raw gzip error %v has code %q", rawErr, code)
			}
		}
		plain, plainErr := decodeSensorBatch(bytes.NewReader(body), "", limit)
		if cordon.ErrorCode(err) != cordon.ErrorCode(plainErr) || cordon.ErrorMessage(err) != cordon.ErrorMessage(plainErr) {
			t.Fatalf("compressed %v, plain %v", err, plainErr)
		}
		if err != nil {
			if code := cordon.ErrorCode(err); code != cordon.EINVALID && code != ETOOLARGE {
				t.Fatalf("error %v has code %q", err, code)
			}
			return
		}
		out, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := json.Marshal(plain); !bytes.Equal(out, again) {
			t.Fatalf("compressed and plain decode differ:\n%s\n%s", out, again)
		}
		_ = b.Validate()
		back, err := decodeSensorBatch(bytes.NewReader(out), "", limit)
		if err != nil {
			t.Fatalf("round trip of %s: %v", out, err)
		}
		if again, _ := json.Marshal(back); !bytes.Equal(out, again) {
			t.Fatalf("round trip changed the batch:\n%s\n%s", out, again)
		}
	})
}
