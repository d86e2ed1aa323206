package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"time"

	"github.com/cordonsec/cordon"
)

// PolicyService keeps the network policy: the latest learning run, the
// rules through their review, and the flows held back for review.
type PolicyService struct {
	db *DB
}

var _ cordon.PolicyService = (*PolicyService)(nil)

// NewPolicyService returns the policy store of db.
func NewPolicyService(db *DB) *PolicyService { return &PolicyService{db: db} }

// maxPolicyItems bounds one learning run: a trust's policy has thousands
// of rules, not millions, and a run that big is a mistake to refuse whole.
const maxPolicyItems = 200_000

// SaveLearning replaces the learned part of the policy and keeps every
// decision, audited as "policy.learn".
func (s *PolicyService) SaveLearning(ctx context.Context, l *cordon.PolicyLearning, rules []*cordon.PolicyRule,
	review []*cordon.PolicyReview, baselines []*cordon.PolicyBaseline) error {
	if l == nil {
		return cordon.Errorf(cordon.EINVALID, "No learning run given.")
	}
	if len(rules)+len(review)+len(baselines) > maxPolicyItems {
		return cordon.Errorf(cordon.EINVALID, "A learning run holds at most %d rules, review items and baselines.", maxPolicyItems)
	}
	if l.Days < 0 || l.Conversations < 0 {
		return cordon.Errorf(cordon.EINVALID, "A learning run's days and conversations must not be negative.")
	}
	for i, r := range rules {
		if r == nil || r.Proto == "" {
			return cordon.Errorf(cordon.EINVALID, "Rule %d of the learning run has no protocol.", i+1)
		}
	}
	for i, b := range baselines {
		if b == nil || (b.Scope != cordon.BaselineDevice && b.Scope != cordon.BaselineModel) || b.Key == "" || !json.Valid(b.Data) {
			return cordon.Errorf(cordon.EINVALID, "Baseline %d of the learning run needs scope device or model, a key and JSON data.", i+1)
		}
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return wrap("save policy learning", err)
	}
	defer tx.Rollback()
	l.LearnedBy, l.LearnedAt = cordon.Actor(ctx), tx.now
	if err := tx.QueryRowContext(ctx, `INSERT INTO policy_learnings (window_start, window_end, days, conversations, skipped,
		zones, matrix, zone_specs, by_subnet, learned_by, learned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		formatTime(l.WindowStart.UTC()), formatTime(l.WindowEnd.UTC()), l.Days, l.Conversations, int64(l.Skipped),
		rawOr(l.Zones, "[]"), rawOr(l.Matrix, "[]"), rawOr(l.ZoneSpecs, "[]"), l.BySubnet, l.LearnedBy, formatTime(l.LearnedAt)).Scan(&l.ID); err != nil {
		return wrap("save policy learning", err)
	}
	// Only the latest run is kept: the decisions live on the rules.
	for _, q := range []string{`DELETE FROM policy_learnings WHERE id <> ?`, `DELETE FROM policy_rules WHERE state = 'suggested' AND ? > 0`,
		`DELETE FROM policy_review WHERE rule_id = 0 AND ? > 0`, `DELETE FROM policy_baselines WHERE ? > 0`} {
		if _, err := tx.ExecContext(ctx, q, l.ID); err != nil {
			return wrap("save policy learning", err)
		}
	}
	decided := map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT signature FROM policy_rules`)
	if err != nil {
		return wrap("save policy learning", err)
	}
	for rows.Next() {
		var sig string
		if err := rows.Scan(&sig); err != nil {
			rows.Close()
			return wrap("save policy learning", err)
		}
		decided[sig] = true
	}
	if err := rows.Close(); err != nil {
		return wrap("save policy learning", err)
	}
	stored := 0
	for _, r := range rules {
		r.ID, r.Review = 0, 0
		if decided[r.Signature()] {
			continue
		}
		decided[r.Signature()] = true
		r.State, r.Justification, r.Expires, r.DecidedBy, r.DecidedAt = cordon.PolicyRuleSuggested, "", nil, "", nil
		if err := insertPolicyRule(ctx, tx, r); err != nil {
			return wrap("save policy learning", err)
		}
		stored++
	}
	approved := map[string]bool{}
	if rows, err = tx.QueryContext(ctx, `SELECT body FROM policy_review WHERE rule_id <> 0`); err != nil {
		return wrap("save policy learning", err)
	}
	for rows.Next() {
		var body string
		var v cordon.PolicyReview
		if err := rows.Scan(&body); err != nil {
			rows.Close()
			return wrap("save policy learning", err)
		}
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			rows.Close()
			return wrap("save policy learning", err)
		}
		approved[v.Signature()] = true
	}
	if err := rows.Close(); err != nil {
		return wrap("save policy learning", err)
	}
	for _, v := range review {
		if v == nil || approved[v.Signature()] {
			continue
		}
		v.ID, v.Rule = 0, 0
		body, err := json.Marshal(v)
		if err != nil {
			return wrap("save policy learning", err)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO policy_review (forbidden, body) VALUES (?, ?) RETURNING id`,
			v.Forbidden, string(body)).Scan(&v.ID); err != nil {
			return wrap("save policy learning", err)
		}
	}
	for _, b := range baselines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_baselines (scope, key, data) VALUES (?, ?, ?)
			ON CONFLICT (scope, key) DO UPDATE SET data = excluded.data`, b.Scope, b.Key, string(b.Data)); err != nil {
			return wrap("save policy learning", err)
		}
	}
	summary := map[string]any{"learning": l.ID, "window_start": l.WindowStart.UTC(), "window_end": l.WindowEnd.UTC(),
		"days": l.Days, "conversations": l.Conversations, "suggested": stored, "review": len(review), "baselines": len(baselines)}
	if err := insertAudit(ctx, tx, "policy.learn", "policy:learning:"+strconv.FormatInt(l.ID, 10), nil, summary); err != nil {
		return wrap("save policy learning", err)
	}
	return wrap("save policy learning", tx.Commit())
}

func rawOr(m json.RawMessage, empty string) string {
	if len(m) == 0 || !json.Valid(m) {
		return empty
	}
	return string(m)
}

func insertPolicyRule(ctx context.Context, tx *Tx, r *cordon.PolicyRule) error {
	r.ID = 0
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.QueryRowContext(ctx, `INSERT INTO policy_rules (state, signature, body) VALUES (?, ?, ?) RETURNING id`,
		r.State, r.Signature(), string(body)).Scan(&r.ID)
}

// PolicyLearning returns the latest learning run.
func (s *PolicyService) PolicyLearning(ctx context.Context) (*cordon.PolicyLearning, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find policy learning", err)
	}
	defer tx.Rollback()
	var l cordon.PolicyLearning
	var start, end, at, zones, matrix, specs string
	var skipped int64
	err = tx.QueryRowContext(ctx, `SELECT id, window_start, window_end, days, conversations, skipped, zones, matrix,
		zone_specs, by_subnet, learned_by, learned_at FROM policy_learnings ORDER BY id DESC LIMIT 1`).Scan(&l.ID, &start, &end,
		&l.Days, &l.Conversations, &skipped, &zones, &matrix, &specs, &l.BySubnet, &l.LearnedBy, &at)
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "No policy has been learned yet: run a learning window first.")
	} else if err != nil {
		return nil, wrap("find policy learning", err)
	}
	l.Skipped = uint64(skipped)
	l.Zones, l.Matrix, l.ZoneSpecs = json.RawMessage(zones), json.RawMessage(matrix), json.RawMessage(specs)
	for _, p := range []struct {
		s string
		t *time.Time
	}{{start, &l.WindowStart}, {end, &l.WindowEnd}, {at, &l.LearnedAt}} {
		if *p.t, err = parseTime(p.s); err != nil {
			return nil, wrap("find policy learning", err)
		}
	}
	return &l, nil
}
