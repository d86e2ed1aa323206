package main

import (
	"context"
	"fmt"
	"os"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/policy"
)

// raiseDetections stores a capture's detections as alerts on the devices
// of the register, and a new_device alert for each device the register did
// not know — unless every device of the capture is new: a first capture of
// a network is the baseline, not news.
func (s *store) raiseDetections(ctx context.Context, alerts []detect.Alert, newKeys, keys []string) error {
	need := map[string]bool{}
	for _, a := range alerts {
		need[a.Key] = true
	}
	announce := len(newKeys) > 0 && len(newKeys) < len(keys)
	if announce {
		for _, k := range newKeys {
			need[k] = true
		}
	}
	ids := map[string]*cordon.DeviceRecord{}
	list := make([]string, 0, len(need))
	for k := range need {
		list = append(list, k)
	}
	for len(list) > 0 {
		chunk := list[:min(len(list), 1000)]
		list = list[len(chunk):]
		recs, _, err := s.devices.FindDevices(ctx, cordon.DeviceFilter{Keys: chunk, Limit: len(chunk)})
		if err != nil {
			return err
		}
		for _, r := range recs {
			ids[r.Key] = r
		}
	}
	for i := range alerts {
		r := ids[alerts[i].Key]
		if r == nil {
			continue
		}
		if err := s.alerts.RaiseAlert(ctx, alerts[i].Cordon(r.ID)); err != nil {
			return err
		}
	}
	if !announce {
		return nil
	}
	for _, k := range newKeys {
		r := ids[k]
		if r == nil || r.Observed == nil {
			continue
		}
		if err := s.alerts.RaiseAlert(ctx, newDeviceAlert(r)); err != nil {
			return err
		}
	}
	return nil
}

// newDeviceAlert is the alert for a device first seen in a capture.
func newDeviceAlert(r *cordon.DeviceRecord) *cordon.Alert {
	d := r.Observed
	name := firstOf(firstString(d.Hostnames), firstString(d.IPs), d.MAC.String(), r.Key)
	return &cordon.Alert{
		Kind: detect.KindNewDevice, Severity: detect.Raise(cordon.AlertInfo, d), DeviceID: r.ID, Subject: "first_seen",
		Title: fmt.Sprintf("New device on the network: %s (%s)", name, d.Category),
		Evidence: []string{fmt.Sprintf("First seen %s in a capture; %s %s, vendor %s.",
			d.FirstSeen.UTC().Format("2006-01-02T15:04:05Z"), d.Manufacturer, d.Model, d.Vendor)},
	}
}

func firstString(ss []string) string {
	if len(ss) > 0 {
		return ss[0]
	}
	return ""
}

// detectConfigFlag is --detect-config: the file is read and checked while
// the flags are parsed, so a bad one stops the command before it starts,
// naming the file and the entry at fault.
type detectConfigFlag struct{ c **detect.Config }

func (f detectConfigFlag) String() string { return "" }

func (f detectConfigFlag) Set(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read the detection config: %w", err)
	}
	c, err := detect.ParseConfig(b)
	if err != nil {
		return fmt.Errorf("%s: %s", path, cordon.ErrorMessage(err))
	}
	*f.c = c
	return nil
}

// policyFileFlag is --policy: a reviewed policy file, read and checked
// while the flags are parsed. Every rule in it that is not rejected counts
// as allowed, and every address it names in a protected zone is held.
type policyFileFlag struct{ e **policy.Enforcer }

func (f policyFileFlag) String() string { return "" }

func (f policyFileFlag) Set(path string) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot read the policy: %w", err)
	}
	defer file.Close()
	p, err := policy.ReadPolicy(file)
	if err != nil {
		return fmt.Errorf("%s: %s", path, cordon.ErrorMessage(err))
	}
	*f.e = policy.NewEnforcer(p, false)
	return nil
}
