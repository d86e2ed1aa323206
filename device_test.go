package cordon_test

import (
	"testing"

	"github.com/cordonsec/cordon"
)

func TestProtocolSummariesEmpty(t *testing.T) {
	var nilDICOM *cordon.DICOMInfo
	var nilHL7 *cordon.HL7Info
	if !nilDICOM.Empty() || !nilHL7.Empty() {
		t.Error("nil summaries are not empty")
	}
	// Stored devices carry empty objects, not nil: they are still empty.
	if !(&cordon.DICOMInfo{AETitles: []string{}, SOPClasses: []string{}}).Empty() || !(&cordon.HL7Info{}).Empty() {
		t.Error("empty summaries are not empty")
	}
	if (&cordon.DICOMInfo{AETitles: []string{"CT01"}}).Empty() || (&cordon.HL7Info{Applications: []string{"CARESCAPE"}}).Empty() {
		t.Error("summaries with content are empty")
	}
}
