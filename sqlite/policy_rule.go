package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/cordonsec/cordon"
)

// FindPolicyRules returns the rules in state, by zone pair and service.
func (s *PolicyService) FindPolicyRules(ctx context.Context, state string) ([]*cordon.PolicyRule, error) {
	if state != "" && !slices.Contains(cordon.PolicyRuleStates, state) {
		return nil, cordon.Errorf(cordon.EINVALID, "Rule state %q is not one of suggested, approved, rejected.", state)
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find policy rules", err)
	}
	defer tx.Rollback()
	q, args := `SELECT id, body FROM policy_rules`, []any{}
	if state != "" {
		q, args = q+` WHERE state = ?`, append(args, state)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap("find policy rules", err)
	}
	defer rows.Close()
	out := []*cordon.PolicyRule{}
	for rows.Next() {
		r, err := scanPolicyRule(rows)
		if err != nil {
			return nil, wrap("find policy rules", err)
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *cordon.PolicyRule) int {
		return cmp.Or(cmp.Compare(a.SrcZone, b.SrcZone), cmp.Compare(a.DstZone, b.DstZone), cmp.Compare(a.Proto, b.Proto),
			cmp.Compare(a.Port, b.Port), cmp.Compare(a.App, b.App), cmp.Compare(a.ID, b.ID))
	})
	return out, wrap("find policy rules", rows.Err())
}

func scanPolicyRule(row interface{ Scan(...any) error }) (*cordon.PolicyRule, error) {
	var id int64
	var body string
	if err := row.Scan(&id, &body); err != nil {
		return nil, err
	}
	var r cordon.PolicyRule
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		return nil, err
	}
	r.ID = id
	return &r, nil
}

// FindPolicyRule returns one rule.
func (s *PolicyService) FindPolicyRule(ctx context.Context, id int64) (*cordon.PolicyRule, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find policy rule", err)
	}
	defer tx.Rollback()
	return findPolicyRule(ctx, tx, id)
}

func findPolicyRule(ctx context.Context, tx *Tx, id int64) (*cordon.PolicyRule, error) {
	r, err := scanPolicyRule(tx.QueryRowContext(ctx, `SELECT id, body FROM policy_rules WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Policy rule %d not found.", id)
	}
	return r, wrap("find policy rule", err)
}

// ApprovePolicyRule puts a rule in force, audited as "policy.approve".
func (s *PolicyService) ApprovePolicyRule(ctx context.Context, id int64, d cordon.PolicyDecision) (*cordon.PolicyRule, error) {
	return s.decide(ctx, id, d, cordon.PolicyRuleApproved, "policy.approve")
}

// RejectPolicyRule takes a rule out of force, audited as "policy.reject".
func (s *PolicyService) RejectPolicyRule(ctx context.Context, id int64, d cordon.PolicyDecision) (*cordon.PolicyRule, error) {
	return s.decide(ctx, id, d, cordon.PolicyRuleRejected, "policy.reject")
}

func (s *PolicyService) decide(ctx context.Context, id int64, d cordon.PolicyDecision, state, action string) (*cordon.PolicyRule, error) {
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, wrap(action, err)
	}
	defer tx.Rollback()
	if err := d.Validate(tx.now, state == cordon.PolicyRuleApproved); err != nil {
		return nil, err
	}
	r, err := findPolicyRule(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	before := *r
	now := tx.now
	r.State, r.Justification, r.Expires, r.DecidedBy, r.DecidedAt = state, d.Justification, d.Expires, cordon.Actor(ctx), &now
	if err := updatePolicyRule(ctx, tx, r); err != nil {
		return nil, wrap(action, err)
	}
	if err := insertAudit(ctx, tx, action, policyRuleObject(id), &before, r); err != nil {
		return nil, wrap(action, err)
	}
	return r, wrap(action, tx.Commit())
}

func updatePolicyRule(ctx context.Context, tx *Tx, r *cordon.PolicyRule) error {
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE policy_rules SET state = ?, body = ? WHERE id = ?`, r.State, string(body), r.ID)
	return err
}

// FindPolicyReview returns the review items, forbidden first.
func (s *PolicyService) FindPolicyReview(ctx context.Context) ([]*cordon.PolicyReview, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find policy review", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT id, rule_id, body FROM policy_review ORDER BY forbidden DESC, id`)
	if err != nil {
		return nil, wrap("find policy review", err)
	}
	defer rows.Close()
	out := []*cordon.PolicyReview{}
	for rows.Next() {
		v, err := scanPolicyReview(rows)
		if err != nil {
			return nil, wrap("find policy review", err)
		}
		out = append(out, v)
	}
	return out, wrap("find policy review", rows.Err())
}

func scanPolicyReview(row interface{ Scan(...any) error }) (*cordon.PolicyReview, error) {
	var id, rule int64
	var body string
	if err := row.Scan(&id, &rule, &body); err != nil {
		return nil, err
	}
	var v cordon.PolicyReview
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		return nil, err
	}
	v.ID, v.Rule = id, rule
	return &v, nil
}

// ApprovePolicyReview turns a review item into an approved rule, audited
// as "policy.approve_review"; never a forbidden one.
func (s *PolicyService) ApprovePolicyReview(ctx context.Context, id int64, d cordon.PolicyDecision) (*cordon.PolicyRule, error) {
	const action = "policy.approve_review"
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, wrap(action, err)
	}
	defer tx.Rollback()
	v, err := scanPolicyReview(tx.QueryRowContext(ctx, `SELECT id, rule_id, body FROM policy_review WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Policy review item %d not found.", id)
	} else if err != nil {
		return nil, wrap(action, err)
	}
	switch {
	case v.Forbidden:
		return nil, cordon.Errorf(cordon.EINVALID, "Review item %d cannot be approved as an allow rule: %s", id, v.Reason)
	case v.Rule != 0:
		return nil, cordon.Errorf(cordon.ECONFLICT, "Review item %d was already approved as rule %d.", id, v.Rule)
	case v.Src == "" || v.Dst == "":
		return nil, cordon.Errorf(cordon.EINVALID, "Review item %d has no IPv4 address for one end, so no firewall rule can name it.", id)
	}
	if err := d.Validate(tx.now, true); err != nil {
		return nil, err
	}
	now := tx.now
	r := &cordon.PolicyRule{SrcZone: v.SrcZone, DstZone: v.DstZone, Src: []string{v.Src}, Dst: []string{v.Dst},
		SrcDevices: []string{v.SrcDevice}, DstDevices: []string{v.DstDevice}, Proto: v.Proto, Port: v.Port, App: v.App,
		Basis: "approved from review: " + v.Reason, State: cordon.PolicyRuleApproved, Justification: d.Justification,
		Expires: d.Expires, DecidedBy: cordon.Actor(ctx), DecidedAt: &now, Evidence: v.Evidence, Review: v.ID}
	if err := insertPolicyRule(ctx, tx, r); err != nil {
		return nil, wrap(action, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE policy_review SET rule_id = ? WHERE id = ?`, r.ID, id); err != nil {
		return nil, wrap(action, err)
	}
	if err := insertAudit(ctx, tx, action, "policy:review:"+strconv.FormatInt(id, 10), v, r); err != nil {
		return nil, wrap(action, err)
	}
	return r, wrap(action, tx.Commit())
}

// FindPolicyBaselines returns the learned baselines of scope and key.
func (s *PolicyService) FindPolicyBaselines(ctx context.Context, scope, key string) ([]*cordon.PolicyBaseline, error) {
	if scope != "" && scope != cordon.BaselineDevice && scope != cordon.BaselineModel {
		return nil, cordon.Errorf(cordon.EINVALID, "Baseline scope %q is not device or model.", scope)
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find policy baselines", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT scope, key, data FROM policy_baselines
		WHERE (?1 = '' OR scope = ?1) AND (?2 = '' OR key = ?2) ORDER BY scope, key`, scope, key)
	if err != nil {
		return nil, wrap("find policy baselines", err)
	}
	defer rows.Close()
	out := []*cordon.PolicyBaseline{}
	for rows.Next() {
		var b cordon.PolicyBaseline
		var data string
		if err := rows.Scan(&b.Scope, &b.Key, &data); err != nil {
			return nil, wrap("find policy baselines", err)
		}
		b.Data = json.RawMessage(data)
		out = append(out, &b)
	}
	return out, wrap("find policy baselines", rows.Err())
}

func policyRuleObject(id int64) string { return "policy:rule:" + strconv.FormatInt(id, 10) }
