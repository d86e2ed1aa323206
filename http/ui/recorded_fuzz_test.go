package ui

import (
	"net/url"
	"testing"
)

// FuzzParseRecorded feeds arbitrary form bodies to the recorded-fields form
// parser: either field errors, or a record that passes the domain's own
// validation; never a panic.
func FuzzParseRecorded(f *testing.F) {
	f.Add("ward=Radiology+2&criticality=high&patient_data=yes")
	f.Add("criticality=extreme&mac=zz&supplier_mfa=maybe")
	f.Add("notes=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		r, errs := parseRecorded(form)
		if len(errs) == 0 {
			if err := r.Validate(); err != nil {
				t.Fatalf("form accepted an invalid record: %v", err)
			}
		}
	})
}
