package nvd

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/ulikunitz/xz"
)

// Formats of NVD files, as Stats.Format reports them.
const (
	FormatRecord = "record" // one "cve" object, bare or as {"cve":{…}}
	FormatAPI    = "api"    // an API 2.0 response: {"vulnerabilities":[{"cve":{…}}]}
	FormatBundle = "bundle" // a fkie-cad release: {"cve_items":[{…}]}
)

// Compressions Decode detects, as Stats.Compression reports them.
const (
	CompressionNone = ""
	CompressionGzip = "gzip"
	CompressionXZ   = "xz"
)

// Stats describes one decoded file.
type Stats struct {
	Format       string    // FormatRecord, FormatAPI or FormatBundle
	Compression  string    // CompressionNone, CompressionGzip or CompressionXZ
	Records      int       // records passed to fn
	Rejected     int       // of which NVD has rejected (vulnStatus "Rejected")
	Declared     int       // the count the file declares (resultsPerPage, cve_count); -1 if none
	Timestamp    time.Time // when the file was produced, if it says
	LastModified time.Time // the newest lastModified among its records: the next lastModStartDate
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	xzMagic   = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
	utf8BOM   = []byte{0xef, 0xbb, 0xbf}
)

// Decode reads the NVD file r, named name in errors, and calls fn for each
// CVE record in it. See the package documentation for the formats and for
// the contract on malformed input: a failure returns an *Error and no record
// after the failing one reaches fn.
func Decode(r io.Reader, name string, fn func(*cordon.Vulnerability) error) (Stats, error) {
	st := Stats{Declared: -1}
	src := &sourceReader{r: r}
	br := bufio.NewReaderSize(src, 64<<10)
	var in io.Reader = br
	head, _ := br.Peek(len(xzMagic))
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		st.Compression = CompressionGzip
		zr, err := gzip.NewReader(br)
		if err != nil {
			return st, readError(name, src, fmt.Errorf("gzip: %w", err))
		}
		in = &labelReader{r: zr, label: "gzip: "}
	case bytes.HasPrefix(head, xzMagic):
		st.Compression = CompressionXZ
		zr, err := xz.NewReader(br)
		if err != nil {
			return st, readError(name, src, err) // its errors start "xz: "
		}
		in = &labelReader{r: zr, label: "xz: "}
	}
	if st.Compression != CompressionNone {
		// The JSON decoder buffers on its own; this reader only lets us skip
		// a byte-order mark some Windows tools write.
		in = bufio.NewReader(in)
	}
	if bomr, ok := in.(*bufio.Reader); ok {
		if p, _ := bomr.Peek(len(utf8BOM)); bytes.Equal(p, utf8BOM) {
			bomr.Discard(len(utf8BOM))
		}
	}
	d := &decoder{name: name, src: src, dec: json.NewDecoder(in), fn: fn, st: &st}
	return st, d.run()
}

// sourceReader remembers the last error of the caller's reader, so that a
// failing disk is reported as such and not as a malformed file.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// labelReader prefixes the decompressor's errors with its name, so that
// "corrupt input" says which format was corrupt.
type labelReader struct {
	r     io.Reader
	label string
}

func (l *labelReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if err != nil && err != io.EOF && !strings.HasPrefix(err.Error(), l.label) {
		err = fmt.Errorf("%s%w", l.label, err)
	}
	return n, err
}

func readError(name string, src *sourceReader, err error) error {
	return &Error{File: name, Offset: -1, Err: err, invalid: src.err == nil || !errors.Is(err, src.err)}
}

// decoder walks one file.
type decoder struct {
	name string
	src  *sourceReader
	dec  *json.Decoder
	fn   func(*cordon.Vulnerability) error
	st   *Stats

	field string // the top-level key being decoded in a bare record, for errors
}

// fail wraps err with the file name and location. base is the offset of the
// value being decoded, to which the JSON decoder's relative syntax error
// offsets are added; -1 when the error came from Token, whose offsets are
// absolute.
func (d *decoder) fail(path, cve string, base int64, err error) error {
	e := &Error{File: d.name, Path: path, CVE: cve, Offset: -1, invalid: true}
	if d.src.err != nil && errors.Is(err, d.src.err) {
		e.invalid = false
		e.Err = err
		return e
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		e.Offset = syn.Offset
		if base >= 0 {
			e.Offset += base
		}
		e.Err = fmt.Errorf("invalid JSON: %w", err)
	case errors.As(err, &typ):
		e.Offset = typ.Offset
		if base >= 0 {
			e.Offset += base
		}
		field := typ.Field
		if d.field != "" {
			field = strings.TrimSuffix(d.field+"."+field, ".")
		}
		e.Err = &fieldError{field: field, msg: fmt.Sprintf("JSON %s where %s is expected", typ.Value, jsonKind(typ.Type))}
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Offset = d.dec.InputOffset()
		e.Err = errors.New("truncated: the file ends before the JSON is complete")
	default:
		var fe *fieldError
		switch {
		case base >= 0:
			e.Offset = base
		case !errors.As(err, &fe):
			// A record's field errors say where they are by path; others
			// happen where the decoder stands.
			e.Offset = d.dec.InputOffset()
		}
		e.Err = err
	}
	return e
}

// jsonKind names, in JSON's terms, what a Go type decodes from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int64, reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return t.String()
}

func (d *decoder) run() error {
	tok, err := d.dec.Token()
	if err == io.EOF {
		return d.fail("", "", -1, errors.New("empty file"))
	}
	if err != nil {
		return d.fail("", "", -1, err)
	}
	if tok != json.Delim('{') {
		return d.fail("", "", -1, fmt.Errorf("expected a JSON object, found %s", describe(tok)))
	}
	var (
		rec      rawCVE
		isRecord bool   // top-level keys of a bare record, or {"cve":…}
		items    string // the key of the records array, when there is one
		count    int
	)
	for d.dec.More() {
		off := d.dec.InputOffset()
		tok, err := d.dec.Token()
		if err != nil {
			return d.fail("", "", -1, err)
		}
		key, _ := tok.(string)
		switch key {
		case "vulnerabilities", "cve_items":
			if items != "" {
				return d.fail("", "", off, fmt.Errorf("both %q and %q hold records", items, key))
			}
			if isRecord {
				return d.fail("", "", off, fmt.Errorf("%q follows the fields of a single record", key))
			}
			items = key
			if key == "vulnerabilities" {
				d.st.Format = FormatAPI
			} else {
				d.st.Format = FormatBundle
			}
			if count, err = d.records(key); err != nil {
				return err
			}
		case "resultsPerPage", "cve_count":
			if err := d.dec.Decode(&d.st.Declared); err != nil {
				return d.fail(key, "", off, err)
			}
			if d.st.Declared < 0 {
				return d.fail(key, "", off, fmt.Errorf("negative count %d", d.st.Declared))
			}
		case "timestamp":
			var s string
			if err := d.dec.Decode(&s); err != nil {
				return d.fail(key, "", off, err)
			}
			t, ok := parseTime(s)
			if !ok {
				return d.fail(key, "", off, fmt.Errorf("%q is not a date-time", clip(s)))
			}
			d.st.Timestamp = t
		case "cve":
			if isRecord {
				return d.fail("", "", off, errors.New(`"cve" beside the fields of a record`))
			}
			if err := d.dec.Decode(&rec); err != nil {
				return d.fail("record", "", off, err)
			}
			isRecord = true
		default:
			dst := rec.field(key)
			if dst == nil {
				// startIndex, totalResults, format, version, feed_name, source,
				// and record fields Cordon does not keep.
				var skip json.RawMessage
				dst = &skip
			} else {
				isRecord = true
			}
			if err := d.dec.Decode(dst); err != nil {
				d.field = key
				return d.fail("record", "", off, err)
			}
		}
		if isRecord && items != "" {
			return d.fail("", "", off, fmt.Errorf("the fields of a single record beside %q", items))
		}
	}
	if _, err := d.dec.Token(); err != nil { // the closing brace
		return d.fail("", "", -1, err)
	}
	if _, err := d.dec.Token(); err != io.EOF {
		return d.fail("", "", d.dec.InputOffset(), errors.New("data after the end of the JSON object"))
	}
	switch {
	case isRecord:
		d.st.Format = FormatRecord
		return d.emit(&rec, "record", -1) // offsets say little in a one-record file
	case items == "":
		return d.fail("", "", -1, errors.New("no CVE records: expected a record (id, published …), an API response (vulnerabilities) or a bundle (cve_items)"))
	case d.st.Declared >= 0 && d.st.Declared != count:
		return d.fail("", "", -1, fmt.Errorf("declares %d records but holds %d", d.st.Declared, count))
	}
	return nil
}

// records decodes the array under key, one element at a time, and returns
// how many it held.
func (d *decoder) records(key string) (int, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return 0, d.fail(key, "", -1, err)
	}
	if tok != json.Delim('[') {
		return 0, d.fail(key, "", d.dec.InputOffset(), fmt.Errorf("expected an array, found %s", describe(tok)))
	}
	// API pages wrap each record as {"cve":{…}}; fkie-cad bundles do not.
	wrapped := key == "vulnerabilities"
	var item struct {
		CVE *rawCVE `json:"cve"`
	}
	n := 0
	for ; d.dec.More(); n++ {
		path := key + "[" + strconv.Itoa(n) + "]"
		off := d.dec.InputOffset()
		rec := new(rawCVE)
		if wrapped {
			item.CVE = nil
			err = d.dec.Decode(&item)
			rec = item.CVE
		} else {
			err = d.dec.Decode(rec)
		}
		if err != nil {
			return n, d.fail(path, "", off, err)
		}
		if rec == nil {
			return n, d.fail(path, "", off, errors.New(`no "cve" object`))
		}
		if err := d.emit(rec, path, off); err != nil {
			return n, err
		}
	}
	if _, err := d.dec.Token(); err != nil { // the closing bracket
		return n, d.fail(key, "", -1, err)
	}
	return n, nil
}

// emit converts one record and hands it to fn.
func (d *decoder) emit(rec *rawCVE, path string, off int64) error {
	var id string
	if validID(rec.ID) {
		id = rec.ID
	}
	v, err := rec.convert()
	if err != nil {
		return d.fail(path, id, off, err)
	}
	d.st.Records++
	if rec.VulnStatus == "Rejected" {
		d.st.Rejected++
	}
	if v.Modified.After(d.st.LastModified) {
		d.st.LastModified = v.Modified
	}
	if err := d.fn(v); err != nil {
		return &Error{File: d.name, Path: path, CVE: id, Offset: -1, Err: err}
	}
	return nil
}

// describe names a JSON token for an error message.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return string(t)
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}

// clip shortens s for an error message, so that a hostile or broken file
// cannot make one megabytes long.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
