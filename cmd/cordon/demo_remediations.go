package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/simulate"
)

// demoRemediation is one story the demo tells about a model's fix, with
// its steps dated days before now.
type demoRemediation struct {
	want  func(m *cordon.DeviceModel) bool
	steps func(now time.Time) []cordon.RemediationTransition
	// applyShare is the share of the model's devices with the fix applied.
	applyShare float64
	note       string
}

// demoRemediationStories: a Windows 7 modality waiting months for its
// manufacturer, a fix approved and half deployed, and one the
// manufacturer rejected.
var demoRemediationStories = []demoRemediation{
	{
		want: func(m *cordon.DeviceModel) bool { return m.Category == cordon.CategoryImagingModality },
		steps: func(now time.Time) []cordon.RemediationTransition {
			return []cordon.RemediationTransition{{State: cordon.RemediationAwaitingValidation, At: now.AddDate(0, 0, -143),
				Note: "Asked the manufacturer's service desk to validate the Windows update on the console."}}
		},
		note: "Modality console on Windows 7: the manufacturer has not validated the update.",
	},
	{
		want: func(*cordon.DeviceModel) bool { return true },
		steps: func(now time.Time) []cordon.RemediationTransition {
			return []cordon.RemediationTransition{
				{State: cordon.RemediationAwaitingValidation, At: now.AddDate(0, 0, -120)},
				{State: cordon.RemediationApproved, At: now.AddDate(0, 0, -41), ApprovedVersion: "approved-service-pack",
					Evidence: "https://manufacturer.example/security/validated-patches", Note: "Validated patch list, manufacturer's portal."},
			}
		},
		applyShare: 0.5,
		note:       "Approved; biomedical engineering is rolling it out ward by ward.",
	},
	{
		want: func(*cordon.DeviceModel) bool { return true },
		steps: func(now time.Time) []cordon.RemediationTransition {
			return []cordon.RemediationTransition{
				{State: cordon.RemediationAwaitingValidation, At: now.AddDate(0, 0, -200)},
				{State: cordon.RemediationRejected, At: now.AddDate(0, 0, -65),
					Reason: "The update breaks the device's validated configuration; a fix comes with the next major software release."},
			}
		},
		note: "Rejected: covered by an exception and segmentation until the software upgrade.",
	},
}

// demoRemediations records the stories for models of the demo whose
// devices have findings with a published fix, so the board and the
// scorecard show realistic clocks.
func demoRemediations(ctx context.Context, st *store, _ *simulate.Truth, stdout io.Writer) error {
	ctx = cordon.NewContextWithUser(ctx, &cordon.User{Name: demoUser})
	models, _, err := st.models.FindModels(ctx, cordon.ModelFilter{Limit: 1000})
	if err != nil {
		return err
	}
	used := map[int64]bool{}
	now := time.Now().UTC()
	made := 0
	for _, story := range demoRemediationStories {
		for _, m := range models {
			if used[m.ID] || !story.want(m) {
				continue
			}
			cve, err := demoFixedCVE(ctx, st, m.ID)
			if err != nil {
				return err
			}
			if cve == "" {
				continue
			}
			used[m.ID] = true
			if err := demoStory(ctx, st, m, cve, story, now); err != nil {
				return fmt.Errorf("demo remediation of %s %s: %w", m.Manufacturer, m.Model, err)
			}
			made++
			break
		}
	}
	fmt.Fprintf(stdout, "Tracked %d fixes through manufacturer validation, as clinical engineering would.\n", made)
	return nil
}

// demoFixedCVE returns a CVE with a published fix that a device of the
// model has, known exploited first, or "".
func demoFixedCVE(ctx context.Context, st *store, modelID int64) (string, error) {
	ids, err := st.models.FindModelDevices(ctx, modelID)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	fs, _, err := st.findings.FindFindings(ctx, cordon.FindingFilter{DeviceID: ids[0], Limit: 100})
	if err != nil {
		return "", err
	}
	for _, f := range fs {
		if f.Fix.Available && !f.Fix.Since.IsZero() {
			return f.CVE, nil
		}
	}
	return "", nil
}

func demoStory(ctx context.Context, st *store, m *cordon.DeviceModel, cve string, story demoRemediation, now time.Time) error {
	r := &cordon.RemediationRecord{CVE: cve, ModelID: m.ID, Notes: story.note}
	switch err := st.remediations.CreateRemediation(ctx, r); {
	case cordon.ErrorCode(err) == cordon.ECONFLICT:
		return nil // a demo data directory used before keeps its records
	case err != nil:
		return err
	}
	for _, t := range story.steps(now) {
		if _, err := st.remediations.TransitionRemediation(ctx, r.ID, t); err != nil {
			return err
		}
	}
	if story.applyShare > 0 {
		n := max(1, int(float64(len(r.Devices))*story.applyShare))
		if n >= len(r.Devices) && len(r.Devices) > 1 {
			n = len(r.Devices) - 1 // partly deployed, as the story says
		}
		var cs []cordon.RemediationDeviceChange
		for i, d := range r.Devices {
			switch {
			case i < n:
				cs = append(cs, cordon.RemediationDeviceChange{DeviceID: d.DeviceID, State: cordon.RemediationDeviceApplied, Date: now.AddDate(0, 0, -12)})
			default:
				cs = append(cs, cordon.RemediationDeviceChange{DeviceID: d.DeviceID, State: cordon.RemediationDeviceScheduled, Date: now.AddDate(0, 0, 9)})
			}
		}
		if len(cs) > 0 {
			if _, err := st.remediations.UpdateRemediationDevices(ctx, r.ID, cs); err != nil {
				return err
			}
		}
	}
	return nil
}
