package feeds

import (
	"bytes"
	"testing"

	"github.com/cordonsec/cordon"
)

// FuzzParseConfig: a sync configuration is a user's file; any bytes give a
// configuration or an EINVALID error naming the file, never a panic.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		`{"nvd":{"api_key_env":"MY_KEY","window":"1m"},"epss":{"url":""}}`,
		`{"kev":{"url":"ftp://x"}}`, `{"nvd":{"results_per_page":5000}}`,
		`{"endoflife":{"products":["../etc"]}}`, `{"csaf":{"urls":["https://example.invalid/a.json"]}}`, `nvd: {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ParseConfig("feeds.json", data); err != nil && cordon.ErrorCode(err) != cordon.EINVALID {
			t.Fatalf("error %v is not EINVALID", err)
		}
	})
}

// FuzzPageInfo: NVD's answers are untrusted bytes from the network.
func FuzzPageInfo(f *testing.F) {
	f.Add([]byte(`{"resultsPerPage":2000,"startIndex":0,"totalResults":5,"vulnerabilities":[]}`))
	f.Add([]byte(`{"totalResults":"x"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		total, per, err := pageInfo(bytes.NewReader(data), "page")
		if err == nil && (total < 0 || per < 0) {
			t.Fatalf("accepted negative counts %d, %d", total, per)
		}
	})
}
