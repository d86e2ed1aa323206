// Package detect turns what the sensor sees into the guidance checks of
// PRODUCT.md steps 3 and 4, as alerts with stable kinds: a medical device
// browsing the internet or sending email, file shares and SMBv1, cleartext
// management and default credentials, remote access reaching a device,
// patient data crossing zones in the clear, exploit attempts and beaconing.
//
// A Detector wraps the sensor's Sink, so it sits in the packet path yet
// costs little: the sensor hands it facts and finished flow records, not
// packets, and it only aggregates candidates by kind, endpoint and subject.
// Which device a candidate is about, whether that device is medical, its
// allow-list and the severity are settled once, by Finish, after the
// inventory has resolved and classified the devices.
package detect

import (
	"time"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
)

// Alert kinds raised from traffic. They are stable identifiers: the API,
// the UI and users' SIEM rules rely on them.
const (
	KindInternetWeb          = "internet_web"
	KindExternalEmail        = "external_email"
	KindFileShare            = "file_share"
	KindSMBv1                = "smbv1"
	KindCleartextManagement  = "cleartext_management"
	KindDefaultCredentials   = "default_credentials"
	KindInboundRemoteAccess  = "inbound_remote_access"
	KindPatientDataCleartext = "patient_data_cleartext"
	KindNewDevice            = "new_device"
	KindDeviceSilent         = "device_silent"
	KindFlowViolation        = "flow_violation"
	KindExploitAttempt       = "exploit_attempt"
	KindBeaconing            = "beaconing"
)

// Kinds lists every detection kind.
var Kinds = []string{
	KindInternetWeb, KindExternalEmail, KindFileShare, KindSMBv1, KindCleartextManagement,
	KindDefaultCredentials, KindInboundRemoteAccess, KindPatientDataCleartext, KindNewDevice,
	KindDeviceSilent, KindFlowViolation, KindExploitAttempt, KindBeaconing,
}

// Alert is one detection about one device: what kind, how bad, and the
// evidence (which flow, when, how often). Its JSON names are part of the
// `cordon analyze --format json` contract (docs/analyze-json.md).
type Alert struct {
	Kind string `json:"kind"`
	// Device is the MAC of the device, zero for one known only by its IP
	// (behind a router); Key is the register key in either case.
	Device   cordon.MAC `json:"device"`
	IP       string     `json:"ip,omitempty"`
	Key      string     `json:"-"`
	Severity string     `json:"severity"`
	// Subject is what else the alert is about ("203.0.113.7:443",
	// "telnet"); with Kind and the device it de-duplicates.
	Subject   string    `json:"subject"`
	Title     string    `json:"title"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Count     int       `json:"count"`
	Evidence  []string  `json:"evidence"`
}

// Cordon returns the alert as the register raises it, for the device with
// register id deviceID (0 for none).
func (a *Alert) Cordon(deviceID int64) *cordon.Alert {
	ev := append([]string{
		"Seen " + itoa(a.Count) + " times between " + a.FirstSeen.UTC().Format(time.RFC3339) +
			" and " + a.LastSeen.UTC().Format(time.RFC3339) + " (packet time).",
	}, a.Evidence...)
	if len(ev) > 64 {
		ev = ev[:64]
	}
	return &cordon.Alert{
		Kind: a.Kind, Severity: a.Severity, DeviceID: deviceID, Subject: a.Subject,
		Title: clip(a.Title, maxTitle), Evidence: ev,
	}
}

// clip cuts s to at most n bytes, on a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
