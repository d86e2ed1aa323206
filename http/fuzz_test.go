package http

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// FuzzMergeRecorded feeds arbitrary PATCH bodies through the merge-patch
// path: decoding, merging, validating and comparing with an observed device
// must never panic, and whatever merges must survive a JSON round trip.
func FuzzMergeRecorded(f *testing.F) {
	f.Add([]byte(`{"ward": "Radiology 2", "patient_data": true, "os": "Windows 10"}`))
	f.Add([]byte(`{"asset_tag": null, "mac": "00:09:fb:01:02:03", "ip": "::ffff:10.1.2.3"}`))
	f.Add([]byte(`{"notes": "'; DROP TABLE devices; --", "owner": "<script>alert(1)</script>"}`))
	f.Add([]byte(`{"ward": 7}`))
	f.Add([]byte(`{"criticality": "high", "supplier_mfa": false, "hostname": "CT01."}`))
	mac, _ := cordon.ParseMAC("00:09:fb:01:02:03")
	obs := &cordon.Device{MAC: mac, IPs: []string{"10.1.2.3"}, Hostnames: []string{"ct01.example"},
		Manufacturer: "Siemens", Model: "SOMATOM", Category: cordon.CategoryImagingModality,
		OS: cordon.OS{Name: "Windows 7", Version: "6.1.7601"}}
	f.Fuzz(func(t *testing.T, body []byte) {
		var patch map[string]json.RawMessage
		if json.Unmarshal(body, &patch) != nil || patch == nil {
			return
		}
		rec, err := mergeRecorded(cordon.Recorded{Ward: "ICU", Notes: "n"}, patch)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("merge error %v is not EINVALID", err)
			}
			return
		}
		_ = rec.Validate()
		cordon.Differences(&cordon.DeviceRecord{Observed: obs, Recorded: rec})
		b, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		var back cordon.Recorded
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// FuzzPeekMultipartCSRF checks that peeking for the CSRF part never panics
// and always gives the handler the body back byte for byte.
func FuzzPeekMultipartCSRF(f *testing.F) {
	f.Add("xyz", []byte("--xyz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntoken\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pcap\"\r\n\r\n\xd4\xc3\xb2\xa1\r\n--xyz--\r\n"))
	f.Add("b", []byte("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--b--"))
	f.Add("b", []byte("garbage"))
	f.Add("b", append([]byte("--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"), bytes.Repeat([]byte("t"), 9000)...))
	f.Fuzz(func(t *testing.T, boundary string, body []byte) {
		r, err := http.NewRequest("POST", "/api/v1/captures", bytes.NewReader(body))
		if err != nil {
			return
		}
		r.Header.Set("Content-Type", "multipart/form-data; boundary=\""+strings.ReplaceAll(boundary, `"`, "")+"\"")
		tok := peekMultipartCSRF(r)
		if len(tok) > 256 {
			t.Fatalf("token of %d bytes", len(tok))
		}
		got, err := io.ReadAll(r.Body)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("body not restored: %v", err)
		}
	})
}

// FuzzLocalPath checks that a sign-in's next parameter can only ever lead
// to a path on this server.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/devices?q=ct", "//evil.example", `/\evil`, "https://evil.example", "/x\r\nA: b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		p := localPath(next)
		if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
			t.Fatalf("localPath(%q) = %q", next, p)
		}
		req, err := http.NewRequest("GET", "http://cordon.example"+p, nil)
		if err == nil && req.URL.Host != "cordon.example" {
			t.Fatalf("localPath(%q) = %q leads to host %q", next, p, req.URL.Host)
		}
	})
}
