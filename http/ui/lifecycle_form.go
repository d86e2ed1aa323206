package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// The device page's lifecycle forms, as named in deviceLifecycle.Failed.
const (
	lifecycleFormPlan         = "plan"
	lifecycleFormDecommission = "decommission"
	lifecycleFormDispose      = "dispose"
)

// deviceLifecycle is the device page's lifecycle section.
type deviceLifecycle struct {
	*cordon.DeviceLifecycle
	CSRF    string
	CanEdit bool
	// NeedsSanitisation says the dispose form must carry a sanitisation
	// record (the device stores patient data, or the register does not say).
	NeedsSanitisation bool
	Methods           []string
	Today             string
	// Saved says a lifecycle form was just saved (?lifecycle=saved).
	Saved bool
	// A refused form comes back to the device page with its message beside
	// it and what was typed in it: Failed names the form, Field the field
	// the message is about ("" when it is about the form as a whole), and
	// Input holds the posted values.
	Failed, FormError, Field string
	Input                    url.Values
}

// Cost is the replacement cost in pounds, "" when not recorded.
func (d *deviceLifecycle) Cost() string {
	if d.Plan.ReplacementCost == 0 {
		return ""
	}
	return lifecyclePounds(d.Plan.ReplacementCost)
}

// Date formats a lifecycle date for a form field, "" for none.
func (d *deviceLifecycle) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// Value is what field of form shows: what was typed when that form was
// just refused, else stored, so a refusal never loses the user's input.
func (d *deviceLifecycle) Value(form, field, stored string) string {
	if d.Failed == form {
		return d.Input.Get(field)
	}
	return stored
}

// Invalid says whether the refusal's message is about field of form, so
// the page can mark it.
func (d *deviceLifecycle) Invalid(form, field string) bool {
	return d.Failed == form && d.Field == field
}

// ErrorAbove says the refused form is no longer on the page (the device
// changed state meanwhile: decommissioned in another tab), so its message
// goes at the top of the section instead of beside the form.
func (d *deviceLifecycle) ErrorAbove() bool {
	switch d.Failed {
	case "":
		return false
	case lifecycleFormDecommission:
		return !d.CanEdit || d.State != cordon.LifecycleInService
	case lifecycleFormDispose:
		return !d.CanEdit || d.State != cordon.LifecycleDecommissioned
	}
	return !d.CanEdit
}

// DecommissionedOn is the day the device was taken out of service, the
// earliest its sanitisation and disposal may be dated; "" when in service.
func (d *deviceLifecycle) DecommissionedOn() string {
	if d.Decommissioned == nil {
		return ""
	}
	return d.Date(d.Decommissioned.On)
}

// deviceLifecycleOf returns the lifecycle section of device id, nil when
// lifecycles are not configured.
func (h *Handler) deviceLifecycleOf(r *http.Request, u *cordon.User, id int64) (*deviceLifecycle, error) {
	if h.cfg.Lifecycles == nil {
		return nil, nil
	}
	l, err := h.cfg.Lifecycles.FindLifecycle(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p := h.base(r, u, "", "")
	return &deviceLifecycle{DeviceLifecycle: l, CSRF: p.CSRF, CanEdit: p.CanEdit, NeedsSanitisation: cordon.NeedsSanitisation(l.PatientData),
		Methods: cordon.SanitisationMethods, Today: h.now().UTC().Format(time.DateOnly),
		Saved: r.Method == http.MethodGet && r.URL.Query().Get("lifecycle") == "saved"}, nil
}

// lifecycleForm reads a posted form for a lifecycle change of device id;
// a missing service or device is an error page.
func (h *Handler) lifecycleForm(w http.ResponseWriter, r *http.Request) (int64, bool) {
	if h.cfg.Lifecycles == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Lifecycles are not configured on this server."))
		return 0, false
	}
	id, err := deviceID(r)
	if err != nil {
		h.renderError(w, r, err)
		return 0, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The form could not be read."))
		return 0, false
	}
	return id, true
}

// lifecycleDate reads an optional date field of a form.
func lifecycleDate(r *http.Request, field, label string) (time.Time, error) {
	return cordon.ParseOptionalDate(label, r.PostForm.Get(field))
}

// lifecycleInt reads an optional whole number field of a form; "" is 0.
func lifecycleInt(r *http.Request, field, label string) (int64, error) {
	v := strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(r.PostForm.Get(field)), "£"), ",", "")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, cordon.Errorf(cordon.EINVALID, "%s must be a whole number, not %q.", label, r.PostForm.Get(field))
	}
	return n, nil
}

// lifecycleStep reads one field of a form; lifecycleRead runs them.
type lifecycleStep struct {
	field string
	read  func() error
}

// lifecycleRead runs steps in order and returns the first error with the
// field it came from.
func lifecycleRead(steps ...lifecycleStep) (string, error) {
	for _, s := range steps {
		if err := s.read(); err != nil {
			return s.field, err
		}
	}
	return "", nil
}

// lifecycleFormFields maps the fields a refusal names (their JSON names,
// cordon.Error.Field) to the dispose form's inputs where they differ; the
// other forms' inputs carry the JSON names.
var lifecycleFormFields = map[string]string{
	"sanitisation": "method", "sanitisation.method": "method", "sanitisation.operator": "operator",
	"sanitisation.on": "sanitised_on", "sanitisation.certificate": "certificate",
}

// lifecycleDone finishes a lifecycle form: back to the device's section
// when saved; a refusal (bad input, or a state that changed meanwhile)
// shows the device page again with the message beside the form and what
// was typed; anything else is the error page.
func (h *Handler) lifecycleDone(w http.ResponseWriter, r *http.Request, u *cordon.User, id int64, form, field string, err error) {
	code := cordon.ErrorCode(err)
	switch code {
	case "":
		http.Redirect(w, r, "/devices/"+strconv.FormatInt(id, 10)+"?lifecycle=saved#lifecycle", http.StatusSeeOther)
		return
	case cordon.EINVALID, cordon.ECONFLICT:
	case cordon.ENOTFOUND:
		h.renderError(w, r, notFound("device"))
		return
	default:
		h.renderError(w, r, err)
		return
	}
	d, derr := h.cfg.Devices.FindDeviceByID(r.Context(), id)
	if cordon.ErrorCode(derr) == cordon.ENOTFOUND {
		derr = notFound("device")
	}
	if derr != nil {
		h.renderError(w, r, derr)
		return
	}
	p, derr := h.devicePage(r, u, d, d.Recorded, nil)
	if derr != nil {
		h.renderError(w, r, derr)
		return
	}
	if p.Lifecycle == nil {
		h.renderError(w, r, err)
		return
	}
	msg := cordon.ErrorMessage(err)
	if field == "" {
		field = cordon.ErrorField(err)
		if f, ok := lifecycleFormFields[field]; ok {
			field = f
		}
	}
	l := p.Lifecycle
	l.Failed, l.FormError, l.Field, l.Input = form, msg, field, r.PostForm
	status := http.StatusBadRequest
	if code == cordon.ECONFLICT {
		status = http.StatusConflict
	}
	h.render(w, r, status, "device", p)
}

func (h *Handler) handleLifecycleUpdate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	id, ok := h.lifecycleForm(w, r)
	if !ok {
		return
	}
	var p cordon.LifecyclePlan
	var life int64
	field, err := lifecycleRead(
		lifecycleStep{"commissioned_on", func() (err error) {
			p.CommissionedOn, err = lifecycleDate(r, "commissioned_on", "The commissioning date")
			return
		}},
		lifecycleStep{"life_years", func() (err error) {
			if life, err = lifecycleInt(r, "life_years", "The expected life"); err == nil && (life < 0 || life > 50) {
				err = cordon.Errorf(cordon.EINVALID, "The expected life must be 0 to 50 years, not %d.", life)
			}
			return
		}},
		lifecycleStep{"replace_on", func() (err error) {
			p.ReplaceOn, err = lifecycleDate(r, "replace_on", "The planned replacement date")
			return
		}},
		lifecycleStep{"replacement_cost", func() (err error) {
			p.ReplacementCost, err = lifecycleInt(r, "replacement_cost", "The replacement cost")
			return
		}},
		lifecycleStep{"end_of_support_on", func() (err error) {
			p.EndOfSupportOn, err = lifecycleDate(r, "end_of_support_on", "The end of support")
			return
		}},
	)
	if err == nil {
		p.LifeYears, p.FundingNote, p.EndOfSupportSource = int(life), r.PostForm.Get("funding_note"), r.PostForm.Get("end_of_support_source")
		_, err = h.cfg.Lifecycles.UpdateLifecycle(r.Context(), id, p)
	}
	h.lifecycleDone(w, r, u, id, lifecycleFormPlan, field, err)
}

func (h *Handler) handleLifecycleDecommission(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	id, ok := h.lifecycleForm(w, r)
	if !ok {
		return
	}
	field := ""
	on, err := cordon.ParseDate("The decommissioning date", r.PostForm.Get("on"))
	if err != nil {
		field = "on"
	} else {
		_, err = h.cfg.Lifecycles.Decommission(r.Context(), id, cordon.Decommissioning{On: on, Reason: r.PostForm.Get("reason")})
	}
	h.lifecycleDone(w, r, u, id, lifecycleFormDecommission, field, err)
}

func (h *Handler) handleLifecycleDispose(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	id, ok := h.lifecycleForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	var d cordon.Disposal
	field, err := lifecycleRead(
		lifecycleStep{"on", func() (err error) {
			d.On, err = cordon.ParseDate("The disposal date", f.Get("on"))
			return
		}},
		lifecycleStep{"sanitised_on", func() (err error) {
			// Any sanitisation field makes it a sanitisation record, which
			// the store then checks whole.
			if f.Get("method") == "" && f.Get("operator") == "" && f.Get("sanitised_on") == "" && f.Get("certificate") == "" {
				return nil
			}
			s := &cordon.Sanitisation{Method: f.Get("method"), Operator: f.Get("operator"), Certificate: f.Get("certificate")}
			if strings.TrimSpace(f.Get("sanitised_on")) != "" {
				if s.On, err = cordon.ParseDate("The sanitisation date", f.Get("sanitised_on")); err != nil {
					return err
				}
			}
			d.Sanitisation = s
			return nil
		}},
	)
	if err == nil {
		_, err = h.cfg.Lifecycles.Dispose(r.Context(), id, d)
	}
	h.lifecycleDone(w, r, u, id, lifecycleFormDispose, field, err)
}
