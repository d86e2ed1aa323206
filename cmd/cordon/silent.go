package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/detect"
)

// silentConfig says when a medical device's silence is news (device_silent,
// guidance 4.3: monitoring that notices an expected device stop talking — a
// pump unplugged from the network, a modality isolated by malware or by a
// cable).
//
// A device is expected when the traffic showed it on at least MinDays of
// the Window days before it fell quiet, counted in whole UTC days from its
// conversations: a device that talks most days is missed, one seen once on
// a visit is not. Habit is measured up to the last sighting rather than up
// to now, so a long silence does not make the device "unexpected" and
// quietly close its alert. It is silent once not seen for After.
type silentConfig struct {
	After   time.Duration
	Window  int // days
	MinDays int
}

// defaultSilence: a day without a word from a device seen on 3 of the 7
// days before. A day tolerates a weekend-off clinic only if MinDays is met
// on weekdays; trusts with such devices raise After with --silent-after.
var defaultSilence = silentConfig{After: 24 * time.Hour, Window: 7, MinDays: 3}

// silence is what serve's checks use; --silent-after sets it.
var silence = defaultSilence

// silentFlags adds --silent-after to serve's flags.
func silentFlags(fs *flag.FlagSet) {
	fs.DurationVar(&silence.After, "silent-after", defaultSilence.After,
		"raise device_silent for an in-service medical device not seen for this `duration` (at least 1h)")
}

// checkSilent raises device_silent for the in-service medical devices that
// are expected (silentConfig) but have not been seen for c.After, and
// resolves the alerts of devices that talk again, were decommissioned or
// are no longer medical. Times are the store's clock against packet times.
func checkSilent(ctx context.Context, st *store, c silentConfig) error {
	if c.After < time.Hour {
		return cordon.Errorf(cordon.EINVALID, "--silent-after must be at least 1h, not %s.", c.After)
	}
	now := st.db.Now().UTC()
	cutoff := now.Add(-c.After)
	medical := true
	var silent []*cordon.DeviceRecord
	// Oldest sighting first: the silent devices lead, and the walk stops
	// at the first one seen since the cutoff.
	f := cordon.DeviceFilter{Medical: &medical, Sort: "last_seen", Limit: 1000}
walk:
	for {
		recs, total, err := st.devices.FindDevices(ctx, f)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if r.Observed == nil || r.Observed.LastSeen.IsZero() {
				continue // only in the register: never expected on the wire
			}
			if !r.Observed.LastSeen.Before(cutoff) {
				break walk
			}
			silent = append(silent, r)
		}
		f.Offset += len(recs)
		if len(recs) == 0 || f.Offset >= total {
			break
		}
	}
	retired := map[int64]bool{}
	for i := 0; i < len(silent); i += 1000 {
		chunk := silent[i:min(len(silent), i+1000)]
		ids := make([]int64, len(chunk))
		for j, r := range chunk {
			ids[j] = r.ID
		}
		ls, _, err := st.lifecycles.FindLifecycles(ctx, cordon.LifecycleFilter{State: cordon.LifecycleRetired, DeviceIDs: ids, Limit: len(ids)})
		if err != nil {
			return err
		}
		for _, l := range ls {
			retired[l.Device.ID] = true
		}
	}
	var keep []cordon.AlertKey
	for _, r := range silent {
		if retired[r.ID] {
			continue
		}
		keep = append(keep, cordon.AlertKey{DeviceID: r.ID, Subject: silentSubject})
		days, err := daysSeen(ctx, st, r, c.Window)
		if err != nil {
			return err
		}
		if days < c.MinDays {
			continue
		}
		if err := st.alerts.RaiseAlert(ctx, silentAlert(r, days, c, now)); err != nil {
			return err
		}
	}
	_, err := st.alerts.ResolveAlerts(ctx, detect.KindDeviceSilent, keep, cordon.AlertScope{},
		"The device was seen on the network again, or is no longer an in-service medical device.")
	return err
}

// silentSubject is the subject of every device_silent alert: one per device.
const silentSubject = "silent"

// daysSeen counts the UTC days, of the window days up to and including the
// day of r's last sighting, on which r had a conversation.
func daysSeen(ctx context.Context, st *store, r *cordon.DeviceRecord, window int) (int, error) {
	last := r.Observed.LastSeen.UTC().Truncate(24 * time.Hour)
	n := 0
	for i := range window {
		day := last.AddDate(0, 0, -i)
		cs, err := st.conversations.FindConversations(ctx, cordon.ConversationFilter{Device: r.Key, Since: day, Until: day.AddDate(0, 0, 1), Limit: 1})
		if err != nil {
			return 0, err
		}
		if len(cs) > 0 {
			n++
		}
	}
	return n, nil
}

// silentAlert is the alert for an expected device not seen since its last
// sighting.
func silentAlert(r *cordon.DeviceRecord, days int, c silentConfig, now time.Time) *cordon.Alert {
	d := r.Observed
	name := firstOf(r.Recorded.Hostname, firstString(d.Hostnames), firstString(d.IPs), d.MAC.String(), r.Key)
	quiet := now.Sub(d.LastSeen).Truncate(time.Hour)
	return &cordon.Alert{
		Kind: detect.KindDeviceSilent, Severity: detect.Raise(cordon.AlertMedium, d), DeviceID: r.ID, Subject: silentSubject,
		Title: fmt.Sprintf("Medical device %s has not been seen on the network for %s", name, quietFor(quiet)),
		Evidence: []string{
			fmt.Sprintf("Last seen %s; silent for %s (threshold %s).", d.LastSeen.UTC().Format(time.RFC3339), quietFor(quiet), c.After),
			fmt.Sprintf("Seen on %d of the %d days before it fell silent: it is expected to talk.", days, c.Window),
			"Check it is powered and connected; if it was taken out of service, record its decommissioning to close this alert.",
		},
	}
}

// quietFor writes a silence in hours, or days once past two.
func quietFor(d time.Duration) string {
	if h := int(d.Hours()); h < 48 {
		return fmt.Sprintf("%d hours", h)
	}
	return fmt.Sprintf("%d days", int(d.Hours())/24)
}
