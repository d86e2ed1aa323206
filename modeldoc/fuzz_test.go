package modeldoc_test

import (
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/modeldoc"
)

// FuzzRead feeds arbitrary bytes through detection and every reader: any
// input gives a document or an EINVALID error, never a panic, and a
// document always carries what the store requires.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [{"type": "library", "name": "zlib", "version": "1.2.11", "cpe": "cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*"}]}`), "")
	f.Add([]byte(`{"bomFormat": "CycloneDX", "specVersion": "1.5", "vulnerabilities": [{"id": "CVE-2024-1", "analysis": {"state": "not_affected", "justification": "code_not_present"}, "affects": [{"ref": "x"}]}]}`), "")
	f.Add([]byte(`{"@context": "https://openvex.dev/ns/v0.2.0", "statements": []}`), "vex")
	f.Add([]byte("Question ID,Question,Answer\nRMOT-1,Remote?,No\n"), "")
	f.Add([]byte("PK\x03\x04"), "mds2")
	f.Add([]byte(`{"spdxVersion": "SPDX-2.3", "packages": []}`), "sbom")
	f.Fuzz(func(t *testing.T, data []byte, kind string) {
		d, c, err := modeldoc.Read(1, "fuzz", kind, data)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("document %+v does not validate: %v", d, err)
		}
		if c == nil {
			t.Fatal("no content")
		}
	})
}
