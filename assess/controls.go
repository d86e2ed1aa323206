package assess

import (
	"fmt"
	"strconv"
	"time"

	"github.com/cordonsec/cordon"
)

// Weights of the compensating controls of a device's active exceptions,
// documented in doc.go. Each is the share of the risk the control removes
// when it is verified, for its kind's usual class. Controls enforced in
// the network weigh most: the guidance (step 4) asks for enforcement in
// the network, not on a device that cannot protect itself.
var controlWeights = map[string]float64{
	"air_gapped":                    0.4,
	"segmented":                     0.3,
	"allowed_flows_only":            0.25,
	"application_allowlisting":      0.15,
	"supplier_access_on_demand_mfa": 0.15,
	"outbound_proxy":                0.15,
	"monitored":                     0.15,
	"no_internet":                   0.15,
	"unneeded_ports_closed":         0.1,
	"no_email":                      0.1,
	"no_removable_media":            0.1,
	"no_external_shares":            0.1,
	"offline_fallback":              0.1,
	"backup":                        0.1,
}

const (
	// inPlaceShare is how much a control in place but not verified counts:
	// a claim nobody has checked is worth less than one checked.
	inPlaceShare = 0.6
	// otherClassShare is how much a control counts when recorded in the
	// class its kind does not usually serve (segmentation recorded as a
	// likelihood control): its weight is set for its usual job.
	otherClassShare = 0.75
	// maxControls caps the controls part: however many controls are
	// recorded, a vulnerable device stays vulnerable, so controls remove at
	// most this share of its risk and it never ranks below a clean device
	// by controls alone.
	maxControls = 0.6
)

// networkKinds are the controls traffic can contradict: a segmented
// device does not talk with dozens of peers.
var networkKinds = map[string]bool{"segmented": true, "allowed_flows_only": true, "air_gapped": true}

// internetKinds are the controls internet traffic contradicts.
var internetKinds = map[string]bool{"no_internet": true, "air_gapped": true}

// controlFactor is one exception control as it counts towards the score.
type controlFactor struct {
	kind   string
	weight float64
	why    string
}

// exceptionControls returns the factors of the controls of the device's
// exceptions that are active at now: each kind once, at its strongest.
// Planned controls and the controls of expired or revoked exceptions count
// nothing; a control that traffic contradicts counts at half.
func exceptionControls(in riskInput) []controlFactor {
	var out []controlFactor
	index := map[string]int{}
	for _, e := range in.exceptions {
		if e == nil || e.StateAt(in.now) != cordon.ExceptionActive {
			continue
		}
		for i := range e.Controls {
			c := &e.Controls[i]
			w, why := controlWeight(c, e, in.traffic)
			if w <= 0 {
				continue
			}
			if j, ok := index[c.Kind]; ok {
				if w > out[j].weight {
					out[j] = controlFactor{c.Kind, w, why}
				}
				continue
			}
			index[c.Kind] = len(out)
			out = append(out, controlFactor{c.Kind, w, why})
		}
	}
	return out
}

// controlWeight is how much one control of e counts, and the sentence
// saying why.
func controlWeight(c *cordon.Control, e *cordon.Exception, t Traffic) (float64, string) {
	k := cordon.FindControlKind(c.Kind)
	base := controlWeights[c.Kind]
	if k == nil || base == 0 || !c.InPlace() {
		return 0, ""
	}
	w := base
	status := "verified"
	if c.Status == cordon.ControlInPlace {
		w *= inPlaceShare
		status = "in place, not verified, so counted at " + pct(inPlaceShare)
	}
	class := c.Class + " control"
	if len(k.Classes) > 0 && c.Class != k.Classes[0] {
		w *= otherClassShare
		class += ", not its usual class (" + k.Classes[0] + "), so counted at " + pct(otherClassShare)
	}
	why := fmt.Sprintf("%s (%s; %s) under exception %d for %s, until %s.", k.Label, class, status,
		e.ID, e.Subject, e.Expires.Format(time.DateOnly))
	switch {
	case networkKinds[c.Kind] && (t.Peers >= 20 || t.Subnets >= 5):
		w /= 2
		why += " Traffic shows it reaching " + strconv.Itoa(t.Peers) + " peers in " + strconv.Itoa(t.Subnets) + " subnets all the same, so it counts at half."
	case internetKinds[c.Kind] && t.InternetPeers > 0:
		w /= 2
		why += " Traffic shows it talking with " + strconv.Itoa(t.InternetPeers) + " internet hosts all the same, so it counts at half."
	}
	return w, why
}

func pct(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" }
