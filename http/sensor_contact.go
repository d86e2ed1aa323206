package http

import (
	"net/http"
	"slices"
	"strings"

	"github.com/cordonsec/cordon"
)

// maxSensorName bounds the sensor and interface of a path: a user name
// and an interface name are each at most 64 characters.
const maxSensorName = 64

func (s *Server) registerSensorContactRoutes() {
	// Plain s.handle: a sensor-scoped token ships batches and reads the
	// policy, and has no business listing or forgetting other sensors.
	s.handle("GET /api/v1/sensors", cordon.RoleViewer, s.handleSensorIndex)
	s.handle("DELETE /api/v1/sensors/{sensor}/{interface}", cordon.RoleAdmin, s.handleSensorForget)
}

// SensorStatus is a remote sensor interface as the server last heard from
// it, and whether it has been silent for longer than the server allows.
type SensorStatus struct {
	cordon.SensorContact
	// Silent is true when no batch has come for SensorSilentAfter or
	// longer: a sensor_silent alert is raised (or about to be) for it.
	Silent bool `json:"silent"`
}

// SensorList is the answer of GET /api/v1/sensors, by sensor and
// interface name.
type SensorList struct {
	Sensors []SensorStatus `json:"sensors"`
}

// handleSensorIndex answers an empty list when the server has no sensor
// contact store, as GET /api/v1/captures/live does without live capture: a
// server that takes no remote batches simply has no remote sensors.
func (s *Server) handleSensorIndex(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r); err != nil {
		Error(w, r, err)
		return
	}
	list, err := s.sensorStatuses(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, SensorList{Sensors: list})
}

// sensorStatuses returns every sensor interface with its silence judged
// by the server's clock, sorted by sensor then interface, and never nil,
// so that JSON shows an empty array. The store lists them in that order
// already; sorting again costs nothing and keeps /metrics stable whatever
// the implementation.
func (s *Server) sensorStatuses(r *http.Request) ([]SensorStatus, error) {
	if s.SensorContactService == nil {
		return []SensorStatus{}, nil
	}
	cs, err := s.SensorContactService.FindSensors(r.Context())
	if err != nil {
		return nil, err
	}
	now := s.timeNow()
	out := make([]SensorStatus, 0, len(cs))
	for _, c := range cs {
		out = append(out, SensorStatus{SensorContact: c, Silent: c.SilentAt(now, s.SensorSilentAfter)})
	}
	slices.SortStableFunc(out, func(a, b SensorStatus) int {
		if c := strings.Compare(a.Sensor, b.Sensor); c != 0 {
			return c
		}
		return strings.Compare(a.Interface, b.Interface)
	})
	return out, nil
}

// handleSensorForget forgets a retired sensor's interface, so that its
// silence stops being an alarm; a sensor that ships again comes back. The
// mux unescapes each path segment, so a name with an escaped character
// ("%2E", "%3A") arrives as the sensor named it.
func (s *Server) handleSensorForget(w http.ResponseWriter, r *http.Request) {
	sensor, iface := r.PathValue("sensor"), r.PathValue("interface")
	switch {
	case sensor == "" || len(sensor) > maxSensorName:
		Error(w, r, cordon.Invalidf("sensor", "A sensor's name has 1 to %d characters.", maxSensorName))
		return
	case iface == "" || len(iface) > maxSensorName:
		Error(w, r, cordon.Invalidf("interface", "An interface name has 1 to %d characters.", maxSensorName))
		return
	}
	svc, err := configured(s.SensorContactService, "sensor contact")
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := svc.ForgetSensor(r.Context(), sensor, iface); err != nil {
		Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

var sensorContactOps = []apiOp{
	{"GET /api/v1/sensors", "Each remote sensor interface the server has taken batches from: when it first and last shipped, how many batches, the packets of the latest (0 while its interface sees nothing: capture_silent), and whether it has sent nothing for longer than the server allows (silent, as sensor_silent). An empty list when no sensor has shipped.",
		cordon.RoleViewer, nil, nil, 200, SensorList{}},
	{"DELETE /api/v1/sensors/{sensor}/{interface}", "Forget a retired sensor's interface (audited as sensor.forget), so that its silence no longer raises sensor_silent; if it ships again it is listed again. Escape the names as path segments.",
		cordon.RoleAdmin, nil, nil, 204, nil},
}
