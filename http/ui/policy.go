package ui

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/policy"
)

func (h *Handler) registerPolicyRoutes(mux *http.ServeMux) {
	h.route(mux, "GET /policy", cordon.RoleViewer, h.handlePolicy)
	h.route(mux, "POST /policy/learn", cordon.RoleAnalyst, h.handlePolicyLearn)
	h.route(mux, "POST /policy/rules/{id}", cordon.RoleAnalyst, h.handlePolicyRule)
	h.route(mux, "POST /policy/review/{id}", cordon.RoleAnalyst, h.handlePolicyReviewItem)
	h.route(mux, "GET /policy/zones", cordon.RoleViewer, h.handlePolicyZones)
	h.route(mux, "POST /policy/zones", cordon.RoleAnalyst, h.handlePolicyZoneSave)
}

// policyPage is the data of /policy.
type policyPage struct {
	page
	Learning  *cordon.PolicyLearning
	Zones     []policy.Zone
	Matrix    []policy.Cell
	Suggested []*cordon.PolicyRule
	Approved  []*cordon.PolicyRule
	Rejected  []*cordon.PolicyRule
	Review    []*cordon.PolicyReview
	Formats   []string
	// Simulated is the simulation result when asked for (?simulate=1),
	// with the suggested rules the candidate included.
	Simulated *policy.Report
	Included  map[int64]bool
	Message   string
	FormError string
	Days      int
}

// policyServer returns the learner and simulator over the configured
// services, or ENOTFOUND when the policy is not configured.
func (h *Handler) policyServer() (*policy.Server, error) {
	if h.cfg.Policies == nil || h.cfg.Conversations == nil {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "The network policy is not configured on this server.")
	}
	return &policy.Server{Devices: h.cfg.Devices, Conversations: h.cfg.Conversations, Policies: h.cfg.Policies, Now: h.now}, nil
}

func (h *Handler) handlePolicy(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	h.renderPolicy(w, r, u, http.StatusOK, "")
}

// policyMessages are the banners a redirect after a change names.
var policyMessages = map[string]string{
	"learned": "Learned: the suggestions below replace the earlier ones; decided rules are kept.",
	"approve": "Rule approved into the policy.", "reject": "Rule rejected.",
	"review": "Review item approved as an allow rule.",
	"revoke": "Rule revoked: it is no longer in the policy.",
}

func (h *Handler) renderPolicy(w http.ResponseWriter, r *http.Request, u *cordon.User, status int, formError string) {
	ps, err := h.policyServer()
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	ctx := r.Context()
	p := &policyPage{page: h.base(r, u, "Zones and network policy", "policy"), Formats: policy.Formats,
		Included: map[int64]bool{}, FormError: formError, Days: policy.DefaultLearnDays}
	q := r.URL.Query()
	p.Message = policyMessages[q.Get("done")]
	l, err := h.cfg.Policies.PolicyLearning(ctx)
	if err != nil && cordon.ErrorCode(err) != cordon.ENOTFOUND {
		h.renderError(w, r, err)
		return
	}
	if l != nil {
		p.Learning, p.Days = l, l.Days
		if err := json.Unmarshal(l.Zones, &p.Zones); err != nil {
			h.renderError(w, r, err)
			return
		}
		if err := json.Unmarshal(l.Matrix, &p.Matrix); err != nil {
			h.renderError(w, r, err)
			return
		}
	}
	rules, err := h.cfg.Policies.FindPolicyRules(ctx, "")
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	for _, ru := range rules {
		switch ru.State {
		case cordon.PolicyRuleSuggested:
			p.Suggested = append(p.Suggested, ru)
		case cordon.PolicyRuleApproved:
			p.Approved = append(p.Approved, ru)
		default:
			p.Rejected = append(p.Rejected, ru)
		}
	}
	if p.Review, err = h.cfg.Policies.FindPolicyReview(ctx); err != nil {
		h.renderError(w, r, err)
		return
	}
	if q.Get("simulate") == "1" && status == http.StatusOK {
		req := policy.SimulateRequest{Days: p.Days}
		for _, v := range q["include"] {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				h.renderPolicy(w, r, u, http.StatusBadRequest, "Simulation: include must list rule numbers, not "+strconv.Quote(v)+".")
				return
			}
			req.Include = append(req.Include, id)
			p.Included[id] = true
		}
		if p.Simulated, err = ps.Simulate(ctx, req); err != nil {
			if cordon.ErrorCode(err) == cordon.EINVALID {
				h.renderPolicy(w, r, u, http.StatusBadRequest, "Simulation: "+cordon.ErrorMessage(err))
				return
			}
			h.renderError(w, r, err)
			return
		}
	}
	h.render(w, r, status, "policy", p)
}

// readForm parses a bounded form body.
func readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return cordon.Errorf(cordon.EINVALID, "The form could not be read.")
	}
	return nil
}

// decisionFrom reads a justification and an optional expiry date (the end
// of that day, UTC) from the form.
func decisionFrom(f url.Values) (cordon.PolicyDecision, error) {
	d := cordon.PolicyDecision{Justification: f.Get("justification")}
	if v := strings.TrimSpace(f.Get("expires")); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return d, cordon.Errorf(cordon.EINVALID, "Expiry must be a date such as 2026-06-30, not %q.", v)
		}
		t = t.Add(24 * time.Hour)
		d.Expires = &t
	}
	return d, nil
}

func (h *Handler) handlePolicyLearn(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	ps, err := h.policyServer()
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	if err := readForm(w, r); err != nil {
		h.renderError(w, r, err)
		return
	}
	days, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("days")))
	if err != nil {
		h.renderPolicy(w, r, u, http.StatusBadRequest, "Learning window: days must be a whole number.")
		return
	}
	req := policy.LearnRequest{Days: days, BySubnet: r.PostForm.Get("by_subnet") == "1"}
	if z := strings.TrimSpace(r.PostForm.Get("zones")); z != "" {
		if req.Zones, err = policy.ParseZones(strings.NewReader(z)); err != nil {
			h.renderPolicy(w, r, u, http.StatusBadRequest, cordon.ErrorMessage(err))
			return
		}
	}
	if _, err := ps.Learn(r.Context(), req); err != nil {
		if cordon.ErrorCode(err) == cordon.EINVALID {
			h.renderPolicy(w, r, u, http.StatusBadRequest, "Learning window: "+cordon.ErrorMessage(err))
			return
		}
		h.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/policy?done=learned", http.StatusSeeOther)
}

// pathInt reads the {id} path value; a malformed one is a missing thing.
func pathInt(r *http.Request, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound(what)
	}
	return id, nil
}

func (h *Handler) handlePolicyRule(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	h.policyDecision(w, r, u, "policy rule", func(id int64, action string, d cordon.PolicyDecision) (string, error) {
		ctx := r.Context()
		switch action {
		case "approve":
			_, err := h.cfg.Policies.ApprovePolicyRule(ctx, id, d)
			return action, err
		case "reject":
			// Rejecting an approved rule takes it out of force: the
			// banner says so, not that a suggestion was turned down.
			ru, err := h.cfg.Policies.FindPolicyRule(ctx, id)
			if err != nil {
				return "", err
			}
			done := action
			if ru.State == cordon.PolicyRuleApproved {
				done = "revoke"
			}
			_, err = h.cfg.Policies.RejectPolicyRule(ctx, id, d)
			return done, err
		}
		return "", cordon.Errorf(cordon.EINVALID, "Action must be approve or reject, not %q.", action)
	})
}

func (h *Handler) handlePolicyReviewItem(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	h.policyDecision(w, r, u, "review item", func(id int64, _ string, d cordon.PolicyDecision) (string, error) {
		_, err := h.cfg.Policies.ApprovePolicyReview(r.Context(), id, d)
		return "review", err
	})
}

// policyDecision reads a decision form and applies it, showing a refused
// one on the page with the reason and the form's item named. apply
// returns the banner (a key of policyMessages) to redirect to.
func (h *Handler) policyDecision(w http.ResponseWriter, r *http.Request, u *cordon.User, what string,
	apply func(id int64, action string, d cordon.PolicyDecision) (string, error)) {
	if _, err := h.policyServer(); err != nil {
		h.renderError(w, r, err)
		return
	}
	id, err := pathInt(r, what)
	if err != nil {
		h.renderError(w, r, err)
		return
	}
	if err := readForm(w, r); err != nil {
		h.renderError(w, r, err)
		return
	}
	var done string
	d, err := decisionFrom(r.PostForm)
	if err == nil {
		done, err = apply(id, r.PostForm.Get("action"), d)
	}
	switch cordon.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/policy?done="+done, http.StatusSeeOther)
	case cordon.EINVALID, cordon.ECONFLICT:
		h.renderPolicy(w, r, u, http.StatusBadRequest, capitalize(what)+" "+strconv.FormatInt(id, 10)+": "+cordon.ErrorMessage(err))
	default:
		h.renderError(w, r, err)
	}
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
