package guidance

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// Filter selects the devices of the trust-wide table. Zero values match
// all.
type Filter struct {
	Site     string
	Category string
	// State keeps devices with a check in this state: Check's, or any
	// check's when Check is empty.
	State  string
	Check  string
	Offset int
	Limit  int // 0: every device that matches
}

// Validate names the first bad field of a filter as EINVALID.
func (f *Filter) Validate() error {
	switch {
	case f.Category != "" && !slices.Contains(cordon.Categories, f.Category):
		return cordon.Errorf(cordon.EINVALID, "category must be one of %s, not %q.", strings.Join(cordon.Categories, ", "), f.Category)
	case f.State != "" && !slices.Contains(States, f.State):
		return cordon.Errorf(cordon.EINVALID, "state must be pass, fail or unknown, not %q.", f.State)
	case f.Check != "" && !IsCheck(f.Check):
		ids := make([]string, len(Checks))
		for i, c := range Checks {
			ids[i] = c.ID
		}
		return cordon.Errorf(cordon.EINVALID, "check must be one of %s, not %q.", strings.Join(ids, ", "), f.Check)
	case f.Check != "" && f.State == "":
		return cordon.Errorf(cordon.EINVALID, "check selects which check state applies to; give a state with it.")
	case f.Offset < 0 || f.Limit < 0:
		return cordon.Errorf(cordon.EINVALID, "offset and limit must not be negative.")
	}
	return nil
}

func (f *Filter) keep(r *DeviceReport) bool {
	if f.State == "" {
		return true
	}
	for _, c := range r.Checks {
		if c.State == f.State && (f.Check == "" || c.Check == f.Check) {
			return true
		}
	}
	return false
}

// Service gathers what Verify needs from the register, for one device or
// a table of them.
type Service struct {
	Devices       cordon.DeviceService
	Conversations cordon.ConversationService
	// Exceptions, when set, gives each device the controls of its active
	// exceptions; without it removable media stays unknown. Models says
	// which devices a model's exception covers; without it each device's
	// plan is read on its own.
	Exceptions cordon.ExceptionService
	Models     cordon.ModelService
	Options    Options
	Now        func() time.Time
}

const devicePage = 1000

// Device checks one device. ENOTFOUND for an unknown device.
func (s *Service) Device(ctx context.Context, id int64) (*DeviceReport, error) {
	rec, err := s.Devices.FindDeviceByID(ctx, id)
	if err != nil {
		return nil, err
	}
	reps, err := s.verify(ctx, []*cordon.DeviceRecord{rec})
	if err != nil {
		return nil, err
	}
	return &reps[0], nil
}

// Table checks the devices f selects, medical devices first, and returns
// a page of them and the number that match.
func (s *Service) Table(ctx context.Context, f Filter) ([]DeviceReport, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	recs, err := s.devices(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	SortDevices(recs)
	page := func(n int) (int, int) {
		lo := min(f.Offset, n)
		hi := n
		if f.Limit > 0 {
			hi = min(lo+f.Limit, n)
		}
		return lo, hi
	}
	if f.State == "" {
		// The order and the total need no checks: check only the page.
		lo, hi := page(len(recs))
		reps, err := s.verify(ctx, recs[lo:hi])
		return reps, len(recs), err
	}
	reps, err := s.verify(ctx, recs)
	if err != nil {
		return nil, 0, err
	}
	reps = slices.DeleteFunc(reps, func(r DeviceReport) bool { return !f.keep(&r) })
	lo, hi := page(len(reps))
	return reps[lo:hi], len(reps), nil
}

// SortDevices puts medical devices first, then orders by category (in
// cordon.Categories order) and name, so the table leads with what the
// guidance is about.
func SortDevices(recs []*cordon.DeviceRecord) {
	rank := map[string]int{}
	for i, c := range cordon.Categories {
		rank[c] = i
	}
	type key struct {
		medical bool
		cat     int
		name    string
	}
	keys := make(map[*cordon.DeviceRecord]key, len(recs))
	for _, r := range recs {
		var rep DeviceReport
		fillIdentity(&rep, r)
		keys[r] = key{rep.Medical, rank[rep.Category], strings.ToLower(rep.Name)}
	}
	slices.SortStableFunc(recs, func(a, b *cordon.DeviceRecord) int {
		ka, kb := keys[a], keys[b]
		if ka.medical != kb.medical {
			if ka.medical {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(ka.cat, kb.cat), strings.Compare(ka.name, kb.name), cmp.Compare(a.ID, b.ID))
	})
}

func (s *Service) devices(ctx context.Context, f Filter) ([]*cordon.DeviceRecord, error) {
	var out []*cordon.DeviceRecord
	for off := 0; ; off += devicePage {
		recs, _, err := s.Devices.FindDevices(ctx, cordon.DeviceFilter{Site: f.Site, Category: f.Category,
			Sort: "first_seen", Offset: off, Limit: devicePage})
		if err != nil {
			return nil, fmt.Errorf("guidance: find devices: %w", err)
		}
		out = append(out, recs...)
		if len(recs) < devicePage {
			return out, nil
		}
	}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// verify checks recs with one read of the conversations, one read of the
// exceptions and batched reads of the peers' addresses.
func (s *Service) verify(ctx context.Context, recs []*cordon.DeviceRecord) ([]DeviceReport, error) {
	out := make([]DeviceReport, 0, len(recs))
	if len(recs) == 0 {
		return out, nil
	}
	now := s.now()
	win := TrafficWindow{Since: now.Add(-s.Options.window()), Until: now}
	byKey, err := s.conversations(ctx, recs, win)
	if err != nil {
		return nil, err
	}
	peers, err := s.peers(ctx, recs, byKey)
	if err != nil {
		return nil, err
	}
	controls, err := s.controls(ctx, recs)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		out = append(out, Verify(Input{Device: rec, Conversations: byKey[rec.Key], Peers: peers,
			Controls: controls[rec.ID], Window: win}, &s.Options))
	}
	return out, nil
}

// conversations returns the window's conversations of recs by device key,
// in one pass over the window whatever its size: one device alone is read
// by its key, several by streaming the window and keeping theirs.
func (s *Service) conversations(ctx context.Context, recs []*cordon.DeviceRecord, win TrafficWindow) (map[string][]cordon.Conversation, error) {
	want := make(map[string]bool, len(recs))
	for _, r := range recs {
		want[r.Key] = true
	}
	f := cordon.ConversationFilter{Since: win.Since}
	if len(recs) == 1 {
		f.Device = recs[0].Key
	}
	byKey := make(map[string][]cordon.Conversation, len(recs))
	err := s.Conversations.EachConversation(ctx, f, func(c cordon.Conversation) error {
		if want[c.Client] {
			byKey[c.Client] = append(byKey[c.Client], c)
		}
		if want[c.Server] && c.Server != c.Client {
			byKey[c.Server] = append(byKey[c.Server], c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("guidance: read conversations: %w", err)
	}
	return byKey, nil
}

// peers returns the addresses of the peers known by device key, reading
// those outside recs in batches.
func (s *Service) peers(ctx context.Context, recs []*cordon.DeviceRecord, byKey map[string][]cordon.Conversation) (map[string]netip.Addr, error) {
	out := map[string]netip.Addr{}
	for _, r := range recs {
		if a := deviceAddr(r); a.IsValid() {
			out[r.Key] = a
		}
	}
	var missing []string
	seen := map[string]bool{}
	for _, cs := range byKey {
		for _, c := range cs {
			for _, k := range []string{c.Client, c.Server} {
				if _, ok := out[k]; !ok && !seen[k] && !strings.HasPrefix(k, "ip:") {
					seen[k] = true
					missing = append(missing, k)
				}
			}
		}
	}
	for len(missing) > 0 {
		chunk := missing[:min(len(missing), devicePage)]
		missing = missing[len(chunk):]
		found, _, err := s.Devices.FindDevices(ctx, cordon.DeviceFilter{Keys: chunk, Limit: len(chunk)})
		if err != nil {
			return nil, fmt.Errorf("guidance: find peers: %w", err)
		}
		for _, r := range found {
			if a := deviceAddr(r); a.IsValid() {
				out[r.Key] = a
			}
		}
	}
	return out, nil
}

// controls returns the controls of each device's active exceptions, its
// own and its model's, each with its exception's ID.
func (s *Service) controls(ctx context.Context, recs []*cordon.DeviceRecord) (map[int64][]cordon.Control, error) {
	out := map[int64][]cordon.Control{}
	if s.Exceptions == nil {
		return out, nil
	}
	add := func(id int64, e *cordon.Exception) {
		for _, c := range e.Controls {
			c.ExceptionID = e.ID
			out[id] = append(out[id], c)
		}
	}
	if len(recs) == 1 || s.Models == nil {
		for _, r := range recs {
			plan, err := s.Exceptions.DevicePlan(ctx, r.ID)
			if err != nil {
				return nil, fmt.Errorf("guidance: plan of device %d: %w", r.ID, err)
			}
			for _, e := range plan.Exceptions {
				add(r.ID, e)
			}
		}
		return out, nil
	}
	want := make(map[int64]bool, len(recs))
	for _, r := range recs {
		want[r.ID] = true
	}
	modelDevices := map[int64][]int64{}
	for off := 0; ; off += devicePage {
		es, _, err := s.Exceptions.FindExceptions(ctx, cordon.ExceptionFilter{State: cordon.ExceptionActive, Offset: off, Limit: devicePage})
		if err != nil {
			return nil, fmt.Errorf("guidance: find exceptions: %w", err)
		}
		for _, e := range es {
			if e.DeviceID != 0 {
				if want[e.DeviceID] {
					add(e.DeviceID, e)
				}
				continue
			}
			ids, ok := modelDevices[e.ModelID]
			if !ok {
				if ids, err = s.Models.FindModelDevices(ctx, e.ModelID); err != nil {
					return nil, fmt.Errorf("guidance: devices of model %d: %w", e.ModelID, err)
				}
				modelDevices[e.ModelID] = ids
			}
			for _, id := range ids {
				if want[id] {
					add(id, e)
				}
			}
		}
		if len(es) < devicePage {
			return out, nil
		}
	}
}
