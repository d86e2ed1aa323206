package remediation

import (
	"context"
	"strconv"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/csvsafe"
)

// View is a record as people read it: with its clocks at a time and what
// the network shows of each device. The API, the pages and the CLI show
// the same numbers because they all build this.
type View struct {
	*cordon.RemediationRecord
	Clocks  Clocks `json:"clocks"`
	Overdue bool   `json:"overdue"`
	// Devices shadows the record's devices, adding the network's word.
	Devices []DeviceView `json:"devices"`
	// Applied counts the devices with the fix applied, Confirmed those the
	// network confirms.
	Applied   int `json:"devices_applied"`
	Confirmed int `json:"devices_confirmed"`
	// Left counts the devices that have left the model since the record
	// was started (cordon.RemediationDevice.Left).
	Left int `json:"devices_left"`
}

// DeviceView is a device of a record with Confirm's answer.
type DeviceView struct {
	cordon.RemediationDevice
	Network string `json:"network"`
}

// NewView returns r's view at now.
func NewView(r *cordon.RemediationRecord, now time.Time, limits Limits, sla SLA) *View {
	v := &View{RemediationRecord: r, Clocks: Compute(r, now, limits, sla), Devices: make([]DeviceView, 0, len(r.Devices))}
	v.Overdue = v.Clocks.Overdue()
	for _, d := range r.Devices {
		dv := DeviceView{RemediationDevice: d, Network: Confirm(d, r.ApprovedVersion)}
		if d.State == cordon.RemediationDeviceApplied {
			v.Applied++
		}
		if dv.Network == Confirmed {
			v.Confirmed++
		}
		if d.Left {
			v.Left++
		}
		v.Devices = append(v.Devices, dv)
	}
	return v
}

// Viewer builds views, looking up each model's service level once.
type Viewer struct {
	Suppliers SLAFinder // nil: every model gets the default
	Limits    Limits
	slas      map[int64]SLA
}

// limits returns v's limits, the defaults when unset.
func (v *Viewer) limits() Limits {
	if v.Limits == (Limits{}) {
		return DefaultLimits()
	}
	return v.Limits
}

// SLA returns the service level of a model, cached. A failing supplier
// store yields the default and the error.
func (v *Viewer) SLA(ctx context.Context, modelID int64) (SLA, error) {
	if sla, ok := v.slas[modelID]; ok {
		return sla, nil
	}
	sla, err := FindSLA(ctx, v.Suppliers, modelID, v.limits())
	if v.slas == nil {
		v.slas = map[int64]SLA{}
	}
	if err == nil {
		v.slas[modelID] = sla
	}
	return sla, err
}

// Views returns the views of rs at now.
func (v *Viewer) Views(ctx context.Context, rs []*cordon.RemediationRecord, now time.Time) ([]*View, error) {
	out := make([]*View, 0, len(rs))
	for _, r := range rs {
		sla, err := v.SLA(ctx, r.ModelID)
		if err != nil {
			return nil, err
		}
		out = append(out, NewView(r, now, v.limits(), sla))
	}
	return out, nil
}

// Scores returns the views as the scorecard's input.
func Scores(vs []*View) []Scored {
	out := make([]Scored, len(vs))
	for i, v := range vs {
		out[i] = Scored{Record: v.RemediationRecord, Clocks: v.Clocks}
	}
	return out
}

// CSVHeader is the column order of a remediation export.
var CSVHeader = []string{"id", "cve", "manufacturer", "model", "version", "state", "kev",
	"fix_published", "fix_reference", "validation_requested", "decided", "approved_version", "evidence", "reason", "scheduled", "applied",
	"exposure_days", "exposure_limit", "exposure_overdue", "validation_days", "validation_limit", "validation_overdue",
	"deployment_days", "deployment_limit", "deployment_overdue", "sla_supplier", "sla_contract",
	"devices", "devices_applied", "devices_confirmed"}

// CSVRow returns v's cells in CSVHeader order, safe for spreadsheets: the
// model names and reasons are typed by people.
func CSVRow(v *View) []string {
	c := v.Clocks
	return csvsafe.Row([]string{strconv.FormatInt(v.ID, 10), v.CVE, v.Manufacturer, v.Model, v.Version, v.State, strconv.FormatBool(v.KEV),
		date(v.FixPublished), v.FixReference, date(v.ValidationRequested), date(v.Decided), v.ApprovedVersion, v.Evidence, v.Reason, date(v.Scheduled), date(v.RemediationRecord.Applied),
		clockDays(c.Exposure), strconv.Itoa(c.Exposure.Limit), strconv.FormatBool(c.Exposure.Overdue),
		clockDays(c.Validation), strconv.Itoa(c.Validation.Limit), strconv.FormatBool(c.Validation.Overdue),
		clockDays(c.Deployment), strconv.Itoa(c.Deployment.Limit), strconv.FormatBool(c.Deployment.Overdue), c.SLA.Supplier, c.SLA.Contract,
		strconv.Itoa(len(v.Devices)), strconv.Itoa(v.Applied), strconv.Itoa(v.Confirmed)})
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// clockDays is a clock's days, "" when it has not started.
func clockDays(c Clock) string {
	if !c.Started {
		return ""
	}
	return strconv.Itoa(c.Days)
}
