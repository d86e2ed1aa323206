package modeldoc

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/mds2"
)

// TrafficWindow is how far back a device's conversations count against
// its model's MDS2: the same month the assessment looks at.
const TrafficWindow = 30 * 24 * time.Hour

// errNoTraffic is Check without the services that read traffic.
var errNoTraffic = errors.New("modeldoc: no device or conversation service: traffic cannot be read")

// Form rebuilds the MDS2 form of stored answers, so that its declarations
// can be worked out again without the file.
func Form(answers []cordon.MDS2Answer) *mds2.Form {
	f := &mds2.Form{Answers: make([]mds2.Answer, 0, len(answers))}
	for _, a := range answers {
		f.Answers = append(f.Answers, mds2.Answer{ID: a.QuestionID, Section: a.Section, Question: a.Question,
			Value: mds2.ParseValue(a.Answer), Raw: a.Answer, Note: a.Note})
	}
	return f
}

// Check holds the model's newest MDS2 against its devices' traffic of the
// last TrafficWindow, stores what contradicts it (replacing what was found
// before) and raises one alert per device whose traffic contradicts the
// form. A model without an MDS2 has no contradictions.
func (s *Service) Check(ctx context.Context, modelID int64) ([]cordon.ModelContradiction, error) {
	if s.Devices == nil || s.Conversations == nil {
		return nil, errNoTraffic
	}
	m, err := s.Models.FindModelByID(ctx, modelID)
	if err != nil {
		return nil, err
	}
	docs, _, err := s.Documents.FindDocuments(ctx, cordon.DocumentFilter{ModelID: modelID, Kind: cordon.DocumentMDS2, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		if err := s.Documents.ReplaceContradictions(ctx, modelID, nil); err != nil {
			return nil, err
		}
		return nil, s.raise(ctx, m, nil, nil)
	}
	form := docs[0]
	content, err := s.Documents.FindDocumentContent(ctx, form.ID)
	if err != nil {
		return nil, err
	}
	decl := Form(content.Answers).Declared()
	ids, err := s.Models.FindModelDevices(ctx, modelID)
	if err != nil {
		return nil, err
	}
	since := s.now().Add(-TrafficWindow)
	var all []mds2.Observation
	perDevice := map[string][]int64{} // contradiction key → devices
	for _, id := range ids {
		rec, err := s.Devices.FindDeviceByID(ctx, id)
		if cordon.ErrorCode(err) == cordon.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		convs, err := s.Conversations.FindConversations(ctx, cordon.ConversationFilter{Device: rec.Key, Since: since})
		if err != nil {
			return nil, err
		}
		peers, err := s.peerIPs(ctx, rec.Key, convs)
		if err != nil {
			return nil, err
		}
		obs := Observe(rec, convs, peers)
		all = append(all, obs)
		for _, c := range mds2.Contradictions(decl, obs) {
			perDevice[c.QuestionID] = append(perDevice[c.QuestionID], id)
		}
	}
	var out []cordon.ModelContradiction
	for _, c := range mds2.Contradictions(decl, Merge(all)) {
		out = append(out, cordon.ModelContradiction{ModelID: modelID, DocumentID: form.ID, QuestionID: c.QuestionID,
			Declared: c.Declared, Observed: c.Observed, Severity: string(c.Severity), Explanation: c.Explanation,
			Devices: devicesOf(perDevice[c.QuestionID])})
	}
	if err := s.Documents.ReplaceContradictions(ctx, modelID, out); err != nil {
		return nil, err
	}
	if err := s.raise(ctx, m, form, out); err != nil {
		return out, err
	}
	return out, nil
}

func devicesOf(ids []int64) []int64 {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if ids == nil {
		ids = []int64{}
	}
	return ids
}

// peerIPs looks up the addresses of the peers the register knows by key
// (not "ip:"), so that Observe can tell whether they share the device's
// subnet.
func (s *Service) peerIPs(ctx context.Context, key string, convs []cordon.Conversation) (map[string][]string, error) {
	var keys []string
	for _, c := range convs {
		for _, k := range []string{c.Client, c.Server} {
			if k != key && k != "" && !strings.HasPrefix(k, "ip:") && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	out := map[string][]string{}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 1000)]
		keys = keys[len(chunk):]
		recs, _, err := s.Devices.FindDevices(ctx, cordon.DeviceFilter{Keys: chunk, Limit: len(chunk)})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.Observed != nil {
				out[r.Key] = r.Observed.IPs
			}
			if r.Recorded.IP != "" {
				out[r.Key] = append(out[r.Key], r.Recorded.IP)
			}
		}
	}
	return out, nil
}

// raise raises, per device, one alert of kind AlertMDS2Contradiction about
// the model ("model:<id>"), with every contradiction its traffic shows as
// evidence and the most severe one's severity, and resolves the model's
// alerts of devices whose traffic no longer contradicts the form.
func (s *Service) raise(ctx context.Context, m *cordon.DeviceModel, form *cordon.ModelDocument, cs []cordon.ModelContradiction) error {
	if s.Alerts == nil {
		return nil
	}
	subject := "model:" + strconv.FormatInt(m.ID, 10)
	byDevice := map[int64][]cordon.ModelContradiction{}
	var devices []int64
	for _, c := range cs {
		for _, d := range c.Devices {
			if _, ok := byDevice[d]; !ok {
				devices = append(devices, d)
			}
			byDevice[d] = append(byDevice[d], c)
		}
	}
	slices.Sort(devices)
	name := strings.TrimSpace(m.Manufacturer + " " + m.Model + " " + m.Version)
	var errs []error
	var keep []cordon.AlertKey
	for _, d := range devices {
		list := byDevice[d]
		keep = append(keep, cordon.AlertKey{DeviceID: d, Subject: subject})
		a := &cordon.Alert{Kind: cordon.AlertMDS2Contradiction, Severity: alertSeverity(list[0].Severity), DeviceID: d,
			Subject: subject,
			Title:   clip(fmt.Sprintf("Traffic contradicts the MDS2 of %s: %s", name, list[0].Declared), 512)}
		a.Evidence = append(a.Evidence, "MDS2 "+form.FileName+" (document "+strconv.FormatInt(form.ID, 10)+")")
		for _, c := range list {
			if len(a.Evidence) == 64 {
				break
			}
			a.Evidence = append(a.Evidence, clip(c.Declared+"; observed: "+c.Observed, 1000))
		}
		errs = append(errs, s.Alerts.RaiseAlert(ctx, a))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	_, err := s.Alerts.ResolveAlerts(ctx, cordon.AlertMDS2Contradiction, keep, cordon.AlertScope{Subjects: []string{subject}},
		"The device's traffic no longer contradicts the model's MDS2 form, or the form changed.")
	return err
}

// alertSeverity maps a contradiction's severity to an alert's. The list is
// most severe first, so its first entry gives the alert's.
func alertSeverity(s string) string {
	switch s {
	case string(mds2.High):
		return cordon.AlertHigh
	case string(mds2.Medium):
		return cordon.AlertMedium
	}
	return cordon.AlertLow
}

// CheckDevices runs Check for every model the devices with these register
// keys belong to: after an ingest, the models whose traffic just changed.
func (s *Service) CheckDevices(ctx context.Context, keys []string) error {
	if s.Devices == nil || s.Conversations == nil {
		return errNoTraffic
	}
	models := map[int64]bool{}
	for len(keys) > 0 {
		chunk := keys[:min(len(keys), 1000)]
		keys = keys[len(chunk):]
		recs, _, err := s.Devices.FindDevices(ctx, cordon.DeviceFilter{Keys: chunk, Limit: len(chunk)})
		if err != nil {
			return err
		}
		for _, r := range recs {
			m, _, err := s.Models.ModelOfDevice(ctx, r.ID)
			if cordon.ErrorCode(err) == cordon.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			models[m.ID] = true
		}
	}
	ids := make([]int64, 0, len(models))
	for id := range models {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var errs []error
	for _, id := range ids {
		n, _, err := s.Documents.FindDocuments(ctx, cordon.DocumentFilter{ModelID: id, Kind: cordon.DocumentMDS2, Limit: 1})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(n) == 0 {
			continue // no form to hold the traffic against
		}
		if _, err := s.Check(ctx, id); err != nil {
			errs = append(errs, fmt.Errorf("modeldoc: check model %d: %w", id, err))
		}
	}
	return errors.Join(errs...)
}
