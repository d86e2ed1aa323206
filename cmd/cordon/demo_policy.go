package main

import (
	"context"
	"fmt"
	"io"

	"github.com/cordonsec/cordon/policy"
	"github.com/cordonsec/cordon/simulate"
)

// demoPolicy learns the simulated hospital's network policy from its
// capture, as an analyst would from a fortnight of traffic, so that
// /policy shows suggested rules and the flows held for review. It learns
// as of the end of the capture, whose date is fixed, so the demo works on
// any later day. Nothing is approved: that is a person's decision.
func demoPolicy(ctx context.Context, st *store, truth *simulate.Truth, stdout io.Writer) error {
	// The window ends with the capture's traffic, weeks before today.
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
	_, err = fmt.Fprintf(stdout, "Learned a network policy from the capture: %d rules suggested, %d flows held for review (%d the guidance forbids).\n",
		len(l.Rules), len(l.Review), forbidden)
	return err
}
