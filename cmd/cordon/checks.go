package main

import (
	"context"
	"errors"
	"time"
)

// governanceAfterIngest runs the checks a new capture can trigger: a
// decommissioned device talking again, remote access no supplier record
// explains, traffic that contradicts a model's MDS2. keys are the devices
// the capture changed.
func (s *store) governanceAfterIngest(ctx context.Context, keys []string) error {
	return errors.Join(
		checkReappeared(ctx, s, keys),
		checkRemoteAccess(ctx, s, keys),
		checkContradictions(ctx, s, keys),
	)
}

// governanceChecks runs the checks that depend on the passing of time or
// on records people change: remediation clocks, exception expiries,
// remote access that a new supplier record now explains, expected medical
// devices gone silent (silent.go), policy violations a newly approved rule
// allows (violations.go). serve runs them
// every checkInterval.
func (s *store) governanceChecks(ctx context.Context) error {
	return errors.Join(checkRemediations(ctx, s), checkExceptions(ctx, s), settleRemoteAccessAlerts(ctx, s),
		checkSilent(ctx, s, silence), settleViolations(ctx, s))
}

// checkInterval is how often serve runs governanceChecks: clocks count in
// days, so an hour is prompt enough.
const checkInterval = time.Hour
