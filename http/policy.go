package http

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/policy"
)

func (s *Server) registerPolicyRoutes() {
	s.handle("GET /api/v1/policy", cordon.RoleViewer, s.handlePolicyView)
	s.handle("POST /api/v1/policy/learn", cordon.RoleAnalyst, s.handlePolicyLearn)
	s.handle("GET /api/v1/policy/rules", cordon.RoleViewer, s.handlePolicyRules)
	s.handle("POST /api/v1/policy/rules/{id}/approve", cordon.RoleAnalyst, s.handlePolicyDecide(true))
	s.handle("POST /api/v1/policy/rules/{id}/reject", cordon.RoleAnalyst, s.handlePolicyDecide(false))
	s.handle("GET /api/v1/policy/review", cordon.RoleViewer, s.handlePolicyReview)
	s.handle("POST /api/v1/policy/review/{id}/approve", cordon.RoleAnalyst, s.handlePolicyReviewApprove)
	s.handle("GET /api/v1/policy/baselines", cordon.RoleViewer, s.handlePolicyBaselines)
	s.handle("POST /api/v1/policy/simulate", cordon.RoleViewer, s.handlePolicySimulate)
	// A remote sensor reads the approved policy (format=json) to hold its
	// site's traffic to it.
	s.handleScoped("GET /api/v1/policy/export", cordon.RoleViewer, sensorScope, s.handlePolicyExport)
	s.handle("GET /api/v1/devices/{id}/policy", cordon.RoleViewer, s.handleDevicePolicy)
}

// policyView is GET /policy: the latest learning (its zones and matrix
// as the policy package writes them), and how many rules are in each
// state.
type policyView struct {
	Learning *cordon.PolicyLearning `json:"learning"`
	Counts   map[string]int         `json:"counts"`
	Review   int                    `json:"review"`
}

// For the document only.
type (
	policyRuleList struct {
		Rules []cordon.PolicyRule `json:"rules"`
	}
	policyReviewList struct {
		Review []cordon.PolicyReview `json:"review"`
	}
	policyBaselineList struct {
		Baselines []cordon.PolicyBaseline `json:"baselines"`
	}
	// policySimulation mirrors policy.Report, whose Evidence would clash
	// by name with cordon.Evidence in the document.
	policySimulation struct {
		Conversations uint64         `json:"conversations"`
		Flows         uint64         `json:"flows"`
		Blocked       uint64         `json:"blocked"`
		OutOfScope    uint64         `json:"out_of_scope"`
		Devices       []policyImpact `json:"devices"`
	}
	policyImpact struct {
		Device      string                `json:"device"`
		MAC         string                `json:"mac"`
		Hostname    string                `json:"hostname"`
		Category    string                `json:"category"`
		Criticality string                `json:"criticality"`
		Medical     bool                  `json:"medical"`
		Zone        string                `json:"zone"`
		Blocked     []policyBlockedFlow   `json:"blocked"`
		Evidence    cordon.PolicyEvidence `json:"evidence"`
	}
	policyBlockedFlow struct {
		Peer      string                `json:"peer"`
		Direction string                `json:"direction"`
		Proto     string                `json:"proto"`
		Port      uint16                `json:"port"`
		App       string                `json:"app"`
		Evidence  cordon.PolicyEvidence `json:"evidence"`
	}
)

var policyOps = []apiOp{
	{"GET /api/v1/policy", "The latest learning run of the network policy: window, zones, zone-to-zone matrix, and rule counts by state.", cordon.RoleViewer, nil, nil, 200, policyView{}},
	{"POST /api/v1/policy/learn", "Learn the policy from the stored conversations of the last days (default 14, at most 90), with optional declared zones; the result is stored as suggested rules and review items, replacing earlier suggestions and keeping decided rules (audited). Nothing is enforced until approved.",
		cordon.RoleAnalyst, nil, policy.LearnRequest{}, 200, policyView{}},
	{"GET /api/v1/policy/rules", "The policy's rules, by zone pair; state selects suggested, approved or rejected.", cordon.RoleViewer, []string{"state:policy"}, nil, 200, policyRuleList{}},
	{"POST /api/v1/policy/rules/{id}/approve", "Approve a rule into the policy with a justification and, for a temporary rule, an expiry (audited).", cordon.RoleAnalyst, nil, cordon.PolicyDecision{}, 200, cordon.PolicyRule{}},
	{"POST /api/v1/policy/rules/{id}/reject", "Reject a rule, with a justification; learning again will not suggest it, and an approved rule rejected is revoked: it leaves the policy and its exports (audited).", cordon.RoleAnalyst, nil, cordon.PolicyDecision{}, 200, cordon.PolicyRule{}},
	{"GET /api/v1/policy/review", "Flows the learner held back for review, forbidden ones (email, web browsing, inbound remote access from the internet) first.", cordon.RoleViewer, nil, nil, 200, policyReviewList{}},
	{"POST /api/v1/policy/review/{id}/approve", "Approve a review item as an allow rule (audited). 400 with the reason for a flow the guidance forbids; 409 if already approved.", cordon.RoleAnalyst, nil, cordon.PolicyDecision{}, 200, cordon.PolicyRule{}},
	{"GET /api/v1/policy/baselines", "Learned communication patterns per device and per model; ?scope=device|model and ?key= (a device key, or manufacturer/model) narrow them.", cordon.RoleViewer, []string{"scope:policy"}, nil, 200, policyBaselineList{}},
	{"POST /api/v1/policy/simulate", "Replay the stored flow history against the approved rules plus the suggested rules listed in include, and report what would be blocked by device, most clinically critical first. Changes nothing.",
		cordon.RoleViewer, nil, policy.SimulateRequest{}, 200, policySimulation{}},
	{"GET /api/v1/policy/export", "The approved, active policy as firewall configuration (nftables, iptables-restore, Cisco IOS, PAN-OS, FortiGate) or JSON or CSV, as an attachment. A sensor-scoped token may use this: a remote sensor reads format=json to hold its site's traffic to the policy.", cordon.RoleViewer, []string{"format:policy"}, nil, 200, nil},
	devicePolicyOp,
}

var policyParams = map[string]map[string]any{
	"state:policy":  {"description": "Rule state.", "schema": map[string]any{"type": "string", "enum": cordon.PolicyRuleStates}},
	"scope:policy":  {"description": "Baselines of devices or of models.", "schema": map[string]any{"type": "string", "enum": []string{cordon.BaselineDevice, cordon.BaselineModel}}},
	"format:policy": {"description": "Export format.", "required": true, "schema": map[string]any{"type": "string", "enum": policy.Formats}},
}

// policies returns the policy service, or an internal error when the
// server was started without it (the detail is logged, not shown).
func (s *Server) policies() (*policy.Server, error) {
	if s.PolicyService == nil || s.ConversationService == nil || s.DeviceService == nil {
		return nil, errors.New("http: policy, conversation or device service not configured")
	}
	return &policy.Server{Devices: s.DeviceService, Conversations: s.ConversationService, Policies: s.PolicyService, Now: s.Now}, nil
}

// PolicyOverview assembles GET /policy; the pages share it.
func policyOverview(r *http.Request, ps cordon.PolicyService) (*policyView, error) {
	v := &policyView{Counts: map[string]int{}}
	l, err := ps.PolicyLearning(r.Context())
	if err != nil && cordon.ErrorCode(err) != cordon.ENOTFOUND {
		return nil, err
	}
	v.Learning = l
	rules, err := ps.FindPolicyRules(r.Context(), "")
	if err != nil {
		return nil, err
	}
	for _, st := range cordon.PolicyRuleStates {
		v.Counts[st] = 0
	}
	for _, ru := range rules {
		v.Counts[ru.State]++
	}
	rv, err := ps.FindPolicyReview(r.Context())
	if err != nil {
		return nil, err
	}
	v.Review = len(rv)
	return v, nil
}

func (s *Server) handlePolicyView(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r); err != nil {
		Error(w, r, err)
		return
	}
	if _, err := s.policies(); err != nil {
		Error(w, r, err)
		return
	}
	v, err := policyOverview(r, s.PolicyService)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handlePolicyLearn(w http.ResponseWriter, r *http.Request) {
	var req policy.LearnRequest
	if err := decodeJSON(w, r, &req); err != nil {
		Error(w, r, err)
		return
	}
	ps, err := s.policies()
	if err != nil {
		Error(w, r, err)
		return
	}
	if _, err := ps.Learn(r.Context(), req); err != nil {
		Error(w, r, err)
		return
	}
	v, err := policyOverview(r, s.PolicyService)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handlePolicyRules(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "state")
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := oneOf("state", q.Get("state"), cordon.PolicyRuleStates); err != nil {
		Error(w, r, err)
		return
	}
	if _, err := s.policies(); err != nil {
		Error(w, r, err)
		return
	}
	rules, err := s.PolicyService.FindPolicyRules(r.Context(), q.Get("state"))
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": rules})
}

func (s *Server) handlePolicyDecide(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "policy rule")
		if err != nil {
			Error(w, r, err)
			return
		}
		var d cordon.PolicyDecision
		if err := decodeJSON(w, r, &d); err != nil {
			Error(w, r, err)
			return
		}
		if _, err := s.policies(); err != nil {
			Error(w, r, err)
			return
		}
		var ru *cordon.PolicyRule
		if approve {
			ru, err = s.PolicyService.ApprovePolicyRule(r.Context(), id, d)
		} else {
			ru, err = s.PolicyService.RejectPolicyRule(r.Context(), id, d)
		}
		if err != nil {
			Error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, ru)
	}
}

func (s *Server) handlePolicyReview(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r); err != nil {
		Error(w, r, err)
		return
	}
	if _, err := s.policies(); err != nil {
		Error(w, r, err)
		return
	}
	rv, err := s.PolicyService.FindPolicyReview(r.Context())
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"review": rv})
}

func (s *Server) handlePolicyReviewApprove(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "review item")
	if err != nil {
		Error(w, r, err)
		return
	}
	var d cordon.PolicyDecision
	if err := decodeJSON(w, r, &d); err != nil {
		Error(w, r, err)
		return
	}
	if _, err := s.policies(); err != nil {
		Error(w, r, err)
		return
	}
	ru, err := s.PolicyService.ApprovePolicyReview(r.Context(), id, d)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ru)
}

func (s *Server) handlePolicyBaselines(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "scope", "key")
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := oneOf("scope", q.Get("scope"), []string{cordon.BaselineDevice, cordon.BaselineModel}); err != nil {
		Error(w, r, err)
		return
	}
	if _, err := s.policies(); err != nil {
		Error(w, r, err)
		return
	}
	bs, err := s.PolicyService.FindPolicyBaselines(r.Context(), q.Get("scope"), q.Get("key"))
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"baselines": bs})
}

func (s *Server) handlePolicySimulate(w http.ResponseWriter, r *http.Request) {
	var req policy.SimulateRequest
	if err := decodeJSON(w, r, &req); err != nil {
		Error(w, r, err)
		return
	}
	ps, err := s.policies()
	if err != nil {
		Error(w, r, err)
		return
	}
	rep, err := ps.Simulate(r.Context(), req)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// policyContentTypes are the export formats' media types.
var policyContentTypes = map[string]string{"json": "application/json; charset=utf-8", "csv": "text/csv; charset=utf-8"}

// policyExtensions are the export formats' file name extensions.
var policyExtensions = map[string]string{"json": "json", "csv": "csv", "nftables": "nft", "iptables": "rules",
	"cisco": "ios", "panos": "set", "fortigate": "conf"}

func (s *Server) handlePolicyExport(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "format")
	if err != nil {
		Error(w, r, err)
		return
	}
	format := q.Get("format")
	if format == "" {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "format is required: one of %v.", policy.Formats))
		return
	}
	if err := oneOf("format", format, policy.Formats); err != nil {
		Error(w, r, err)
		return
	}
	ps, err := s.policies()
	if err != nil {
		Error(w, r, err)
		return
	}
	// Render in memory so that a failure still gets an error response.
	var buf bytes.Buffer
	if err := ps.Export(r.Context(), &buf, format); err != nil {
		Error(w, r, err)
		return
	}
	ct := policyContentTypes[format]
	if ct == "" {
		ct = "text/plain; charset=utf-8"
	}
	name := "cordon-policy-" + s.Now().UTC().Format("2006-01-02") + "." + policyExtensions[format]
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}
