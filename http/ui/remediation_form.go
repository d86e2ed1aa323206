package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remediation"
)

// remediationPage is one record: timeline, clocks, devices and the forms
// that move it on.
type remediationPage struct {
	page
	remHelpers
	View *remediation.View
	// Current lists the devices of the model now, which the per-device
	// form changes; Left those that have left it since the record was
	// started, shown apart because they can no longer be changed.
	Current   []remediation.DeviceView
	Left      []remediation.DeviceView
	Next      []string // states it may move to
	Saved     bool
	FormError string
	Today     string
}

// newRemediationPage is also the form page of a new record (View.ID 0).
func (h *Handler) newRemediationPage(r *http.Request, u *cordon.User, rec *cordon.RemediationRecord) (*remediationPage, error) {
	v := h.remediationViewer()
	sla, err := v.SLA(r.Context(), rec.ModelID)
	if err != nil {
		return nil, err
	}
	title := rec.CVE + " on " + strings.TrimSpace(rec.Manufacturer+" "+rec.Model+" "+rec.Version)
	p := &remediationPage{page: h.base(r, u, title, "remediations"), View: remediation.NewView(rec, h.now(), v.Limits, sla),
		Next: cordon.RemediationNextStates(rec.State), Today: h.now().UTC().Format(time.DateOnly)}
	for _, d := range p.View.Devices {
		if d.Left {
			p.Left = append(p.Left, d)
		} else {
			p.Current = append(p.Current, d)
		}
	}
	return p, nil
}

func (h *Handler) findRemediation(r *http.Request) (*cordon.RemediationRecord, error) {
	if h.cfg.Remediations == nil {
		return nil, errNoRemediations
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return nil, notFound("remediation")
	}
	rec, err := h.cfg.Remediations.FindRemediationByID(r.Context(), id)
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		return nil, notFound("remediation")
	}
	return rec, err
}

func (h *Handler) handleRemediationView(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	rec, err := h.findRemediation(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p, err := h.newRemediationPage(r, u, rec)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Saved = r.URL.Query().Get("saved") == "1"
	h.render(w, r, http.StatusOK, "remediation", p)
}

// handleRemediationNew shows a record prefilled from the findings, for a
// model and CVE or for a device (its model) and CVE, as the finding page
// links it; if one exists already it goes there.
func (h *Handler) handleRemediationNew(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Remediations == nil || h.cfg.Models == nil {
		h.renderError(w, r, errNoRemediations)
		return
	}
	q := r.URL.Query()
	ctx := r.Context()
	var model int64
	switch {
	case q.Get("model") != "":
		id, err := strconv.ParseInt(q.Get("model"), 10, 64)
		if err != nil || id < 1 {
			h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The model must be a model number, not %q.", q.Get("model")))
			return
		}
		model = id
	case q.Get("device") != "":
		id, err := strconv.ParseInt(q.Get("device"), 10, 64)
		if err != nil || id < 1 {
			h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The device must be a device number, not %q.", q.Get("device")))
			return
		}
		m, _, err := h.cfg.Models.ModelOfDevice(ctx, id)
		if cordon.ErrorCode(err) == cordon.ENOTFOUND {
			h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "Device %d belongs to no device model yet, and remediation is tracked per model. Assign it to a model first.", id))
			return
		} else if err != nil {
			h.renderError(w, r, err)
			return
		}
		model = m.ID
	default:
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "Name the model (or a device of it) and the CVE to track."))
		return
	}
	rec, err := h.cfg.Remediations.PrepareRemediation(ctx, model, q.Get("cve"))
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	if rs, _, err := h.cfg.Remediations.FindRemediations(ctx, cordon.RemediationFilter{ModelID: model, CVE: rec.CVE, Limit: 1}); err == nil && len(rs) > 0 {
		http.Redirect(w, r, "/remediations/"+strconv.FormatInt(rs[0].ID, 10), http.StatusSeeOther)
		return
	}
	p, err := h.newRemediationPage(r, u, rec)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "remediation", p)
}

// remFormDay reads an optional date field of a form.
func remFormDay(form url.Values, field, label string) (time.Time, error) {
	return cordon.ParseOptionalDate(label, form.Get(field))
}

func (h *Handler) remReadForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return cordon.Errorf(cordon.EINVALID, "The form could not be read.")
	}
	return nil
}

func (h *Handler) handleRemediationCreate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.Remediations == nil {
		h.renderError(w, r, errNoRemediations)
		return
	}
	if err := h.remReadForm(w, r); err != nil {
		h.renderError(w, r, err)
		return
	}
	model, err := strconv.ParseInt(r.PostForm.Get("model"), 10, 64)
	if err != nil || model < 1 {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The model must be a model number, not %q.", r.PostForm.Get("model")))
		return
	}
	fix, err := remFormDay(r.PostForm, "fix_published", "The fix's publication date")
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	rec := &cordon.RemediationRecord{CVE: r.PostForm.Get("cve"), ModelID: model, FixPublished: fix,
		FixReference: strings.TrimSpace(r.PostForm.Get("fix_reference")), Notes: strings.TrimSpace(r.PostForm.Get("notes"))}
	err = h.cfg.Remediations.CreateRemediation(r.Context(), rec)
	if err != nil && !(cordon.ErrorCode(err) == cordon.ECONFLICT && rec.ID != 0) {
		h.renderError(w, r, err)
		return
	}
	h.afterRemediationChange(r, rec.ID)
	http.Redirect(w, r, "/remediations/"+strconv.FormatInt(rec.ID, 10)+"?saved=1", http.StatusSeeOther)
}

// afterRemediationChange raises the alerts of the record's overdue clocks;
// the change is saved already, so a failure is only logged.
func (h *Handler) afterRemediationChange(r *http.Request, id int64) {
	if h.cfg.Alerts == nil {
		return
	}
	c := &remediation.Checker{Remediations: h.cfg.Remediations, Alerts: h.cfg.Alerts, Limits: remediation.DefaultLimits()}
	if h.cfg.Suppliers != nil {
		c.Suppliers = h.cfg.Suppliers
	}
	if _, err := c.Check(r.Context(), h.now(), id); err != nil {
		h.log.Error("remediation check", "remediation_id", id, "error", err.Error())
	}
}

func (h *Handler) handleRemediationTransition(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	rec, err := h.findRemediation(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	if err := h.remReadForm(w, r); err != nil {
		h.renderError(w, r, err)
		return
	}
	f := r.PostForm
	t := cordon.RemediationTransition{State: f.Get("state"), ApprovedVersion: f.Get("approved_version"),
		Evidence: strings.TrimSpace(f.Get("evidence")), Reason: f.Get("reason"), Note: f.Get("note")}
	if t.At, err = remFormDay(f, "at", "The date it happened"); err == nil {
		t.Scheduled, err = remFormDay(f, "scheduled", "The deployment date")
	}
	if err == nil {
		_, err = h.cfg.Remediations.TransitionRemediation(r.Context(), rec.ID, t)
	}
	h.finishRemediationChange(w, r, u, rec, err)
}

func (h *Handler) handleRemediationDevices(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	rec, err := h.findRemediation(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	if err := h.remReadForm(w, r); err != nil {
		h.renderError(w, r, err)
		return
	}
	f := r.PostForm
	var date time.Time
	date, err = remFormDay(f, "date", "The date")
	var cs []cordon.RemediationDeviceChange
	for _, v := range f["device"] {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			err = cordon.Errorf(cordon.EINVALID, "A device must be a device number, not %q.", v)
			break
		}
		cs = append(cs, cordon.RemediationDeviceChange{DeviceID: id, State: f.Get("state"), Date: date})
	}
	if err == nil {
		_, err = h.cfg.Remediations.UpdateRemediationDevices(r.Context(), rec.ID, cs)
	}
	h.finishRemediationChange(w, r, u, rec, err)
}

// finishRemediationChange redirects after a saved change, or shows the
// page again with the problem and nothing saved.
func (h *Handler) finishRemediationChange(w http.ResponseWriter, r *http.Request, u *cordon.User, rec *cordon.RemediationRecord, err error) {
	switch cordon.ErrorCode(err) {
	case "":
		h.afterRemediationChange(r, rec.ID)
		http.Redirect(w, r, "/remediations/"+strconv.FormatInt(rec.ID, 10)+"?saved=1", http.StatusSeeOther)
	case cordon.EINVALID:
		p, perr := h.newRemediationPage(r, u, rec)
		if perr != nil {
			h.renderError(w, r, perr)
			return
		}
		p.FormError = cordon.ErrorMessage(err)
		h.render(w, r, http.StatusBadRequest, "remediation", p)
	default:
		h.renderError(w, r, err)
	}
}
