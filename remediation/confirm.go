package remediation

import (
	"strings"

	"github.com/cordonsec/cordon"
)

// What the network shows of a device's deployment.
const (
	// Confirmed: seen since the fix was applied, showing the approved
	// version or patch identifier.
	Confirmed = "confirmed"
	// NotYetSeen: applied, but the device has not been seen since.
	NotYetSeen = "not_yet_seen"
	// NotConfirmed: seen since it was applied, still not showing the
	// approved version.
	NotConfirmed = "not_confirmed"
	// SeenUnrecorded: not recorded as applied, yet the network shows the
	// approved version.
	SeenUnrecorded = "seen_unrecorded"
	// Unknown: nothing to compare (no approved identifier, the device was
	// never observed or shows no versions, or nothing is applied yet).
	Unknown = "unknown"
)

// Confirm says whether the network confirms device d has approved, the
// version or patch identifier the manufacturer approved. A device last seen
// before the day it was applied is "not yet seen since": traffic from
// before the change cannot show it.
func Confirm(d cordon.RemediationDevice, approved string) string {
	approved = strings.ToLower(strings.TrimSpace(approved))
	if approved == "" || d.LastSeen.IsZero() || len(d.Observed) == 0 {
		if d.State == cordon.RemediationDeviceApplied && !d.LastSeen.IsZero() && utcDay(d.LastSeen).Before(utcDay(d.Applied)) {
			return NotYetSeen
		}
		return Unknown
	}
	shows := false
	for _, v := range d.Observed {
		shows = shows || strings.Contains(strings.ToLower(v), approved)
	}
	if d.State != cordon.RemediationDeviceApplied {
		if shows {
			return SeenUnrecorded
		}
		return Unknown
	}
	switch {
	case utcDay(d.LastSeen).Before(utcDay(d.Applied)):
		return NotYetSeen
	case shows:
		return Confirmed
	}
	return NotConfirmed
}
