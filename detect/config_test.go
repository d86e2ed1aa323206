package detect

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// A category selector approves an endpoint for the devices of that
// category only; an unknown selector field is named.
func TestConfigCategory(t *testing.T) {
	c, err := ParseConfig([]byte(`{"internet": [{"match": "category:Imaging_Modality", "hosts": ["*.healthineers.example"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cc, err := compile(c)
	if err != nil {
		t.Fatal(err)
	}
	addr := netip.MustParseAddr("203.0.113.7")
	ct := &cordon.Device{Category: cordon.CategoryImagingModality}
	pump := &cordon.Device{Category: cordon.CategoryInfusionPump}
	if !cc.allowed(ct, addr, "update.healthineers.example") {
		t.Errorf("the CT may not reach its manufacturer")
	}
	if cc.allowed(pump, addr, "update.healthineers.example") {
		t.Errorf("the pump may reach the CT's manufacturer")
	}
	if _, err := ParseConfig([]byte(`{"internet": [{"match": "ward:ICU", "hosts": ["x.example"]}]}`)); err == nil ||
		!strings.Contains(err.Error(), `internet[0].match field "ward"`) {
		t.Errorf("unknown field: %v", err)
	}
}
