package policy

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// TestReadPolicyRoundTrip reads back what the JSON exporter writes, and
// the check built from it decides as the original's.
func TestReadPolicyRoundTrip(t *testing.T) {
	devs, convs := fixture()
	p, err := Suggest(devs, convs, Options{Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Export(&buf, p, "json", ExportOptions{Now: t0}); err != nil {
		t.Fatal(err)
	}
	back, err := ReadPolicy(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Rules) == 0 || len(back.Rules) != len(p.Rules) || len(back.Zones) != len(p.Zones) {
		t.Fatalf("read %d rules, %d zones; wrote %d, %d", len(back.Rules), len(back.Zones), len(p.Rules), len(p.Zones))
	}
	if NewEnforcer(back, false).Holds() != NewEnforcer(p, false).Holds() {
		t.Error("the read policy holds other addresses")
	}
}

func TestReadPolicyErrors(t *testing.T) {
	for in, want := range map[string]string{
		`{"rules":[{"proto":"tcp","state":"approved","src":["10.0.0.300"]}]}`: "rules[0].src[0]",
		`{"rules":[{"proto":"gre","state":"approved"}]}`:                      "rules[0].proto",
		`{"rules":[{"proto":"tcp","state":"rejected"}]}`:                      "rules[0].state",
		`{"zones":[{"name":"A","addrs":["nope"]}]}`:                           `zones[0] ("A").addrs[0]`,
		`{"zones":[{"addrs":[]}]}`:                                            "zones[0] has no name",
		`{"rules":[{"port":"x"}]}`:                                            "field rules.port must be uint16",
		`{"bogus":1}`:                                                         "unknown field",
		`{"rules":[`:                                                          "Policy file",
	} {
		_, err := ReadPolicy(strings.NewReader(in))
		if cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want EINVALID naming %q", in, err, want)
		}
	}
}

func FuzzReadPolicy(f *testing.F) {
	f.Add([]byte(`{"zones":[{"name":"A","protected":true,"addrs":["10.0.0.1"]}],"rules":[{"proto":"tcp","port":104,"state":"approved","src":["10.0.0.1"],"dst":["10.0.0.2"]}]}`))
	f.Add([]byte(`{"rules":[{"proto":"udp","state":"suggested","src":["::1"]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ReadPolicy(bytes.NewReader(b))
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("error code %q: %v", cordon.ErrorCode(err), err)
			}
			return
		}
		e := NewEnforcer(p, false)
		for _, z := range p.Zones {
			for _, a := range parseAddrs(z.Addrs) {
				e.Forbids(a, a, "tcp", 1, time.Time{})
			}
		}
	})
}

// TestValidateZonesField checks that each refusal names the zone and field
// at fault, which the zone editor marks.
func TestValidateZonesField(t *testing.T) {
	ok := ZoneSpec{Name: "a"}
	for _, c := range []struct {
		specs []ZoneSpec
		field string
	}{
		{[]ZoneSpec{{Name: " "}}, "zones[0].name"},
		{[]ZoneSpec{ok, {Name: "b", Kind: "internet"}}, "zones[1].kind"},
		{[]ZoneSpec{ok, {Name: "b", Subnets: []string{"10.1/16"}}}, "zones[1].subnets"},
		{[]ZoneSpec{{Name: "b", VLANs: []uint16{4095}}}, "zones[0].vlans"},
		{[]ZoneSpec{{Name: "b", Categories: []string{"toaster"}}}, "zones[0].categories"},
		{[]ZoneSpec{ok, {Name: "b"}, ok}, "zones[2].name"},
	} {
		err := ValidateZones(c.specs)
		if cordon.ErrorCode(err) != cordon.EINVALID || cordon.ErrorField(err) != c.field {
			t.Errorf("%+v: %v (field %q), want field %q", c.specs, err, cordon.ErrorField(err), c.field)
		}
	}
}
