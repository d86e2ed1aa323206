package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/simulate"
)

// demoExceptions records exceptions for a few exposed devices, the way a
// trust's clinical engineers would: one device with a complete plan, one
// model whose plan only lowers likelihood (flagged incomplete), and one
// device whose exception expired ten days ago. The other exposed devices
// stay uncovered, so the dashboard shows both problems.
func demoExceptions(ctx context.Context, st *store, _ *simulate.Truth, stdout io.Writer) error {
	exposed, _, err := st.findings.FindExposures(ctx, cordon.ExposureFilter{Limit: 20})
	if err != nil {
		return err
	}
	if len(exposed) < 3 {
		fmt.Fprintln(stdout, "Too few exposed devices for demo exceptions; none recorded.")
		return nil
	}
	now := st.db.Now()
	today := cordon.Day(now)
	date := func(days int) time.Time { return today.AddDate(0, 0, days) }
	ctl := func(kind, class, status, evidence string, review int) cordon.Control {
		return cordon.Control{Kind: kind, Class: class, Status: status, Evidence: evidence, ReviewDate: date(review)}
	}

	complete := &cordon.Exception{DeviceID: exposed[0].Device.ID, Reason: cordon.ExceptionNoValidatedPatch,
		ReasonText: "The manufacturer has not yet validated the Windows security update.", RiskRef: "RR-2025-014",
		Owner: "Head of Clinical Engineering", Expires: date(120), Controls: []cordon.Control{
			ctl("segmented", cordon.ControlImpact, cordon.ControlVerified, "Medical device VLAN 40; firewall policy MD-IMG-01.", 60),
			ctl("monitored", cordon.ControlImpact, cordon.ControlInPlace, "Cordon alerts to the security team's queue.", 90),
			ctl("no_email", cordon.ControlLikelihood, cordon.ControlVerified, "No SMTP or IMAP seen in 30 days of traffic.", 90),
			ctl("supplier_access_on_demand_mfa", cordon.ControlLikelihood, cordon.ControlInPlace, "Supplier VPN enabled per ticket, MFA enforced.", 25),
		}}
	if err := st.exceptions.CreateException(ctx, complete); err != nil {
		return fmt.Errorf("demo exceptions: %w", err)
	}

	// A model-wide exception if the second device belongs to a model, else
	// a device one: either way its plan only lowers likelihood.
	partial := &cordon.Exception{DeviceID: exposed[1].Device.ID, Reason: cordon.ExceptionEndOfSupport,
		ReasonText: "The operating system is out of support; replacement is planned.", RiskRef: "RR-2025-022",
		Owner: "EBME manager", Expires: date(180), Controls: []cordon.Control{
			ctl("no_removable_media", cordon.ControlLikelihood, cordon.ControlInPlace, "USB ports disabled by the manufacturer's engineer.", 45),
			ctl("no_internet", cordon.ControlLikelihood, cordon.ControlPlanned, "Proxy rule requested, change CHG-3310.", 30),
		}}
	if m, _, err := st.models.ModelOfDevice(ctx, exposed[1].Device.ID); err == nil {
		partial.DeviceID, partial.ModelID = 0, m.ID
	}
	if err := st.exceptions.CreateException(ctx, partial); err != nil {
		return fmt.Errorf("demo exceptions: %w", err)
	}

	// The expired one was recorded 200 days ago: the store's clock is set
	// back for it, as if it had been.
	expired := &cordon.Exception{DeviceID: exposed[2].Device.ID, Reason: cordon.ExceptionClinical,
		ReasonText: "Cannot be taken out of service for the upgrade during winter pressures.", RiskRef: "RR-2024-087",
		Owner: "Critical care matron", Expires: date(-10), Controls: []cordon.Control{
			ctl("segmented", cordon.ControlImpact, cordon.ControlInPlace, "Critical care VLAN.", -40),
			ctl("application_allowlisting", cordon.ControlLikelihood, cordon.ControlInPlace, "Manufacturer allow-list enabled.", -40),
		}}
	clock := st.db.Now
	st.db.Now = func() time.Time { return now.AddDate(0, 0, -200) }
	err = st.exceptions.CreateException(ctx, expired)
	st.db.Now = clock
	if err != nil {
		return fmt.Errorf("demo exceptions: %w", err)
	}
	cov, err := st.exceptions.ExceptionCoverage(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Recorded 3 exceptions (one complete plan, one likelihood-only, one expired): %d devices with open findings or unsupported software remain without one.\n", cov.Uncovered)
	return nil
}
