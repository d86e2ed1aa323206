package cordon

import (
	"context"
	"time"
)

// DeviceModel is a manufacturer's product at one software or firmware
// version: manufacturer documents (SBOM, MDS2, VEX), fixes and plans are
// kept once per model and apply to every device of it.
type DeviceModel struct {
	ID           int64  `json:"id"`
	Manufacturer string `json:"manufacturer"`
	Model        string `json:"model"`
	Version      string `json:"version"` // software or firmware version; "" when not known
	Category     string `json:"category"`
	Notes        string `json:"notes"`
	// Devices counts the devices that belong to the model; the store sets
	// it when reading.
	Devices   int       `json:"devices"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate reports the first invalid field as an EINVALID error.
func (m *DeviceModel) Validate() error {
	switch {
	case m.Manufacturer == "" || m.Model == "":
		return Errorf(EINVALID, "A device model needs a manufacturer and a model name.")
	case len(m.Manufacturer) > 200 || len(m.Model) > 200 || len(m.Version) > 200:
		return Errorf(EINVALID, "Manufacturer, model and version are at most 200 characters each.")
	case len(m.Notes) > 4096:
		return Errorf(EINVALID, "The notes are longer than 4096 characters.")
	}
	if m.Category != "" {
		for _, c := range Categories {
			if c == m.Category {
				return nil
			}
		}
		return Errorf(EINVALID, "Unknown category %q.", m.Category)
	}
	return nil
}

// How a device came to belong to a model.
const (
	ModelByDiscovery = "discovered" // the traffic's manufacturer, model and version
	ModelByHand      = "recorded"   // a person assigned it; discovery never overrides it
)

// ModelFilter selects device models, by manufacturer then model then
// version.
type ModelFilter struct {
	Manufacturer string // case-insensitive, exact
	Query        string // words in manufacturer, model or version
	Offset       int
	Limit        int // 0 means the store's default page
}

// ModelService keeps the register's device models and which devices
// belong to each.
type ModelService interface {
	// CreateModel adds a model, setting its ID and times. ECONFLICT, with
	// m's ID set to the existing one, if a model of the same manufacturer,
	// model and version exists (compared case-insensitively, spaces
	// collapsed). Audited as "model.create".
	CreateModel(ctx context.Context, m *DeviceModel) error
	// FindModelByID returns a model, or ENOTFOUND.
	FindModelByID(ctx context.Context, id int64) (*DeviceModel, error)
	// FindModels returns a page of models and the total that match.
	FindModels(ctx context.Context, f ModelFilter) ([]*DeviceModel, int, error)
	// UpdateModel replaces a model's fields (ECONFLICT if that makes it a
	// duplicate). Audited as "model.update".
	UpdateModel(ctx context.Context, m *DeviceModel) error
	// DeleteModel removes a model; its devices belong to none afterwards.
	// Audited as "model.delete".
	DeleteModel(ctx context.Context, id int64) error
	// AssignDevices makes the devices belong to the model by hand (model 0:
	// to none, by hand, so that discovery leaves them alone). ENOTFOUND for
	// an unknown model or device. Audited as "model.assign" per device.
	AssignDevices(ctx context.Context, modelID int64, deviceIDs []int64) error
	// ModelOfDevice returns the model a device belongs to and how
	// (ModelByDiscovery or ModelByHand), or ENOTFOUND when it belongs to
	// none.
	ModelOfDevice(ctx context.Context, deviceID int64) (*DeviceModel, string, error)
	// FindModelDevices returns the IDs of the devices of a model.
	FindModelDevices(ctx context.Context, modelID int64) ([]int64, error)
	// SyncDiscoveredModels creates a model for every manufacturer, model
	// and version the register's observed devices show (version from the
	// device's DICOM implementation version or LLDP-MED software revision
	// when it has one) and makes each such device belong to it, except
	// devices assigned by hand. It returns how many models it created and
	// devices it assigned. Not audited per device: it is the register's
	// reading of the traffic, recorded as one "model.sync" entry.
	SyncDiscoveredModels(ctx context.Context) (created, assigned int, err error)
}
