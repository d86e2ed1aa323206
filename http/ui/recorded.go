package ui

import (
	"net/url"
	"strings"

	"github.com/cordonsec/cordon"
)

// recordedField is one field of the recorded-fields form: how to read it
// from and write it to a cordon.Recorded, and how to show it.
type recordedField struct {
	Name, Label, Kind, Hint string // Kind: text, textarea, category, criticality, mode, bool
	get                     func(*cordon.Recorded) string
	set                     func(*cordon.Recorded, string)
}

// str makes a recordedField for a plain string field.
func str(name, kind, hint string, p func(*cordon.Recorded) *string) recordedField {
	return recordedField{Name: name, Label: fieldLabel(name), Kind: kind, Hint: hint,
		get: func(r *cordon.Recorded) string { return *p(r) },
		set: func(r *cordon.Recorded, v string) { *p(r) = v }}
}

// yesNo makes a recordedField for a yes/no/unknown field.
func yesNo(name string, p func(*cordon.Recorded) **bool) recordedField {
	return recordedField{Name: name, Label: fieldLabel(name), Kind: "bool",
		get: func(r *cordon.Recorded) string { return boolValue(*p(r)) },
		set: func(r *cordon.Recorded, v string) { *p(r) = parseBoolValue(v) }}
}

// recordedGroups lays out every field of cordon.Recorded in the form, in
// fieldsets.
var recordedGroups = []struct {
	Legend string
	Fields []recordedField
}{
	{"Identity in the register", []recordedField{
		str("asset_tag", "text", "", func(r *cordon.Recorded) *string { return &r.AssetTag }),
		str("serial", "text", "", func(r *cordon.Recorded) *string { return &r.Serial }),
		str("mac", "text", "e.g. 00:1b:63:84:45:e6", func(r *cordon.Recorded) *string { return &r.MAC }),
		str("ip", "text", "", func(r *cordon.Recorded) *string { return &r.IP }),
		str("hostname", "text", "", func(r *cordon.Recorded) *string { return &r.Hostname }),
		str("manufacturer", "text", "", func(r *cordon.Recorded) *string { return &r.Manufacturer }),
		str("model", "text", "", func(r *cordon.Recorded) *string { return &r.Model }),
		str("category", "category", "", func(r *cordon.Recorded) *string { return &r.Category }),
		str("os", "text", "e.g. Windows 10", func(r *cordon.Recorded) *string { return &r.OS }),
	}},
	{"Location and ownership", []recordedField{
		str("site", "text", "", func(r *cordon.Recorded) *string { return &r.Site }),
		str("building", "text", "", func(r *cordon.Recorded) *string { return &r.Building }),
		str("ward", "text", "", func(r *cordon.Recorded) *string { return &r.Ward }),
		str("room", "text", "", func(r *cordon.Recorded) *string { return &r.Room }),
		str("department", "text", "", func(r *cordon.Recorded) *string { return &r.Department }),
		str("owner", "text", "", func(r *cordon.Recorded) *string { return &r.Owner }),
		str("contact", "text", "A team or role, not a patient", func(r *cordon.Recorded) *string { return &r.Contact }),
	}},
	{"Clinical use", []recordedField{
		str("criticality", "criticality", "", func(r *cordon.Recorded) *string { return &r.Criticality }),
		yesNo("patient_data", func(r *cordon.Recorded) **bool { return &r.PatientData }),
	}},
	{"Support and supplier access", []recordedField{
		str("vendor", "text", "", func(r *cordon.Recorded) *string { return &r.Vendor }),
		str("maintenance", "text", "e.g. manufacturer contract to 2027", func(r *cordon.Recorded) *string { return &r.Maintenance }),
		str("supplier_access_method", "text", "e.g. VPN and jump host", func(r *cordon.Recorded) *string { return &r.SupplierAccessMethod }),
		str("supplier_access_mode", "mode", "", func(r *cordon.Recorded) *string { return &r.SupplierAccessMode }),
		yesNo("supplier_mfa", func(r *cordon.Recorded) **bool { return &r.SupplierMFA }),
	}},
	{"Network and notes", []recordedField{
		str("zone", "text", "Network zone or VLAN", func(r *cordon.Recorded) *string { return &r.Zone }),
		str("notes", "textarea", "No patient information, please.", func(r *cordon.Recorded) *string { return &r.Notes }),
	}},
}

// formField is a recordedField with its current value and error, for the
// template.
type formField struct {
	recordedField
	Value, Error string
}

// formGroup is one fieldset of the form.
type formGroup struct {
	Legend string
	Fields []formField
}

// recordedForm builds the form's fields from r, with errors by field name.
func recordedForm(r *cordon.Recorded, errs map[string]string) []formGroup {
	out := make([]formGroup, 0, len(recordedGroups))
	for _, g := range recordedGroups {
		fg := formGroup{Legend: g.Legend}
		for _, f := range g.Fields {
			fg.Fields = append(fg.Fields, formField{recordedField: f, Value: f.get(r), Error: errs[f.Name]})
		}
		out = append(out, fg)
	}
	return out
}

// parseRecorded reads the form into a Recorded, trimming surrounding
// spaces, and checks each field on its own against the domain's rules
// (cordon.Recorded.Validate), so that each message can stand next to its
// field. The rules stay the domain's: a field is checked by validating a
// record holding only that field.
func parseRecorded(form url.Values) (cordon.Recorded, map[string]string) {
	var r cordon.Recorded
	errs := map[string]string{}
	for _, g := range recordedGroups {
		for _, f := range g.Fields {
			v := form.Get(f.Name)
			if f.Kind != "textarea" {
				v = strings.TrimSpace(v)
			}
			f.set(&r, v)
			var one cordon.Recorded
			f.set(&one, v)
			if err := one.Validate(); err != nil {
				errs[f.Name] = cordon.ErrorMessage(err)
			}
		}
	}
	return r, errs
}
