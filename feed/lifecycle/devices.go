package lifecycle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// deviceJSON is one entry of Cordon's device lifecycle file
// (docs/lifecycle.md).
type deviceJSON struct {
	Manufacturer    string          `json:"manufacturer"`
	Model           string          `json:"model"`
	SoftwareVersion string          `json:"software_version"`
	EndOfSupport    json.RawMessage `json:"end_of_support"`
	EndOfLife       json.RawMessage `json:"end_of_life"`
	Source          string          `json:"source"`
	CPE             string          `json:"cpe"`
}

// maxDevicesFile bounds the file: a trust's models fit in far less.
const maxDevicesFile = 16 << 20

// ParseDevices reads Cordon's device lifecycle file: a JSON list of
// {manufacturer, model, software_version, end_of_support, end_of_life,
// source}. Manufacturer, model and source are required; at least one of the
// two end fields must be given, each a "YYYY-MM-DD" date, true (ended, date
// unknown) or false (no end announced). Unknown keys are errors, so a
// misspelt field is not silently dropped. When only end_of_support is
// given, security updates are taken to end then too.
//
// Each entry becomes a cordon.Lifecycle with Product "manufacturer model"
// and Release the software version ("" for every version of the model).
func ParseDevices(data []byte) ([]cordon.Lifecycle, error) {
	if len(data) > maxDevicesFile {
		return nil, fmt.Errorf("lifecycle: devices: file larger than %d bytes", maxDevicesFile)
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("lifecycle: devices: want a JSON list of entries: %w", err)
	}
	out := make([]cordon.Lifecycle, 0, len(raw))
	seen := map[string]int{}
	for i, msg := range raw {
		l, name, err := parseDevice(msg)
		switch {
		case err != nil && name != "":
			return nil, fmt.Errorf("lifecycle: devices: entry %d (%s): %w", i, name, err)
		case err != nil:
			return nil, fmt.Errorf("lifecycle: devices: entry %d: %w", i, err)
		}
		key := normalise(l.Product) + "\x00" + strings.ToLower(l.Release)
		if j, dup := seen[key]; dup {
			return nil, fmt.Errorf("lifecycle: devices: entry %d (%s %s): same model and version as entry %d", i, l.Product, l.Release, j)
		}
		seen[key] = i
		out = append(out, l)
	}
	return out, nil
}

// parseDevice reads one entry; it also returns a name for the entry
// (manufacturer, model, version as far as given) for error messages.
func parseDevice(msg json.RawMessage) (cordon.Lifecycle, string, error) {
	var d deviceJSON
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return cordon.Lifecycle{}, "", err
	}
	name := strings.Join(strings.Fields(d.Manufacturer+" "+d.Model+" "+d.SoftwareVersion), " ")
	switch {
	case strings.TrimSpace(d.Manufacturer) == "":
		return cordon.Lifecycle{}, name, fmt.Errorf("missing manufacturer")
	case strings.TrimSpace(d.Model) == "":
		return cordon.Lifecycle{}, name, fmt.Errorf("missing model")
	case strings.TrimSpace(d.Source) == "":
		return cordon.Lifecycle{}, name, fmt.Errorf("missing source: say where the dates come from")
	case !present(d.EndOfSupport) && !present(d.EndOfLife):
		return cordon.Lifecycle{}, name, fmt.Errorf("give end_of_support or end_of_life (a date, true or false)")
	case d.CPE != "" && cpeFields(d.CPE) == nil:
		return cordon.Lifecycle{}, name, fmt.Errorf("cpe %q is not a CPE 2.3 name", clip(d.CPE))
	}
	eos, err := endField("end_of_support", d.EndOfSupport)
	if err != nil {
		return cordon.Lifecycle{}, name, err
	}
	eol, err := endField("end_of_life", d.EndOfLife)
	if err != nil {
		return cordon.Lifecycle{}, name, err
	}
	if !present(d.EndOfLife) {
		eol = eos
	}
	if known(eos) && known(eol) && eol.Before(eos) {
		return cordon.Lifecycle{}, name, fmt.Errorf("end_of_life %s is before end_of_support %s", eol.Format(time.DateOnly), eos.Format(time.DateOnly))
	}
	label := strings.TrimSpace(d.Model + " " + d.SoftwareVersion)
	return cordon.Lifecycle{
		Product:      strings.TrimSpace(d.Manufacturer) + " " + strings.TrimSpace(d.Model),
		Release:      strings.TrimSpace(d.SoftwareVersion),
		Label:        label,
		CPE:          d.CPE,
		EndOfSupport: eos,
		EndOfLife:    eol,
		Source:       strings.TrimSpace(d.Source),
	}, name, nil
}

// present reports whether a field was given a value other than null.
func present(raw json.RawMessage) bool {
	s := string(bytes.TrimSpace(raw))
	return s != "" && s != "null"
}

// known reports whether t is a real date.
func known(t time.Time) bool { return !t.IsZero() && !IsDateUnknown(t) }

// endField reads a date, true (DateUnknown) or false/absent (zero).
func endField(name string, raw json.RawMessage) (time.Time, error) {
	switch s := string(bytes.TrimSpace(raw)); s {
	case "", "null", "false":
		return time.Time{}, nil
	case "true":
		return DateUnknown, nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return time.Time{}, fmt.Errorf("%s is neither a date string nor a boolean", name)
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not a date (YYYY-MM-DD)", name, clip(v))
	}
	return t, nil
}
