package cordon

import (
	"fmt"
	"testing"
	"time"
)

// TestLifecycleErrorFields checks that each refusal names its field, which
// the API returns and the forms mark.
func TestLifecycleErrorFields(t *testing.T) {
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		err   error
		field string
	}{
		{(&LifecyclePlan{LifeYears: -1}).Validate(), "life_years"},
		{(&LifecyclePlan{EndOfSupportOn: day}).Validate(), "end_of_support_source"},
		{(&LifecyclePlan{ReplaceOn: day, CommissionedOn: day.AddDate(1, 0, 0)}).Validate(), "replace_on"},
		{(&LifecyclePlan{CommissionedOn: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)}).Validate(), "commissioned_on"},
		{(&Decommissioning{Reason: "x"}).Validate(), "on"},
		{(&Decommissioning{On: day}).Validate(), "reason"},
		{(&Sanitisation{Method: "shred"}).Validate(), "sanitisation.method"},
		{(&Sanitisation{Method: SanitisationMethods[0], Operator: "EBME"}).Validate(), "sanitisation.on"},
		{fmt.Errorf("wrapped: %w", Invalidf("x", "bad")), "x"},
		{Errorf(EINVALID, "no field"), ""},
		{fmt.Errorf("plain"), ""},
	} {
		if ErrorCode(tt.err) == "" || ErrorField(tt.err) != tt.field {
			t.Errorf("%v: field %q, want %q", tt.err, ErrorField(tt.err), tt.field)
		}
	}
}
