package http

import (
	"compress/flate"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
)

func (s *Server) registerSensorRoutes() {
	// Analyst: a batch writes the register, as an uploaded capture does.
	s.handleScoped("POST /api/v1/sensor/batches", cordon.RoleAnalyst, sensorScope, s.handleSensorBatch)
	s.handleScoped("GET /api/v1/sensor/config", cordon.RoleViewer, sensorScope, s.handleSensorConfig)
}

// SensorConfig is the answer of GET /api/v1/sensor/config: what a remote
// sensor's detections measure its site's traffic against, so that a
// manufacturer endpoint or jump host the trust approved on the server is
// approved at every site too. Detect is null when the server runs without
// a --detect-config (nothing approved).
type SensorConfig struct {
	Detect *detect.Config `json:"detect"`
}

func (s *Server) handleSensorConfig(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r); err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, SensorConfig{Detect: s.DetectConfig})
}

// Bounds on a sensor batch's body. A minute of a busy site is a few
// megabytes of JSON, and gzip shrinks it tenfold; the batch's own bounds
// (cordon.MaxBatchConversations and the like) fit in the decompressed
// bound, so that a batch the server would take is never cut off here.
const (
	// MaxBatchBodyBytes bounds the body as sent.
	MaxBatchBodyBytes = 64 << 20
	// MaxBatchJSONBytes bounds the JSON once decompressed, so that a small
	// body cannot unpack into gigabytes.
	MaxBatchJSONBytes = 256 << 20
)

// SensorBatchIngested is the answer to POST /api/v1/sensor/batches: the
// capture the batch became, and whether the batch had been shipped before,
// in which case nothing changed.
type SensorBatchIngested struct {
	Capture   *cordon.Capture `json:"capture"`
	Duplicate bool            `json:"duplicate"`
}

// handleSensorBatch takes one flush interval from a remote sensor. The
// body is a cordon.SensorBatch as JSON, gzip-compressed or not. 201 with
// the new capture; 200 with duplicate true for a batch ID seen before,
// which a sensor whose answer was lost sends again.
func (s *Server) handleSensorBatch(w http.ResponseWriter, r *http.Request) {
	// Before reading tens of megabytes that could not be stored anyway.
	svc, err := configured(s.SensorBatchService, "sensor batch")
	if err != nil {
		Error(w, r, err)
		return
	}
	if !isJSON(r) {
		Error(w, r, cordon.Errorf(EUNSUPPORTED, "A sensor batch must be JSON (Content-Type: application/json), gzip-compressed or not."))
		return
	}
	b, err := decodeSensorBatch(http.MaxBytesReader(w, r.Body, MaxBatchBodyBytes), r.Header.Get("Content-Encoding"), MaxBatchJSONBytes)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = cordon.Errorf(ETOOLARGE, "The batch is larger than the %d MiB a body may be. Send it gzip-compressed (Content-Encoding: gzip), or flush the sensor more often.", MaxBatchBodyBytes>>20)
	}
	if err != nil {
		Error(w, r, err)
		return
	}
	c, dup, err := svc.IngestBatch(r.Context(), cordon.UserFromContext(r.Context()).Name, b)
	if err != nil {
		Error(w, r, err)
		return
	}
	status := http.StatusCreated
	if dup {
		status = http.StatusOK
	}
	writeJSON(w, status, SensorBatchIngested{Capture: c, Duplicate: dup})
}

// decodeSensorBatch reads a batch from body, decompressing it first when
// encoding (the Content-Encoding header) is gzip, and refusing unknown
// fields and anything after the batch as decodeJSON does. Errors are
// EINVALID for a corrupt body, ETOOLARGE past maxJSON bytes of JSON,
// EUNSUPPORTED for another encoding, or the *http.MaxBytesError of a
// bounded body.
func decodeSensorBatch(body io.Reader, encoding string, maxJSON int64) (*cordon.SensorBatch, error) {
	var gz *gzipBody
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, cordon.Errorf(cordon.EINVALID, "The request body is empty; it must be a gzip-compressed sensor batch.")
			}
			return nil, gzipError(err)
		}
		gz = &gzipBody{r: zr}
		body = gz
	default:
		return nil, cordon.Errorf(EUNSUPPORTED, "A sensor batch is sent as it is or gzip-compressed (Content-Encoding: gzip), not as %q.", clipHeader(encoding))
	}
	capped := &cappedReader{r: body, left: maxJSON, limit: maxJSON}
	var b cordon.SensorBatch
	if err := decodeJSONFrom(capped, &b); err != nil {
		// What went wrong below the JSON says more than the JSON error
		// it caused ("cut-off JSON" for a cut-off gzip stream).
		switch {
		case capped.err != nil:
			return nil, capped.err
		case gz != nil && gz.err != nil:
			return nil, gz.err
		}
		return nil, err
	}
	return &b, nil
}

// gzipBody reads a gzip stream, keeping its first error in words for the
// client. An error of the body below it (too large, the client gone) is
// passed on as it is.
type gzipBody struct {
	r   *gzip.Reader
	err error
}

func (g *gzipBody) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF && g.err == nil {
		if ge := gzipError(err); ge != err {
			g.err = ge
		}
	}
	return n, err
}

// gzipError words a gzip or deflate error for the client; another error
// (of the body it reads) comes back unchanged.
func gzipError(err error) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return cordon.Errorf(cordon.EINVALID, "The gzip-compressed body is cut off.")
	case errors.Is(err, gzip.ErrHeader):
		return cordon.Errorf(cordon.EINVALID, "The body is not gzip-compressed, though its Content-Encoding says it is.")
	case errors.Is(err, gzip.ErrChecksum):
		return cordon.Errorf(cordon.EINVALID, "The gzip-compressed body is corrupt: its checksum does not match.")
	}
	var corrupt flate.CorruptInputError
	var internal flate.InternalError
	if errors.As(err, &corrupt) || errors.As(err, &internal) {
		return cordon.Errorf(cordon.EINVALID, "The gzip-compressed body is corrupt.")
	}
	return err
}

// cappedReader reads at most left bytes of r and fails with ETOOLARGE
// when r holds more.
type cappedReader struct {
	r           io.Reader
	left, limit int64
	err         error
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	// One byte past the bound tells "exactly the bound" from "more".
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.r.Read(p)
	if int64(n) <= c.left {
		c.left -= int64(n)
		return n, err
	}
	n, c.left = int(c.left), 0
	c.err = cordon.Errorf(ETOOLARGE, "The batch's JSON is larger than the %s allowed; flush the sensor more often.", sizeText(c.limit))
	return n, c.err
}

// sizeText says a size in MiB when it is whole MiB, else in bytes.
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// clipHeader shortens a header value for an error message.
func clipHeader(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

var sensorOps = []apiOp{
	{"POST /api/v1/sensor/batches", "Take one flush interval of a remote sensor's live capture (a sensor batch: its devices, conversations, alerts and capture health) into the register, as a capture named for the sensor's user. 201 with the new capture; 200 with duplicate=true for a batch ID taken before. A sensor-scoped token may use this.",
		cordon.RoleAnalyst, nil, cordon.SensorBatch{}, 201, SensorBatchIngested{}},
	{"GET /api/v1/sensor/config", "What the server's detections approve (its --detect-config: internet endpoints, file servers, jump hosts, zones), for remote sensors to hold their sites' traffic to the same; detect is null when nothing is approved. A sensor-scoped token may use this.",
		cordon.RoleViewer, nil, nil, 200, SensorConfig{}},
}
