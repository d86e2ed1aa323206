// Package epss reads FIRST's Exploit Prediction Scoring System (EPSS) daily
// score files (https://www.first.org/epss/data_stats), as published at
// https://epss.empiricalsecurity.com/epss_scores-YYYY-MM-DD.csv.gz:
//
//	#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000
//	cve,epss,percentile
//	CVE-1999-0001,0.01025,0.76780
//
// The file may be gzip-compressed or plain; Reader detects which. Parsing is
// strict and every error names its line, because a file cut short or
// corrupted would otherwise replace yesterday's scores with a partial set.
//
// Scores move daily, so callers keep each file's scores with its date (the
// store keeps the history); the model version is kept because scores from
// different models are not comparable.
package epss

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// Header is what the comment line of a score file says about all its rows.
type Header struct {
	Model string    // model_version, "v2025.03.14"
	Date  time.Time // score_date
}

// Reader reads the rows of one EPSS score file in order.
type Reader struct {
	header Header
	br     *bufio.Reader
	gz     *gzip.Reader
	line   int
	err    error // sticky: once reading fails, it stays failed
}

// maxLine bounds a line: a real row is about 30 bytes.
const maxLine = 4096

// NewReader reads the comment and header lines of a score file from r,
// decompressing it first if it starts with the gzip magic number.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	rd := &Reader{br: br}
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("epss: gzip: %w", err)
		}
		rd.gz = gz
		rd.br = bufio.NewReaderSize(gz, 64<<10)
	}
	comment, err := rd.readLine()
	if err != nil {
		return nil, rd.wrapEOF(err, "missing the #model_version comment line")
	}
	h, err := parseComment(comment)
	if err != nil {
		return nil, fmt.Errorf("epss: line %d: %w", rd.line, err)
	}
	rd.header = h
	head, err := rd.readLine()
	if err != nil {
		return nil, rd.wrapEOF(err, "missing the cve,epss,percentile header")
	}
	if string(head) != "cve,epss,percentile" {
		return nil, fmt.Errorf("epss: line %d: header is %q, want \"cve,epss,percentile\"", rd.line, clip(head))
	}
	return rd, nil
}

// Header returns the model version and score date of the file.
func (r *Reader) Header() Header { return r.header }

// Next returns the next row: a CVE id and its score, stamped with the
// file's model and date. It returns io.EOF after the last row, and an error
// naming the line for any malformed row; after an error it returns the same
// error again.
func (r *Reader) Next() (string, cordon.EPSSScore, error) {
	if r.err != nil {
		return "", cordon.EPSSScore{}, r.err
	}
	line, err := r.readLine()
	if err != nil {
		if err != io.EOF {
			r.err = fmt.Errorf("epss: line %d: %w", r.line, err)
		} else {
			r.err = io.EOF
		}
		return "", cordon.EPSSScore{}, r.err
	}
	id, score, err := r.parseRow(line)
	if err != nil {
		r.err = fmt.Errorf("epss: line %d: %w", r.line, err)
		return "", cordon.EPSSScore{}, r.err
	}
	return id, score, nil
}

// ReadAll reads a whole score file into a map keyed by CVE id. A CVE listed
// twice is an error.
func ReadAll(r io.Reader) (Header, map[string]cordon.EPSSScore, error) {
	rd, err := NewReader(r)
	if err != nil {
		return Header{}, nil, err
	}
	scores := make(map[string]cordon.EPSSScore, 1<<16)
	for {
		id, s, err := rd.Next()
		if err == io.EOF {
			return rd.header, scores, nil
		}
		if err != nil {
			return Header{}, nil, err
		}
		if _, dup := scores[id]; dup {
			return Header{}, nil, fmt.Errorf("epss: line %d: %s listed twice", rd.line, id)
		}
		scores[id] = s
	}
}

// readLine returns the next line without its end of line (LF or CRLF). The
// slice is valid until the next call. A final line without a newline is
// accepted; an empty line is an error, since the format has none. Any
// error other than io.EOF belongs to line r.line.
func (r *Reader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull || len(line) > maxLine {
		r.line++
		return nil, fmt.Errorf("line longer than %d bytes", maxLine)
	}
	if err == io.EOF && len(line) == 0 {
		return nil, io.EOF
	}
	r.line++
	if err != nil && err != io.EOF {
		return nil, err
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return nil, fmt.Errorf("empty line")
	}
	return line, nil
}

// wrapEOF words a failure to read the comment or header lines.
func (r *Reader) wrapEOF(err error, what string) error {
	if err == io.EOF {
		return fmt.Errorf("epss: %s", what)
	}
	return fmt.Errorf("epss: line %d: %w", r.line, err)
}

// parseComment reads "#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000".
func parseComment(line []byte) (Header, error) {
	s, ok := strings.CutPrefix(string(line), "#")
	if !ok {
		return Header{}, fmt.Errorf("first line %q is not the #model_version comment", clip(line))
	}
	var h Header
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, ":")
		if !ok {
			return Header{}, fmt.Errorf("comment field %q is not key:value", kv)
		}
		switch k {
		case "model_version":
			if v == "" {
				return Header{}, fmt.Errorf("empty model_version")
			}
			h.Model = v
		case "score_date":
			t, err := parseScoreDate(v)
			if err != nil {
				return Header{}, err
			}
			h.Date = t
		}
	}
	switch {
	case h.Model == "":
		return Header{}, fmt.Errorf("comment lacks model_version")
	case h.Date.IsZero():
		return Header{}, fmt.Errorf("comment lacks score_date")
	}
	return h, nil
}

// parseScoreDate accepts the published form, "2025-08-25T00:00:00+0000",
// and RFC 3339 and plain dates as written by other tools.
func parseScoreDate(v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04:05-0700", time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("score_date %q is not a date", v)
}

// parseRow reads "CVE-1999-0001,0.01025,0.76780". It allocates once, for
// the CVE id the caller keeps; the numbers are parsed from substrings of
// that same string.
func (r *Reader) parseRow(line []byte) (string, cordon.EPSSScore, error) {
	c1 := bytes.IndexByte(line, ',')
	if c1 < 0 {
		return "", cordon.EPSSScore{}, fmt.Errorf("row %q has 1 field, want 3", clip(line))
	}
	c2 := bytes.IndexByte(line[c1+1:], ',')
	if c2 < 0 {
		return "", cordon.EPSSScore{}, fmt.Errorf("row %q has 2 fields, want 3", clip(line))
	}
	c2 += c1 + 1
	if bytes.IndexByte(line[c2+1:], ',') >= 0 {
		return "", cordon.EPSSScore{}, fmt.Errorf("row %q has more than 3 fields", clip(line))
	}
	if !validCVE(line[:c1]) {
		return "", cordon.EPSSScore{}, fmt.Errorf("%q is not a CVE id", clip(line[:c1]))
	}
	s := string(line)
	score, err := parseProbability(s[c1+1 : c2])
	if err != nil {
		return "", cordon.EPSSScore{}, fmt.Errorf("%s: epss %w", s[:c1], err)
	}
	pct, err := parseProbability(s[c2+1:])
	if err != nil {
		return "", cordon.EPSSScore{}, fmt.Errorf("%s: percentile %w", s[:c1], err)
	}
	return s[:c1], cordon.EPSSScore{Score: score, Percentile: pct, Date: r.header.Date, Model: r.header.Model}, nil
}

// parseProbability reads a number in [0, 1].
func parseProbability(v string) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f >= 0 && f <= 1) { // the negated form also refuses NaN
		return 0, fmt.Errorf("%q is not a number between 0 and 1", v)
	}
	return f, nil
}

// validCVE reports whether b is CVE-YYYY-NNNN with 4 to 19 digits.
func validCVE(b []byte) bool {
	if len(b) < 13 || len(b) > 28 || string(b[:4]) != "CVE-" || b[8] != '-' {
		return false
	}
	for i, c := range b[4:] {
		if i == 4 {
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// clip shortens a value quoted in an error message.
func clip(b []byte) string {
	if len(b) > 64 {
		return string(b[:64]) + "…"
	}
	return string(b)
}
