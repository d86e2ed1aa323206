package feeds

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/cordonsec/cordon"
	"github.com/ulikunitz/xz"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	xzMagic   = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}
	utf8BOM   = []byte{0xef, 0xbb, 0xbf}
)

// maxSniffPlain bounds what Detect decompresses from a compressed head, so
// that a small bomb cannot make it allocate much.
const maxSniffPlain = 256 << 10

// accepted is the list of formats named in Detect's error.
const accepted = "NVD CVE API 2.0 JSON (record, API page or fkie-cad bundle), CISA KEV JSON, " +
	"FIRST EPSS CSV, CSAF 2.0 JSON, endoflife.date product page (.md) or Cordon device lifecycle JSON, " +
	"each plain, gzip or xz"

// Detect says which feed source a file is from its first bytes (head: a
// prefix of the file, 64 KiB is plenty) and its name: one of cordon.FeedNVD,
// FeedKEV, FeedEPSS, FeedCSAF, FeedLifecycle. Compressed heads (gzip, xz)
// are decompressed as far as they go and the content inside is judged.
// The name only breaks one tie: a Markdown page whose front matter is too
// long for head to show its releases. Anything else is an EINVALID error
// naming the file and the formats accepted.
func Detect(name string, head []byte) (string, error) {
	plain, err := unwrapHead(head)
	if err != nil {
		return "", cordon.Errorf(cordon.EINVALID, "%s looks compressed but cannot be read: %v.", name, err)
	}
	plain = bytes.TrimPrefix(plain, utf8BOM)
	trimmed := bytes.TrimLeft(plain, " \t\r\n")
	switch {
	case bytes.HasPrefix(trimmed, []byte("#model_version:")):
		return cordon.FeedEPSS, nil
	case bytes.HasPrefix(plain, []byte("---\n")) || bytes.HasPrefix(plain, []byte("---\r\n")):
		if hasReleases(plain) || isMarkdownName(name) {
			return cordon.FeedLifecycle, nil
		}
	case bytes.HasPrefix(trimmed, []byte("{")):
		if src := sniffObject(trimmed); src != "" {
			return src, nil
		}
	case bytes.HasPrefix(trimmed, []byte("[")):
		if isDeviceLifecycle(trimmed) {
			return cordon.FeedLifecycle, nil
		}
	}
	return "", cordon.Errorf(cordon.EINVALID, "%s is not a feed file Cordon recognises. Accepted: %s.", name, accepted)
}

// isMarkdownName reports whether a file or URL name ends in .md, before
// any compression suffix.
func isMarkdownName(name string) bool {
	n := strings.ToLower(name)
	if i := strings.IndexAny(n, "?#"); i >= 0 && strings.Contains(n, "://") {
		n = n[:i]
	}
	n = strings.TrimSuffix(strings.TrimSuffix(n, ".gz"), ".xz")
	return strings.HasSuffix(n, ".md") || strings.HasSuffix(n, ".markdown")
}

// unwrapHead decompresses a compressed head as far as it goes.
func unwrapHead(head []byte) ([]byte, error) {
	var zr io.Reader
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		r, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			return nil, err
		}
		zr = r
	case bytes.HasPrefix(head, xzMagic):
		r, err := xz.NewReader(bytes.NewReader(head))
		if err != nil {
			return nil, err
		}
		zr = r
	default:
		return head, nil
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxSniffPlain))
	// A head cut short ends the stream early: what came out is what counts.
	if len(out) == 0 && err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && err != io.EOF {
		return nil, err
	}
	return out, nil
}

// hasReleases reports whether YAML front matter has a top-level releases
// key before its closing line (or before head ends).
func hasReleases(data []byte) bool {
	_, rest, _ := bytes.Cut(data, []byte("\n"))
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimRight(line, " \r")
		if string(line) == "---" {
			return false
		}
		if bytes.HasPrefix(line, []byte("releases:")) {
			return true
		}
	}
	return false
}

// isDeviceLifecycle reports whether data starts a JSON list whose first
// entry has the device lifecycle file's keys (manufacturer, model).
func isDeviceLifecycle(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimLeft(bytes.TrimPrefix(data, utf8BOM), " \t\r\n")))
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return false
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	seen := 0
	for i := 0; i < 64; i++ {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		key, ok := t.(string)
		if !ok {
			return false
		}
		if key == "manufacturer" || key == "model" {
			if seen++; seen == 2 {
				return true
			}
		}
		if skipValue(dec) != nil {
			return false
		}
	}
	return false
}

// sniffObject judges a JSON object by its top-level keys, looking into
// "document" and the first element of "vulnerabilities" where the keys
// alone do not decide. The head may end anywhere; it judges what it saw.
func sniffObject(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	var kevKeys, nvdPageKeys, nvdRecordKeys int
	decide := func() string {
		switch {
		case kevKeys >= 2:
			return cordon.FeedKEV
		case nvdPageKeys >= 2:
			return cordon.FeedNVD
		case nvdRecordKeys >= 2:
			return cordon.FeedNVD
		}
		return ""
	}
	for keys := 0; keys < 256; keys++ {
		t, err := dec.Token()
		if err != nil {
			return decide()
		}
		key, ok := t.(string)
		if !ok {
			return decide()
		}
		switch key {
		case "cve_items", "cve_count", "feed_name":
			return cordon.FeedNVD // fkie-cad bundle
		case "catalogVersion":
			return cordon.FeedKEV
		case "product_tree":
			return cordon.FeedCSAF
		case "document":
			if csafDocument(dec) {
				return cordon.FeedCSAF
			}
			return decide() // dec is somewhere inside "document" now
		case "cve":
			// {"cve":{…}} is a wrapped NVD record; CSAF's "cve" lives deeper.
			if t, err := dec.Token(); err == nil && t == json.Delim('{') {
				return cordon.FeedNVD
			}
			return decide()
		case "vulnerabilities":
			if src := firstVulnerability(dec); src != "" {
				return src
			}
			return decide() // dec is somewhere inside the array now
		case "title", "dateReleased", "count":
			kevKeys++
		case "resultsPerPage", "startIndex", "totalResults", "format", "version", "timestamp":
			nvdPageKeys++
		case "sourceIdentifier", "published", "lastModified", "vulnStatus", "descriptions", "configurations", "metrics":
			nvdRecordKeys++
		case "id":
			if t, err := dec.Token(); err == nil {
				if s, ok := t.(string); ok && strings.HasPrefix(s, "CVE-") {
					nvdRecordKeys++
				}
			}
			continue
		}
		if skipValue(dec) != nil {
			return decide()
		}
	}
	return decide()
}

// csafDocument reads the value of "document" and reports whether it has a
// csaf_version.
func csafDocument(dec *json.Decoder) bool {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	for i := 0; i < 256; i++ {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		key, ok := t.(string)
		if !ok {
			return false // the end of "document"
		}
		if key == "csaf_version" {
			return true
		}
		if skipValue(dec) != nil {
			return false
		}
	}
	return false
}

// firstVulnerability reads into the "vulnerabilities" array and judges its
// first element: {"cve":{…}} is an NVD page, {"cveID":…} a KEV catalogue,
// {"cve":"CVE-…"} a CSAF advisory; "" when it cannot tell.
func firstVulnerability(dec *json.Decoder) string {
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return ""
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for i := 0; i < 256; i++ {
		t, err := dec.Token()
		if err != nil {
			return ""
		}
		key, ok := t.(string)
		if !ok {
			break
		}
		switch key {
		case "cveID":
			return cordon.FeedKEV
		case "cve":
			t, err := dec.Token()
			if err != nil {
				return ""
			}
			if t == json.Delim('{') {
				return cordon.FeedNVD
			}
			if _, ok := t.(string); ok {
				return cordon.FeedCSAF
			}
			return ""
		}
		if skipValue(dec) != nil {
			return ""
		}
	}
	return ""
}

// skipValue consumes one JSON value from dec.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth <= 0 {
			return nil
		}
	}
}
