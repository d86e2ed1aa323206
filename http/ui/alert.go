package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// alertsPerPage is the alert list's page length.
const alertsPerPage = 50

func (h *Handler) registerAlertRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /alerts", cordon.RoleViewer, h.handleAlertList)
	h.route(mux, "GET /alerts/{id}", cordon.RoleViewer, h.handleAlertView)
	h.route(mux, "POST /alerts/{id}", cordon.RoleAnalyst, h.handleAlertUpdate)
}

// alertStatusLabels names the alert states for people.
var alertStatusLabels = map[string]string{
	"open": "Open (new or acknowledged)", cordon.AlertNew: "New", cordon.AlertAcknowledged: "Acknowledged",
	cordon.AlertResolved: "Resolved", cordon.AlertFalsePositive: "False positive",
}

// alertFilterForm is the alert list's query as typed, for the form.
type alertFilterForm struct {
	Status, Severity, Kind, Device string
}

// alertFilterFrom reads the list's query. With no status given the list
// shows the open alerts: those are the ones to act on; "any" shows all.
func alertFilterFrom(q url.Values) (cordon.AlertFilter, alertFilterForm, error) {
	form := alertFilterForm{Status: q.Get("status"), Severity: q.Get("severity"), Kind: strings.TrimSpace(q.Get("kind")),
		Device: strings.TrimSpace(q.Get("device"))}
	if form.Status == "" {
		form.Status = "open"
	}
	f := cordon.AlertFilter{Status: form.Status, Severity: form.Severity, Kind: form.Kind}
	if f.Status == "any" {
		f.Status = ""
	} else if _, ok := alertStatusLabels[f.Status]; !ok {
		return f, form, cordon.Errorf(cordon.EINVALID, "Unknown alert status %q: use open, any or one of %s.", f.Status, strings.Join(cordon.AlertStatuses, ", "))
	}
	if f.Severity != "" && !slices.Contains(cordon.AlertSeverities, f.Severity) {
		return f, form, cordon.Errorf(cordon.EINVALID, "Unknown alert severity %q: use one of %s.", f.Severity, strings.Join(cordon.AlertSeverities, ", "))
	}
	if len(f.Kind) > 64 {
		return f, form, cordon.Errorf(cordon.EINVALID, "The kind filter is at most 64 characters.")
	}
	if form.Device != "" {
		id, err := strconv.ParseInt(form.Device, 10, 64)
		if err != nil || id <= 0 {
			return f, form, cordon.Errorf(cordon.EINVALID, "The device filter must be a device number, not %q.", form.Device)
		}
		f.DeviceID = id
	}
	return f, form, nil
}

// severityCount is one severity's count of open alerts, for the summary.
type severityCount struct {
	Severity string
	Count    int
	Href     string
}

// alertRow is one alert of the list.
type alertRow struct {
	*cordon.Alert
	DeviceName string
	// SourceLink, for an alert about no device, is the page that shows
	// what it is about (the capture health alerts' interfaces and sensors).
	SourceLink string
	// Suppressed names the rule that kept the alert from being delivered.
	Suppressed *cordon.Suppressed
}

func newAlertRow(a *cordon.Alert) alertRow {
	row := alertRow{Alert: a}
	switch {
	case a.Device != nil:
		row.DeviceName = findingDeviceName(*a.Device)
	case a.DeviceID != 0:
		row.DeviceName = "device " + formatInt(a.DeviceID) + " (no longer in the register)"
	case a.Kind == cordon.AlertCaptureSilent || a.Kind == cordon.AlertCaptureDrops || a.Kind == cordon.AlertSensorSilent:
		// The monitoring's own health: the interface or sensor, on Captures.
		row.DeviceName, row.SourceLink = a.Subject, "/captures"
	}
	return row
}

// alertsPage is the data of the alert list.
type alertsPage struct {
	page
	Available  bool
	Form       alertFilterForm
	Filtered   bool
	Counts     []severityCount
	OpenTotal  int
	Rows       []alertRow
	Pager      *pager
	Statuses   []string
	Severities []string
	Labels     map[string]string
}

func (h *Handler) handleAlertList(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	p := &alertsPage{page: h.base(r, u, "Alerts", "alerts"), Statuses: append([]string{"open"}, cordon.AlertStatuses...),
		Severities: cordon.AlertSeverities, Labels: alertStatusLabels}
	if h.cfg.Alerts == nil {
		h.render(w, r, http.StatusOK, "alerts", p)
		return
	}
	p.Available = true
	q := r.URL.Query()
	f, form, err := alertFilterFrom(q)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p.Form = form
	p.Filtered = form.Status != "open" || form.Severity != "" || form.Kind != "" || form.Device != ""
	ctx := r.Context()
	// The open alerts by severity, whatever the filters: the summary a
	// person reads first.
	for _, sev := range cordon.AlertSeverities {
		_, n, err := h.cfg.Alerts.FindAlerts(ctx, cordon.AlertFilter{Status: "open", Severity: sev, Limit: 1})
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		p.OpenTotal += n
		p.Counts = append(p.Counts, severityCount{Severity: sev, Count: n, Href: "/alerts?status=open&severity=" + sev})
	}
	n := pageNumber(q)
	f.Offset, f.Limit = (n-1)*alertsPerPage, alertsPerPage
	as, total, err := h.cfg.Alerts.FindAlerts(ctx, f)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	ids := make([]int64, len(as))
	for i, a := range as {
		p.Rows = append(p.Rows, newAlertRow(a))
		ids[i] = a.ID
	}
	if h.cfg.Suppressions != nil {
		sup, err := h.cfg.Suppressions.AlertSuppressions(ctx, ids)
		if err != nil {
			h.renderError(w, r, err)
			return
		}
		for i := range p.Rows {
			if s, ok := sup[p.Rows[i].ID]; ok {
				p.Rows[i].Suppressed = &s
			}
		}
	}
	p.Pager = newPager("/alerts", q, n, alertsPerPage, total)
	h.render(w, r, http.StatusOK, "alerts", p)
}

// alertPage is the data of one alert's page.
type alertPage struct {
	page
	Row       alertRow
	Statuses  []string
	Labels    map[string]string
	Saved     bool
	FormError string
	Form      cordon.AlertChange
	// CanSuppress offers the "Suppress alerts like this" form, pre-filled
	// with Suppress; SuppressedNow says a rule was just made from it.
	CanSuppress   bool
	Suppress      suppressionForm
	SuppressedNow bool
	// Deliveries are the alert's outbox entries, for admins.
	ShowDeliveries bool
	Deliveries     []*cordon.OutboxEntry
}

// findAlert reads the {id} path value and the alert; a malformed ID is a
// missing alert.
func (h *Handler) findAlert(r *http.Request) (*cordon.Alert, error) {
	if h.cfg.Alerts == nil {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Alerts are not configured on this server.")
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, notFound("alert")
	}
	a, err := h.cfg.Alerts.FindAlertByID(r.Context(), id)
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		return nil, notFound("alert")
	}
	return a, err
}

func (h *Handler) newAlertPage(r *http.Request, u *cordon.User, a *cordon.Alert) *alertPage {
	return &alertPage{page: h.base(r, u, a.Title, "alerts"), Row: newAlertRow(a), Statuses: cordon.AlertStatuses,
		Labels: alertStatusLabels, Form: cordon.AlertChange{Status: a.Status, Owner: a.Owner, Note: a.Note}}
}

// addDelivery fills what the alert page shows beside the lifecycle: the
// rule that suppressed the alert, the form to suppress alerts like it, and
// for admins where it was delivered.
func (h *Handler) addDelivery(r *http.Request, p *alertPage) error {
	a := p.Row.Alert
	if h.cfg.Suppressions != nil {
		sup, err := h.cfg.Suppressions.AlertSuppressions(r.Context(), []int64{a.ID})
		if err != nil {
			return err
		}
		if s, ok := sup[a.ID]; ok {
			p.Row.Suppressed = &s
		}
		p.CanSuppress = p.CanEdit
		p.Suppress = suppressionForm{Kind: a.Kind, SubjectPrefix: a.Subject, Alert: formatInt(a.ID),
			ExpiresOn: h.now().UTC().AddDate(0, 0, 7).Format(time.DateOnly)}
		if a.DeviceID != 0 {
			p.Suppress.Device = formatInt(a.DeviceID)
		}
	}
	if h.cfg.Outbox != nil && p.IsAdmin {
		es, _, err := h.cfg.Outbox.FindOutbox(r.Context(), cordon.OutboxFilter{AlertID: a.ID, Limit: 100})
		if err != nil {
			return err
		}
		p.ShowDeliveries, p.Deliveries = true, es
	}
	return nil
}

func (h *Handler) handleAlertView(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	a, err := h.findAlert(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p := h.newAlertPage(r, u, a)
	p.Saved = r.URL.Query().Get("saved") == "1"
	p.SuppressedNow = r.URL.Query().Get("suppressed") == "1"
	if err := h.addDelivery(r, p); err != nil {
		h.renderError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "alert", p)
}

func (h *Handler) handleAlertUpdate(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	a, err := h.findAlert(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The form could not be read."))
		return
	}
	c := cordon.AlertChange{Status: r.PostForm.Get("status"), Owner: r.PostForm.Get("owner"), Note: r.PostForm.Get("note")}
	_, err = h.cfg.Alerts.UpdateAlert(r.Context(), a.ID, c)
	switch cordon.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/alerts/"+strconv.FormatInt(a.ID, 10)+"?saved=1#lifecycle", http.StatusSeeOther)
	case cordon.EINVALID, cordon.ECONFLICT:
		p := h.newAlertPage(r, u, a)
		p.Form, p.FormError = c, cordon.ErrorMessage(err)
		if err := h.addDelivery(r, p); err != nil {
			h.renderError(w, r, err)
			return
		}
		h.render(w, r, http.StatusBadRequest, "alert", p)
	default:
		h.renderError(w, r, err)
	}
}
