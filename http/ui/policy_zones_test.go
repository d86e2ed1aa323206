package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/policy"
	"github.com/cordonsec/cordon/sqlite"
)

// latestZones returns the latest learning's ID, window and declared zones.
func (e *testEnv) latestZones() (int64, int, []policy.ZoneSpec) {
	e.t.Helper()
	l, err := sqlite.NewPolicyService(e.db).PolicyLearning(context.Background())
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		return 0, 0, nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	var specs []policy.ZoneSpec
	if err := json.Unmarshal(l.ZoneSpecs, &specs); err != nil {
		e.t.Fatal(err)
	}
	return l.ID, l.Days, specs
}

// zoneValues is a zone form as a browser posts it for learning id.
func zoneValues(learning int64, original, name, kind, subnets, vlans, categories, devices string) url.Values {
	return url.Values{"learning": {strconv.FormatInt(learning, 10)}, "action": {"save"}, "original": {original}, "name": {name},
		"kind": {kind}, "subnets": {subnets}, "vlans": {vlans}, "categories": {categories}, "devices": {devices}}
}

func TestPolicyZones(t *testing.T) {
	e := newPolicyEnv(t)

	// Viewers read the zones and may not change them.
	r := e.get("viewer1", "/policy/zones")
	if r.status != 200 || !strings.Contains(r.body, "No zone declared") || strings.Contains(r.body, `action="/policy/zones"`) {
		t.Fatalf("viewer's page = %d\n%s", r.status, r.body)
	}
	if r := e.post("viewer1", "/policy/zones", zoneValues(0, "", "radiology", "", "", "", "", "")); r.status != http.StatusForbidden {
		t.Errorf("viewer adding a zone = %d", r.status)
	}
	if r := e.get("analyst1", "/policy"); !strings.Contains(r.body, `href="/policy/zones"`) {
		t.Errorf("the policy page does not link to the zone editor")
	}

	// The analyst's form: every kind offered, and the session's token.
	r = e.get("analyst1", "/policy/zones")
	for _, want := range append([]string{`name="csrf" value="` + testCSRF + `"`, `name="learning" value="0"`, "Declare a zone"}, policy.DeclarableKinds...) {
		if !strings.Contains(r.body, want) {
			t.Errorf("zone form lacks %q", want)
		}
	}

	// Before anything was learned, a zone learns the default window.
	r = e.post("analyst1", "/policy/zones", zoneValues(0, "", "radiology", policy.KindModality, "10.1.2.0/24, 10.1.2.0/24\n10.1.20.0/24", "30 31", "", keyPump))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/policy/zones?done=saved" {
		t.Fatalf("add zone = %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	id, days, specs := e.latestZones()
	want := []policy.ZoneSpec{{Name: "radiology", Kind: policy.KindModality, Subnets: []string{"10.1.2.0/24", "10.1.20.0/24"}, VLANs: []uint16{30, 31}, Devices: []string{keyPump}}}
	if id == 0 || days != policy.DefaultLearnDays || !zonesEqual(specs, want) {
		t.Fatalf("stored learning %d days %d zones %+v", id, days, specs)
	}
	r = e.get("viewer1", "/policy/zones?done=saved")
	if !strings.Contains(r.body, "Zone saved") || !strings.Contains(r.body, "10.1.20.0/24") || !strings.Contains(r.body, `<td class="num">2</td>`) {
		t.Errorf("zone table after adding: banner, subnets or two members (CT by subnet, pump by key) missing\n%s", pageSection(r.body, "declared"))
	}

	// Learned again through the JSON box with a window of 7 days and the
	// automatic zones split by subnet, the editor keeps both and shows
	// the zones the box declared.
	r = e.post("analyst1", "/policy/learn", url.Values{"days": {"7"}, "by_subnet": {"1"}, "zones": {`[{"name": "radiology", "kind": "modality", "subnets": ["10.1.2.0/24"]}, {"name": "ward-7", "categories": ["infusion_pump"]}]`}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("learn with JSON zones = %d", r.status)
	}
	id, _, _ = e.latestZones()
	if r := e.get("analyst1", "/policy/zones"); !strings.Contains(r.body, "ward-7") || !strings.Contains(r.body, `name="learning" value="`+strconv.FormatInt(id, 10)+`"`) {
		t.Errorf("zones declared through the JSON box not shown")
	}

	// Invalid zones are refused with the field named, and nothing stored.
	for _, c := range []struct {
		name, field, msg string
		form             url.Values
	}{
		{"ErrSubnet", "z-subnets", `Zone 3 ("pacs"): subnet "10.1.10/24" is not an address prefix`, zoneValues(id, "", "pacs", "", "10.1.10/24", "", "", "")},
		{"ErrVLAN", "z-vlans", `VLANs: "thirty" is not a VLAN number`, zoneValues(id, "", "pacs", "", "", "thirty", "", "")},
		{"ErrVLANRange", "z-vlans", "VLAN 5000 is outside 1-4094", zoneValues(id, "", "pacs", "", "", "5000", "", "")},
		{"ErrCategory", "z-categories", `category "pumps" is not a device category`, zoneValues(id, "", "pacs", "", "", "", "pumps", "")},
		{"ErrKind", "z-kind", `not "internet"`, zoneValues(id, "", "pacs", policy.KindInternet, "", "", "", "")},
		{"ErrName", "z-name", "name is empty", zoneValues(id, "", "  ", "", "", "", "", "")},
		{"ErrDuplicate", "z-name", "declared twice", zoneValues(id, "", "ward-7", "", "", "", "", "")},
		{"ErrRename", "z-name", "declared twice", zoneValues(id, "radiology", "ward-7", "", "", "", "", "")},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.post("analyst1", "/policy/zones", c.form)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, c.msg) && !strings.Contains(r.body, strings.ReplaceAll(c.msg, `"`, "&#34;")) {
				t.Errorf("status %d, want 400 with %q\n%s", r.status, c.msg, pageSection(r.body, "zone-form"))
			}
			if !strings.Contains(r.body, `id="`+c.field+`"`) || !strings.Contains(pageSection(r.body, "zone-form"), `aria-invalid="true"`) {
				t.Errorf("field %s not marked invalid", c.field)
			}
			i := strings.Index(r.body, `id="`+c.field+`"`)
			if j := strings.Index(r.body[i:], ">"); !strings.Contains(r.body[i:i+j], `aria-invalid="true"`) {
				t.Errorf("field %s not the one marked: %s", c.field, r.body[i:i+j])
			}
			if got, _, _ := e.latestZones(); got != id {
				t.Errorf("a refused zone was learned (learning %d, was %d)", got, id)
			}
		})
	}

	// Editing: the form opens on the zone; a rename keeps the window.
	r = e.get("analyst1", "/policy/zones?edit=radiology")
	if !strings.Contains(r.body, "Edit zone radiology") || !strings.Contains(r.body, `name="original" value="radiology"`) || !strings.Contains(r.body, ">10.1.2.0/24</textarea>") {
		t.Errorf("edit form not filled\n%s", pageSection(r.body, "zone-form"))
	}
	if r := e.get("analyst1", "/policy/zones?edit=nowhere"); r.status != http.StatusNotFound {
		t.Errorf("editing a missing zone = %d", r.status)
	}
	if r := e.post("analyst1", "/policy/zones", zoneValues(id, "radiology", "imaging", policy.KindModality, "10.1.2.0/24", "", cordon.CategoryImagingModality, "")); r.status != http.StatusSeeOther {
		t.Fatalf("rename = %d\n%s", r.status, r.body)
	}
	newID, days, specs := e.latestZones()
	want = []policy.ZoneSpec{{Name: "imaging", Kind: policy.KindModality, Subnets: []string{"10.1.2.0/24"}, Categories: []string{cordon.CategoryImagingModality}},
		{Name: "ward-7", Categories: []string{cordon.CategoryInfusionPump}}}
	if newID == id || days != 7 || !zonesEqual(specs, want) {
		t.Errorf("after rename: learning %d (was %d), %d days, zones %+v", newID, id, days, specs)
	}
	if l, err := sqlite.NewPolicyService(e.db).PolicyLearning(context.Background()); err != nil || !l.BySubnet {
		t.Errorf("after rename the automatic zones are no longer split by subnet: %+v, %v", l, err)
	}

	// A form read from an older learning is refused, not applied.
	if r := e.post("analyst1", "/policy/zones", zoneValues(id, "", "late", "", "", "", "", "")); r.status != http.StatusConflict || !strings.Contains(r.body, "learned again since this page was opened") {
		t.Errorf("stale form = %d", r.status)
	}
	if r := e.post("analyst1", "/policy/zones", zoneValues(newID, "radiology", "x", "", "", "", "", "")); r.status != http.StatusConflict || !strings.Contains(r.body, "No zone &#34;radiology&#34; is declared") {
		t.Errorf("editing a zone gone = %d", r.status)
	}

	// Removing one learns again without it.
	r = e.post("analyst1", "/policy/zones", url.Values{"learning": {strconv.FormatInt(newID, 10)}, "action": {"remove"}, "original": {"ward-7"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/policy/zones?done=removed" {
		t.Fatalf("remove = %d %s", r.status, r.header.Get("Location"))
	}
	if _, days, specs := e.latestZones(); days != 7 || len(specs) != 1 || specs[0].Name != "imaging" {
		t.Errorf("after removal: %d days, zones %+v", days, specs)
	}
	if r := e.get("viewer1", "/policy/zones?done=removed"); !strings.Contains(r.body, "Zone removed") || strings.Contains(r.body, "ward-7") {
		t.Errorf("page after removal")
	}
}

func zonesEqual(a, b []policy.ZoneSpec) bool {
	return slices.EqualFunc(a, b, func(x, y policy.ZoneSpec) bool {
		return x.Name == y.Name && x.Kind == y.Kind && slices.Equal(x.Subnets, y.Subnets) && slices.Equal(x.VLANs, y.VLANs) &&
			slices.Equal(x.Categories, y.Categories) && slices.Equal(x.Devices, y.Devices)
	})
}

// FuzzZoneForm feeds the zone form's reader arbitrary text: it must never
// panic, its lists must hold no empty or separator-bearing items, and a
// zone it accepts must pass or fail validation cleanly.
func FuzzZoneForm(f *testing.F) {
	f.Add("radiology", "modality", "10.1.2.0/24, 10.1.3.0/24", "30\n31", "imaging_modality", "mac:00:1b:63:84:45:e6")
	f.Add("", "internet", "10.1.2/24", "thirty", "pumps", "")
	f.Add(hostile, "", ",,;\n\r\t ", "65536", "", strings.Repeat("a", 200))
	f.Fuzz(func(t *testing.T, name, kind, subnets, vlans, categories, devices string) {
		form := zoneForm{Name: name, Kind: kind, Subnets: subnets, VLANs: vlans, Categories: categories, Devices: devices}
		s, field, err := zoneSpecFrom(&form)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID || field == "" {
				t.Fatalf("error %v (field %q) is not EINVALID naming a field", err, field)
			}
			return
		}
		for _, list := range [][]string{s.Subnets, s.Categories, s.Devices} {
			for _, v := range list {
				if v == "" || strings.ContainsAny(v, ",; \t\r\n") {
					t.Fatalf("item %q kept a separator", v)
				}
			}
		}
		if err := policy.ValidateZones([]policy.ZoneSpec{s}); err != nil && cordon.ErrorCode(err) != cordon.EINVALID {
			t.Fatalf("validate: %v", err)
		}
		back := zoneFormOf(&s)
		if again, _, err := zoneSpecFrom(&back); err != nil || !zonesEqual([]policy.ZoneSpec{again}, []policy.ZoneSpec{s}) {
			t.Fatalf("form of %+v reads back as %+v (%v)", s, again, err)
		}
	})
}
