package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/policy"
)

// zoneForm is the zone form as typed. Original names the declared zone
// being edited, "" when adding one; Field names the input at fault.
type zoneForm struct {
	Original                               string
	Name, Kind, Subnets, VLANs, Categories string
	Devices                                string
	Field                                  string
}

// zoneRow is a declared zone as the table shows it, with how many devices
// the latest learning put in it.
type zoneRow struct {
	policy.ZoneSpec
	Members int
	EditURL string
}

// policyZonesPage is the data of /policy/zones.
type policyZonesPage struct {
	page
	Learning  *cordon.PolicyLearning
	Days      int
	Zones     []zoneRow
	Kinds     []string
	Form      zoneForm
	Message   string
	FormError string
}

// policyZoneMessages are the banners a redirect after a change names.
var policyZoneMessages = map[string]string{
	"saved":   "Zone saved, and the policy learned again with it: review the new suggestions on the policy page.",
	"removed": "Zone removed, and the policy learned again without it.",
}

// declaredZones returns the latest learning (nil when none) and the zones
// declared for it.
func (h *Handler) declaredZones(r *http.Request) (*cordon.PolicyLearning, []policy.ZoneSpec, error) {
	l, err := h.cfg.Policies.PolicyLearning(r.Context())
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var specs []policy.ZoneSpec
	if len(l.ZoneSpecs) > 0 {
		if err := json.Unmarshal(l.ZoneSpecs, &specs); err != nil {
			return nil, nil, fmt.Errorf("ui: zone specs of learning %d: %w", l.ID, err)
		}
	}
	return l, specs, nil
}

func (h *Handler) handlePolicyZones(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	q := r.URL.Query()
	var form zoneForm
	if name := q.Get("edit"); name != "" {
		_, specs, err := h.declaredZones(r)
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		i := slices.IndexFunc(specs, func(s policy.ZoneSpec) bool { return s.Name == name })
		if i < 0 {
			h.renderError(w, r, notFound("declared zone"))
			return
		}
		form = zoneFormOf(&specs[i])
	}
	h.renderPolicyZones(w, r, u, http.StatusOK, form, "", policyZoneMessages[q.Get("done")])
}

func (h *Handler) renderPolicyZones(w http.ResponseWriter, r *http.Request, u *cordon.User, status int, form zoneForm, formError, message string) {
	if _, err := h.policyServer(); err != nil {
		h.renderError(w, r, err)
		return
	}
	l, specs, err := h.declaredZones(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p := &policyZonesPage{page: h.base(r, u, "Declared zones", "policy"), Learning: l, Days: policy.DefaultLearnDays,
		Kinds: policy.DeclarableKinds, Form: form, FormError: formError, Message: message}
	members := map[string]int{}
	if l != nil {
		p.Days = l.Days
		var zs []policy.Zone
		if err := json.Unmarshal(l.Zones, &zs); err != nil {
			h.renderError(w, r, fmt.Errorf("ui: zones of learning %d: %w", l.ID, err))
			return
		}
		for _, z := range zs {
			members[z.Name] = len(z.Devices)
		}
	}
	for _, s := range specs {
		p.Zones = append(p.Zones, zoneRow{ZoneSpec: s, Members: members[s.Name],
			EditURL: "/policy/zones?" + url.Values{"edit": {s.Name}}.Encode() + "#zone-form"})
	}
	h.render(w, r, status, "policy-zones", p)
}

// handlePolicyZoneSave adds, replaces or removes one declared zone and
// learns the policy again over the same window with the new list. The
// form carries the learning it was read from, so that a change made
// meanwhile is not overwritten unseen.
func (h *Handler) handlePolicyZoneSave(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	ps, err := h.policyServer()
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	if err := readForm(w, r); err != nil {
		h.renderError(w, r, err)
		return
	}
	f := r.PostForm
	form := zoneForm{Original: f.Get("original"), Name: f.Get("name"), Kind: f.Get("kind"), Subnets: f.Get("subnets"),
		VLANs: f.Get("vlans"), Categories: f.Get("categories"), Devices: f.Get("devices")}
	remove := f.Get("action") == "remove"
	if remove {
		form = zoneForm{}
	}
	l, specs, err := h.declaredZones(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	var current int64
	days, bySubnet := policy.DefaultLearnDays, false
	if l != nil {
		current, days, bySubnet = l.ID, l.Days, l.BySubnet
	}
	if f.Get("learning") != strconv.FormatInt(current, 10) {
		h.renderPolicyZones(w, r, u, http.StatusConflict, form,
			"The policy was learned again since this page was opened, perhaps with other zones: the table shows them now. Make the change again.", "")
		return
	}
	original := f.Get("original")
	at := -1
	if original != "" {
		if at = slices.IndexFunc(specs, func(s policy.ZoneSpec) bool { return s.Name == original }); at < 0 {
			h.renderPolicyZones(w, r, u, http.StatusConflict, form, fmt.Sprintf("No zone %q is declared any more; nothing was changed.", original), "")
			return
		}
	}
	done := "saved"
	switch {
	case remove && at < 0:
		h.renderPolicyZones(w, r, u, http.StatusBadRequest, form, "Name the zone to remove.", "")
		return
	case remove:
		specs, done = slices.Delete(specs, at, at+1), "removed"
	default:
		spec, field, err := zoneSpecFrom(&form)
		if err != nil {
			form.Field = field
			h.renderPolicyZones(w, r, u, http.StatusBadRequest, form, cordon.ErrorMessage(err), "")
			return
		}
		if at < 0 {
			at = len(specs)
			specs = append(specs, spec)
		} else {
			specs[at] = spec
		}
		if err := policy.ValidateZones(specs); err != nil {
			form.Field = zoneField(cordon.ErrorField(err), specs, at)
			h.renderPolicyZones(w, r, u, http.StatusBadRequest, form, cordon.ErrorMessage(err), "")
			return
		}
	}
	if _, err := ps.Learn(r.Context(), policy.LearnRequest{Days: days, Zones: specs, BySubnet: bySubnet}); err != nil {
		if cordon.ErrorCode(err) == cordon.EINVALID {
			h.renderPolicyZones(w, r, u, http.StatusBadRequest, form, cordon.ErrorMessage(err), "")
			return
		}
		h.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/policy/zones?done="+done, http.StatusSeeOther)
}

// zoneFormOf fills the form with a declared zone, one item a line.
func zoneFormOf(s *policy.ZoneSpec) zoneForm {
	vlans := make([]string, len(s.VLANs))
	for i, v := range s.VLANs {
		vlans[i] = strconv.Itoa(int(v))
	}
	return zoneForm{Original: s.Name, Name: s.Name, Kind: s.Kind, Subnets: strings.Join(s.Subnets, "\n"),
		VLANs: strings.Join(vlans, ", "), Categories: strings.Join(s.Categories, "\n"), Devices: strings.Join(s.Devices, "\n")}
}

// zoneSpecFrom reads a zone from the form: the lists separated by commas,
// spaces or new lines. It returns the field at fault with an error; the
// values themselves are checked by policy.ValidateZones.
func zoneSpecFrom(f *zoneForm) (policy.ZoneSpec, string, error) {
	s := policy.ZoneSpec{Name: strings.TrimSpace(f.Name), Kind: f.Kind, Subnets: splitList(f.Subnets),
		Categories: splitList(f.Categories), Devices: splitList(f.Devices)}
	if s.Kind != "" && !slices.Contains(policy.DeclarableKinds, s.Kind) {
		return s, "kind", cordon.Errorf(cordon.EINVALID, "Kind must be one of %s, or empty to follow the members' category; not %q.", strings.Join(policy.DeclarableKinds, ", "), s.Kind)
	}
	for _, v := range splitList(f.VLANs) {
		n, err := strconv.ParseUint(v, 10, 16)
		if err != nil {
			return s, "vlans", cordon.Errorf(cordon.EINVALID, "VLANs: %q is not a VLAN number such as 30.", v)
		}
		s.VLANs = append(s.VLANs, uint16(n))
	}
	for _, d := range s.Devices {
		if len(d) > 128 {
			return s, "devices", cordon.Errorf(cordon.EINVALID, "Devices: %.40q… is longer than a device key or MAC address.", d)
		}
	}
	return s, "", nil
}

// splitList splits a list typed one item a line, or separated by commas
// or spaces, dropping empty items and repeats.
func splitList(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// zoneField is the input of the zone at index at that a ValidateZones
// error field ("zones[i].kind") is about; "" when it is about another
// zone, except for a name this zone now shares with a later one, which
// is reported at the later place.
func zoneField(errField string, specs []policy.ZoneSpec, at int) string {
	var i int
	var field string
	if n, _ := fmt.Sscanf(strings.Replace(errField, "].", "] ", 1), "zones[%d] %s", &i, &field); n != 2 {
		return ""
	}
	if i == at || field == "name" && i < len(specs) && specs[i].Name == specs[at].Name {
		return field
	}
	return ""
}
