package ui

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// statusForm is the status workflow form as typed, so that a rejected form
// comes back with what was typed.
type statusForm struct {
	Status, Reason, Expires, Controls, Justification string
	// Field names the field a message is about, so the page marks it.
	Field string
}

// vexLabels are people's words for the VEX justifications.
var vexLabels = map[string]string{
	"component_not_present":                             "The vulnerable component is not present",
	"vulnerable_code_not_present":                       "The vulnerable code is not present",
	"vulnerable_code_not_in_execute_path":               "The vulnerable code is never executed",
	"vulnerable_code_cannot_be_controlled_by_adversary": "An attacker cannot reach or control the vulnerable code",
	"inline_mitigations_already_exist":                  "Built-in mitigations already prevent exploitation",
}

// choice is one option of a select or radio group.
type choice struct{ Value, Label string }

// statusChoices are the workflow's statuses with what each one means.
var statusChoices = []choice{
	{cordon.FindingOpen, "Open: still to be dealt with"},
	{cordon.FindingRiskAccepted, "Risk accepted: with a reason and a date to decide again"},
	{cordon.FindingMitigated, "Mitigated: compensating controls are in place"},
	{cordon.FindingNotAffected, "Not affected: with a VEX justification"},
	{cordon.FindingFixed, "Fixed: patched or upgraded"},
}

// parseFindingStatus reads the status form. Fields that do not belong to
// the chosen status are dropped, so that a risk accepted and then reopened
// does not keep a stale expiry. today bounds the expiry: accepting a risk
// until yesterday decides nothing.
func parseFindingStatus(form url.Values, today time.Time) (cordon.FindingStatus, statusForm, error) {
	sf := statusForm{Status: form.Get("status"), Reason: strings.TrimSpace(form.Get("reason")),
		Expires: strings.TrimSpace(form.Get("expires")), Controls: form.Get("controls"),
		Justification: form.Get("justification")}
	st := cordon.FindingStatus{Status: sf.Status, Reason: sf.Reason}
	fail := func(field, format string, args ...any) (cordon.FindingStatus, statusForm, error) {
		sf.Field = field
		return st, sf, cordon.Errorf(cordon.EINVALID, format, args...)
	}
	if !contains(cordon.FindingStatuses, sf.Status) {
		return fail("status", "Choose a status.")
	}
	switch sf.Status {
	case cordon.FindingRiskAccepted:
		if sf.Reason == "" {
			return fail("reason", "Accepting a risk needs a reason: say why it is acceptable.")
		}
		if sf.Expires == "" {
			return fail("expires", "Accepting a risk needs an expiry date, when to decide again.")
		}
		exp, err := time.Parse(time.DateOnly, sf.Expires)
		if err != nil {
			return fail("expires", "The expiry date %q is not a date like 2027-03-31.", sf.Expires)
		}
		if !exp.After(today) {
			return fail("expires", "The expiry date must be after today.")
		}
		st.Expires = exp
	case cordon.FindingMitigated:
		for _, line := range strings.Split(sf.Controls, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				st.Controls = append(st.Controls, line)
			}
		}
		if len(st.Controls) == 0 {
			return fail("controls", "A mitigated finding needs the compensating controls in place, one per line.")
		}
	case cordon.FindingNotAffected:
		if _, ok := vexLabels[sf.Justification]; !ok {
			return fail("justification", "Not affected needs a justification: choose one from the list.")
		}
		st.Justification = sf.Justification
	}
	if err := st.Validate(); err != nil {
		field := "status"
		switch {
		case len(st.Reason) > 4096:
			field = "reason"
		case len(st.Controls) > 0:
			field = "controls"
		}
		return fail(field, "%s", cordon.ErrorMessage(err))
	}
	return st, sf, nil
}

// findingPage is the data of a finding's page.
type findingPage struct {
	page
	Finding        findingRow
	Form           statusForm
	FormError      string
	Saved          bool
	AssessFailed   bool
	StatusChoices  []choice
	Justifications []choice
}

// Justification names the current status's VEX justification for people.
func (p *findingPage) Justification() string {
	if l, ok := vexLabels[p.Finding.Status.Justification]; ok {
		return l
	}
	return p.Finding.Status.Justification
}

// findingID reads the {id} path value; a malformed one is a missing finding.
func findingID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound("finding")
	}
	return id, nil
}

// findFinding loads the finding of the request's path.
func (h *Handler) findFinding(r *http.Request) (*cordon.Finding, error) {
	if h.cfg.Findings == nil {
		return nil, errUnconfigured
	}
	id, err := findingID(r)
	if err != nil {
		return nil, err
	}
	f, err := h.cfg.Findings.FindFindingByID(r.Context(), id)
	if cordon.ErrorCode(err) == cordon.ENOTFOUND {
		return nil, notFound("finding")
	}
	return f, err
}

func (h *Handler) newFindingPage(r *http.Request, u *cordon.User, f *cordon.Finding) *findingPage {
	p := &findingPage{page: h.base(r, u, f.CVE+" on "+findingDeviceName(f.Device), "findings"),
		Finding: newFindingRow(f), StatusChoices: statusChoices}
	for _, j := range cordon.VEXJustifications {
		p.Justifications = append(p.Justifications, choice{j, vexLabels[j]})
	}
	// The form starts from the current status, so that a change of
	// expiry or controls need not retype the rest.
	st := f.Status
	p.Form = statusForm{Status: st.Status, Reason: st.Reason, Controls: strings.Join(st.Controls, "\n"), Justification: st.Justification}
	if !st.Expires.IsZero() {
		p.Form.Expires = st.Expires.UTC().Format(time.DateOnly)
	}
	return p
}

func (h *Handler) handleFindingView(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	f, err := h.findFinding(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	p := h.newFindingPage(r, u, f)
	q := r.URL.Query()
	p.Saved, p.AssessFailed = q.Get("saved") == "1", q.Get("assess") == "failed"
	h.render(w, r, http.StatusOK, "finding", p)
}

// handleFindingStatus moves a finding in the workflow, then has the
// device's risk recomputed: a mitigation lowers it, reopening raises it.
func (h *Handler) handleFindingStatus(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	f, err := h.findFinding(r)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The form could not be read."))
		return
	}
	ctx := r.Context()
	st, sf, err := parseFindingStatus(r.PostForm, h.now().UTC().Truncate(24*time.Hour))
	if err == nil {
		_, err = h.cfg.Findings.UpdateFindingStatus(ctx, f.ID, st)
	}
	switch cordon.ErrorCode(err) {
	case "":
		to := "/findings/" + strconv.FormatInt(f.ID, 10) + "?saved=1"
		if h.cfg.Assessor != nil {
			if err := h.cfg.Assessor.Assess(ctx, []int64{f.Device.ID}); err != nil {
				// The status is saved; only the score lags until the next
				// assessment, which the page says.
				h.log.Error("assess after finding status", slog.Int64("finding_id", f.ID), slog.String("error", err.Error()))
				to += "&assess=failed"
			}
		}
		http.Redirect(w, r, to+"#status", http.StatusSeeOther)
	case cordon.EINVALID:
		p := h.newFindingPage(r, u, f)
		p.Form, p.FormError = sf, cordon.ErrorMessage(err)
		if p.Form.Field == "" {
			p.Form.Field = "status"
		}
		h.render(w, r, http.StatusBadRequest, "finding", p)
	case cordon.ENOTFOUND:
		h.renderError(w, r, notFound("finding"))
	default:
		h.renderError(w, r, err)
	}
}
