package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/policy"
	"github.com/cordonsec/cordon/simulate"
)

// demoPolicy learns the simulated hospital's network policy from its
// capture, as an analyst would from a fortnight of traffic, so that
// /policy shows suggested rules and the flows held for review; the window
// ends with the capture, whose date is fixed, so the demo works on any
// later day. Then it tells the story of enforcement: the imaging zone's
// rules are approved at the end of the capture's day, as an analyst would
// after review, and the next morning's capture of the same hospital is
// held to them, so that its imaging devices' other traffic shows as
// flow_violation alerts. Every other suggestion is left to the user.
func demoPolicy(ctx context.Context, st *store, truth *simulate.Truth, stdout io.Writer) error {
	l, err := st.policyServer().Learn(ctx, policy.LearnRequest{})
	if err != nil {
		return err
	}
	forbidden := 0
	for _, v := range l.Review {
		if v.Forbidden {
			forbidden++
		}
	}
	if _, err := fmt.Fprintf(stdout, "Learned a network policy from the capture: %d rules suggested, %d flows held for review (%d the guidance forbids).\n",
		len(l.Rules), len(l.Review), forbidden); err != nil {
		return err
	}
	span, err := time.ParseDuration(truth.Duration)
	if err != nil {
		return fmt.Errorf("demo policy: capture duration %q: %w", truth.Duration, err)
	}
	end := truth.Start.Add(span)
	approved, err := demoApproveImaging(ctx, st, l, end.Add(time.Hour))
	if err != nil || approved == 0 {
		return err
	}
	// The next morning's capture: the same hospital, a shorter span.
	next := filepath.Join(st.dir, "simulated-hospital-next.pcap")
	defer os.Remove(next)
	if err := writeAtomic(next, func(w io.Writer) error {
		_, err := simulate.Generate(simulate.Config{Seed: truth.Seed, Devices: len(truth.Devices),
			Start: truth.Start.Add(24 * time.Hour), Duration: 20 * time.Minute}, w)
		return err
	}); err != nil {
		return err
	}
	c, _, err := ingestFile(ctx, st, next)
	if err != nil {
		return err
	}
	violations, err := findOpenAlerts(ctx, st, "flow_violation")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "Approved the %d rules of the imaging zone; the next morning's capture (%s) broke them %d times.\n",
		approved, c.Name, len(violations))
	return err
}

// demoApproveImaging approves, as of at, the suggested rules with an end
// in a zone of imaging modalities, and returns how many.
func demoApproveImaging(ctx context.Context, st *store, l *policy.Learning, at time.Time) (int, error) {
	var zones []policy.Zone
	if err := json.Unmarshal(l.Learning.Zones, &zones); err != nil {
		return 0, err
	}
	imaging := map[string]bool{}
	for _, z := range zones {
		imaging[z.Name] = z.Kind == policy.KindModality
	}
	saved := st.db.Now
	st.db.Now = func() time.Time { return at }
	defer func() { st.db.Now = saved }()
	actx := cordon.NewContextWithUser(ctx, &cordon.User{Name: demoUser, Role: cordon.RoleAnalyst})
	n := 0
	for _, r := range l.Rules {
		if !imaging[r.SrcZone] && !imaging[r.DstZone] {
			continue
		}
		if _, err := st.policies.ApprovePolicyRule(actx, r.ID, cordon.PolicyDecision{
			Justification: "Demo: reviewed with the zone's clinical lead and clinical engineering against its learned baseline.",
		}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
