package detect

import (
	"time"

	"github.com/cordonsec/cordon"
)

// Violation records a flow that breaks the approved policy, for the policy
// code (issue 6, item 3) to call while flows pass: rule names the rule or
// zone pair that forbids it, and the alert is about the flow's client, the
// device that started it. Severity is medium, raised for medical devices.
func (d *Detector) Violation(f cordon.FlowRecord, rule string) {
	c, s := f.Client, f.Server
	d.add(cand{kind: KindFlowViolation, ep: endpoint{mac: c.MAC, ip: c.IP},
		subject: rule + " " + hostPort(s.IP, s.Port) + "/" + f.Proto, severity: cordon.AlertMedium,
		title: "Traffic outside the approved policy (" + rule + ")", peer: s.IP},
		f.First, f.Proto+" "+hostPort(c.IP, c.Port)+" → "+hostPort(s.IP, s.Port)+" "+appName(f.App)+
			" at "+f.First.UTC().Format(time.RFC3339)+", forbidden by "+rule)
}
