package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cordonsec/cordon"
)

// The server keeps policies in cordon's store types (cordon.PolicyRule and
// friends), which cannot name this package; these functions convert both
// ways so the server, the pages and the CLI share one mapping.

// maxRegisterDevices bounds how many devices a learning run reads: well
// above the largest trust, so that a runaway register fails loudly.
const maxRegisterDevices = 200_000

// RegisterDevices reads every device of the register, with the clinical
// criticality and zone the register records, as the learner wants them.
func RegisterDevices(ctx context.Context, ds cordon.DeviceService) ([]Device, error) {
	var out []Device
	for offset := 0; ; {
		recs, total, err := ds.FindDevices(ctx, cordon.DeviceFilter{Offset: offset, Limit: 1000})
		if err != nil {
			return nil, err
		}
		if total > maxRegisterDevices {
			return nil, cordon.Errorf(cordon.EINVALID, "The register holds %d devices; policy learning reads at most %d.", total, maxRegisterDevices)
		}
		for _, rec := range recs {
			d := Device{Key: rec.Key, Criticality: rec.Recorded.Criticality, Zone: rec.Recorded.Zone,
				Category: rec.Recorded.Category, Manufacturer: rec.Recorded.Manufacturer, Model: rec.Recorded.Model,
				Hostname: rec.Recorded.Hostname, MAC: rec.Recorded.MAC}
			if o := rec.Observed; o != nil {
				od := DevicesFrom([]*cordon.Device{o})[0]
				od.Key, od.Criticality, od.Zone = rec.Key, d.Criticality, d.Zone
				d = od
			} else if rec.Recorded.IP != "" {
				d.IPs = []string{rec.Recorded.IP}
			}
			if d.Category == "" {
				d.Category = cordon.CategoryUnknown
			}
			out = append(out, d)
		}
		offset += len(recs)
		if len(recs) == 0 || offset >= total {
			return out, nil
		}
	}
}

// History returns every stored conversation of [since, until), however
// many: a policy learnt from a truncated history would block what it
// never read.
func History(ctx context.Context, cs cordon.ConversationService, since, until time.Time) ([]cordon.Conversation, error) {
	out := []cordon.Conversation{}
	err := cs.EachConversation(ctx, cordon.ConversationFilter{Since: since, Until: until}, func(c cordon.Conversation) error {
		out = append(out, c)
		return nil
	})
	return out, err
}

// Learning is a learned policy in the store's types.
type Learning struct {
	Learning  *cordon.PolicyLearning
	Rules     []*cordon.PolicyRule
	Review    []*cordon.PolicyReview
	Baselines []*cordon.PolicyBaseline
}

// ToStore converts a suggested policy into what the store keeps.
func ToStore(p *Policy, specs []ZoneSpec, days, conversations int) (*Learning, error) {
	if specs == nil {
		specs = []ZoneSpec{}
	}
	zones, err := json.Marshal(p.Zones)
	if err != nil {
		return nil, err
	}
	matrix, err := json.Marshal(p.Matrix)
	if err != nil {
		return nil, err
	}
	sp, err := json.Marshal(specs)
	if err != nil {
		return nil, err
	}
	out := &Learning{Learning: &cordon.PolicyLearning{WindowStart: p.Window.Start, WindowEnd: p.Window.End, Days: days,
		Conversations: conversations, Skipped: p.Skipped, Zones: zones, Matrix: matrix, ZoneSpecs: sp}}
	for _, r := range p.Rules {
		out.Rules = append(out.Rules, &cordon.PolicyRule{SrcZone: r.SrcZone, DstZone: r.DstZone, Src: r.Src, Dst: r.Dst,
			SrcDevices: r.SrcDevices, DstDevices: r.DstDevices, Proto: r.Proto, Port: r.Port, App: r.App,
			Basis: r.Justification, State: cordon.PolicyRuleSuggested, Evidence: cordon.PolicyEvidence(r.Evidence)})
	}
	for _, v := range p.Review {
		out.Review = append(out.Review, &cordon.PolicyReview{Kind: v.Kind, Forbidden: v.Forbidden, Reason: v.Reason,
			Src: v.Src, Dst: v.Dst, SrcDevice: v.SrcDevice, DstDevice: v.DstDevice, SrcZone: v.SrcZone, DstZone: v.DstZone,
			Proto: v.Proto, Port: v.Port, App: v.App, Evidence: cordon.PolicyEvidence(v.Evidence)})
	}
	for _, b := range p.Baselines {
		data, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		out.Baselines = append(out.Baselines, &cordon.PolicyBaseline{Scope: cordon.BaselineDevice, Key: b.Device, Data: data})
	}
	for _, m := range p.Models {
		data, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		out.Baselines = append(out.Baselines, &cordon.PolicyBaseline{Scope: cordon.BaselineModel, Key: m.Manufacturer + "/" + m.Model, Data: data})
	}
	return out, nil
}

// FromStore rebuilds a policy from the stored learning and the rules
// given: approved rules become StateApproved with the analyst's
// justification, every other rule given StateSuggested, so that a
// candidate (approved plus selected suggestions) simulates as deployed.
// l may be nil when nothing was learned yet.
func FromStore(l *cordon.PolicyLearning, rules []*cordon.PolicyRule) (*Policy, error) {
	p := &Policy{Zones: []Zone{}, Matrix: []Cell{}, Rules: []Rule{}, Review: []Review{}}
	if l != nil {
		p.Generated, p.Window, p.Skipped = l.LearnedAt, Window{l.WindowStart, l.WindowEnd}, l.Skipped
		if len(l.Zones) > 0 {
			if err := json.Unmarshal(l.Zones, &p.Zones); err != nil {
				return nil, fmt.Errorf("stored policy zones: %w", err)
			}
		}
		if len(l.Matrix) > 0 {
			if err := json.Unmarshal(l.Matrix, &p.Matrix); err != nil {
				return nil, fmt.Errorf("stored policy matrix: %w", err)
			}
		}
	}
	for _, r := range rules {
		if r.State == cordon.PolicyRuleRejected {
			continue
		}
		pr := Rule{ID: fmt.Sprintf("r%d", r.ID), SrcZone: r.SrcZone, DstZone: r.DstZone, Src: r.Src, Dst: r.Dst,
			SrcDevices: r.SrcDevices, DstDevices: r.DstDevices, Proto: r.Proto, Port: r.Port, App: r.App,
			Justification: r.Basis, State: StateSuggested, Evidence: Evidence(r.Evidence)}
		if r.State == cordon.PolicyRuleApproved {
			pr.State, pr.Justification, pr.Expires = StateApproved, r.Justification, r.Expires
			pr.ApprovedBy, pr.ApprovedAt = r.DecidedBy, r.DecidedAt
		}
		p.Rules = append(p.Rules, pr)
	}
	return p, nil
}
