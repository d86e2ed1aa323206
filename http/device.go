package http

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/cordonsec/cordon"
)

func (s *Server) registerDeviceRoutes() {
	s.handle("GET /api/v1/devices", cordon.RoleViewer, s.handleDeviceIndex)
	s.handle("GET /api/v1/devices/{id}", cordon.RoleViewer, s.handleDeviceView)
	s.handle("GET /api/v1/devices/{id}/history", cordon.RoleViewer, s.handleDeviceHistory)
	s.handle("PATCH /api/v1/devices/{id}", cordon.RoleAnalyst, s.handleDevicePatch)
}

// Device is the API's view of a register entry: the record and where its
// recorded and observed facts disagree.
type Device struct {
	*cordon.DeviceRecord
	Differences []cordon.Difference `json:"differences"`
}

func newDevice(d *cordon.DeviceRecord) Device {
	diffs := cordon.Differences(d)
	if diffs == nil {
		diffs = []cordon.Difference{}
	}
	return Device{DeviceRecord: d, Differences: diffs}
}

// deviceSorts are the sort fields FindDevices knows, each also with "-".
var deviceSorts = []string{"last_seen", "first_seen", "category", "manufacturer", "ip", "hostname"}

func (s *Server) handleDeviceHistory(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "device")
	if err != nil {
		Error(w, r, err)
		return
	}
	h, err := s.DeviceService.FindDeviceHistory(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h)
}

func (s *Server) handleDeviceIndex(w http.ResponseWriter, r *http.Request) {
	q, err := query(r, "category", "manufacturer", "site", "medical", "q", "sort", "offset", "limit")
	if err != nil {
		Error(w, r, err)
		return
	}
	f := cordon.DeviceFilter{Category: q.Get("category"), Manufacturer: q.Get("manufacturer"),
		Site: q.Get("site"), Query: q.Get("q"), Sort: q.Get("sort")}
	if f.Offset, f.Limit, err = page(q); err != nil {
		Error(w, r, err)
		return
	}
	if f.Category != "" && !isCategory(f.Category) {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "Unknown category %q.", f.Category))
		return
	}
	switch v := q.Get("medical"); v {
	case "":
	case "true", "false":
		b := v == "true"
		f.Medical = &b
	default:
		Error(w, r, cordon.Errorf(cordon.EINVALID, "medical must be true or false, not %q.", v))
		return
	}
	if f.Sort != "" && !isDeviceSort(f.Sort) {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "Cannot sort by %q; sort by %s, with - first for descending.", f.Sort, strings.Join(deviceSorts, ", ")))
		return
	}
	devs, total, err := s.DeviceService.FindDevices(r.Context(), f)
	if err != nil {
		Error(w, r, err)
		return
	}
	out := make([]Device, len(devs))
	for i, d := range devs {
		out[i] = newDevice(d)
	}
	writeJSON(w, http.StatusOK, list("devices", out, total, f.Offset, f.Limit))
}

func (s *Server) handleDeviceView(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "device")
	if err != nil {
		Error(w, r, err)
		return
	}
	d, err := s.DeviceService.FindDeviceByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newDevice(d))
}

// handleDevicePatch applies a JSON merge patch (RFC 7396) to a device's
// recorded fields: members present replace, null clears, absent ones stay.
func (s *Server) handleDevicePatch(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "device")
	if err != nil {
		Error(w, r, err)
		return
	}
	var patch map[string]json.RawMessage
	if err := decodeJSON(w, r, &patch); err != nil {
		Error(w, r, err)
		return
	}
	if patch == nil {
		Error(w, r, cordon.Errorf(cordon.EINVALID, "The request body must be a JSON object of recorded fields."))
		return
	}
	d, err := s.DeviceService.FindDeviceByID(r.Context(), id)
	if err != nil {
		Error(w, r, err)
		return
	}
	rec, err := mergeRecorded(d.Recorded, patch)
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := rec.Validate(); err != nil {
		Error(w, r, err)
		return
	}
	d, err = s.DeviceService.UpdateRecorded(r.Context(), id, rec)
	if err != nil {
		Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newDevice(d))
}

// recordedFields are the JSON names of cordon.Recorded's fields.
var recordedFields = func() map[string]bool {
	m := map[string]bool{}
	t := reflect.TypeFor[cordon.Recorded]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = true
	}
	return m
}()

// mergeRecorded applies a merge patch to cur. Recorded is flat, so the
// patch's top-level members are the whole of RFC 7396 here.
func mergeRecorded(cur cordon.Recorded, patch map[string]json.RawMessage) (cordon.Recorded, error) {
	for k := range patch {
		if !recordedFields[k] {
			return cur, cordon.Errorf(cordon.EINVALID, "Unknown field %q.", k)
		}
	}
	b, err := json.Marshal(cur)
	if err != nil {
		return cur, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return cur, err
	}
	for k, v := range patch {
		if string(v) == "null" {
			delete(m, k) // absent decodes to the zero value: "not recorded"
			continue
		}
		m[k] = v
	}
	b, err = json.Marshal(m)
	if err != nil {
		return cur, err
	}
	var out cordon.Recorded
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil && !errors.Is(err, io.EOF) {
		return cur, jsonError(err)
	}
	return out, nil
}

func isCategory(c string) bool {
	for _, k := range cordon.Categories {
		if k == c {
			return true
		}
	}
	return false
}

func isDeviceSort(s string) bool {
	s = strings.TrimPrefix(s, "-")
	for _, k := range deviceSorts {
		if k == s {
			return true
		}
	}
	return false
}
