package main

import (
	"context"
	"io"

	"github.com/cordonsec/cordon/simulate"
)

// seedDemoGovernance records what a trust's clinical engineers would have
// recorded about the simulated hospital: manufacturer documents, suppliers
// and their contracts, remediation records, exceptions and lifecycle
// plans. Each area's records are made in its own file; suppliers come
// before remediation, whose clocks read their service levels.
func seedDemoGovernance(ctx context.Context, st *store, truth *simulate.Truth, stdout io.Writer) error {
	for _, seed := range []func(context.Context, *store, *simulate.Truth, io.Writer) error{
		demoDocuments, demoSuppliers, demoRemediations, demoExceptions, demoLifecycle, demoPolicy,
	} {
		if err := seed(ctx, st, truth, stdout); err != nil {
			return err
		}
	}
	// The capture was checked before these records existed: check again,
	// as the server does every hour, so that the alerts match them.
	return st.governanceChecks(ctx)
}
