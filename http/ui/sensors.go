package ui

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
)

// The remote sensors card of the captures page: each sensor interface that
// ships batches here, when it last did, and whether it has gone silent. A
// sensor that stops shipping leaves its site unmonitored without a sound,
// so the card says so as loudly as the live capture card says an
// interface lost its traffic.

// maxSensorName bounds a sensor's and an interface's name in the forget
// form, as the store bounds them.
const maxSensorName = 64

// sensorRow is one remote sensor interface on the captures page.
type sensorRow struct {
	cordon.SensorContact
	// Silent is true when no batch has come for SensorSilentAfter or
	// longer, as the sensor_silent check judges it.
	Silent bool
}

// Name is how the page names the interface: "sensor.site2/eth1", as the
// sensor_silent alert's subject does after "sensor:".
func (r sensorRow) Name() string { return r.Sensor + "/" + r.Interface }

// sensorNotices are the captures page's messages after a forget, by the
// "done" query parameter of the redirect.
var sensorNotices = map[string]string{
	"sensor-forgotten": "The sensor interface was forgotten: its silence no longer raises an alert. If it ships a batch again, it is listed again.",
	"sensor-gone":      "That sensor interface had been forgotten already.",
}

// sensorRows returns the remote sensor interfaces sorted by sensor then
// interface, with their silence judged by the injected clock, and the
// names of the silent ones; nothing when the server tracks no sensors.
func (h *Handler) sensorRows(ctx context.Context) ([]sensorRow, []string, error) {
	if h.cfg.SensorContacts == nil {
		return nil, nil, nil
	}
	cs, err := h.cfg.SensorContacts.FindSensors(ctx)
	if err != nil {
		return nil, nil, err
	}
	now := h.now()
	var rows []sensorRow
	for _, c := range cs {
		rows = append(rows, sensorRow{SensorContact: c, Silent: c.SilentAt(now, h.cfg.SensorSilentAfter)})
	}
	slices.SortStableFunc(rows, func(a, b sensorRow) int {
		if c := strings.Compare(a.Sensor, b.Sensor); c != 0 {
			return c
		}
		return strings.Compare(a.Interface, b.Interface)
	})
	var silent []string
	for _, r := range rows {
		if r.Silent {
			silent = append(silent, r.Name())
		}
	}
	return rows, silent, nil
}

// handleSensorForget forgets a retired sensor's interface (the store
// audits it) and goes back to the captures page with a notice. The names
// come as form fields rather than in the path, so that whatever a sensor
// calls itself needs no escaping. One forgotten already (a second click)
// is not an error: the outcome is the one asked for.
func (h *Handler) handleSensorForget(w http.ResponseWriter, r *http.Request, u *cordon.User) {
	if h.cfg.SensorContacts == nil {
		h.renderError(w, r, cordon.Errorf(cordon.ENOTFOUND, "Remote sensors are not tracked on this server."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "The form could not be read."))
		return
	}
	sensor, iface := r.PostFormValue("sensor"), r.PostFormValue("interface")
	if sensor == "" || iface == "" || len(sensor) > maxSensorName || len(iface) > maxSensorName {
		h.renderError(w, r, cordon.Errorf(cordon.EINVALID, "Name the sensor and its interface to forget, each of 1 to %d characters.", maxSensorName))
		return
	}
	done := "sensor-forgotten"
	switch err := h.cfg.SensorContacts.ForgetSensor(r.Context(), sensor, iface); cordon.ErrorCode(err) {
	case "":
	case cordon.ENOTFOUND:
		done = "sensor-gone"
	default:
		h.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/captures?done="+done, http.StatusSeeOther)
}
