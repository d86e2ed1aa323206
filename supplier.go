package cordon

import (
	"context"
	"time"
)

// Supplier is a third party that maintains medical devices (guidance step
// 5): who they are, their contracts and service levels, how they connect,
// and which models and devices they serve.
type Supplier struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Contact string `json:"contact,omitempty"` // person or desk
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Notes   string `json:"notes,omitempty"`

	Contracts []Contract     `json:"contracts"`
	Access    []RemoteAccess `json:"access"`
	// ModelIDs and DeviceIDs are what the supplier serves: every device of
	// a model, or single devices.
	ModelIDs  []int64 `json:"model_ids"`
	DeviceIDs []int64 `json:"device_ids"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Contract is a supplier's service agreement and its service levels.
type Contract struct {
	Reference string    `json:"reference"`      // the trust's contract number
	Start     time.Time `json:"start,omitzero"` // zero when not recorded
	End       time.Time `json:"end,omitzero"`   // zero when open-ended
	// AttendHours is the time to attend an incident; PatchDays the time
	// to apply a patch once the manufacturer has validated it. 0 means the
	// contract sets none.
	AttendHours int    `json:"attend_hours,omitempty"`
	PatchDays   int    `json:"patch_days,omitempty"`
	Notes       string `json:"notes,omitempty"`
}

// Remote access modes.
const (
	AccessOnDemand = "on-demand" // enabled by the trust for each session
	AccessAlwaysOn = "always-on"
)

// RemoteAccess is one way a supplier reaches devices.
type RemoteAccess struct {
	// Method: "vpn", "jump_host", "rdp", "vnc", "ssh", "teamviewer",
	// "anydesk", "vendor_cloud", "other".
	Method string `json:"method"`
	Mode   string `json:"mode"` // AccessOnDemand or AccessAlwaysOn
	MFA    bool   `json:"mfa"`
	// Sources are the addresses or CIDR prefixes the access arrives from
	// (the supplier's gateway, the trust's jump host); traffic from them to
	// a served device is explained by this record.
	Sources []string `json:"sources"`
	Notes   string   `json:"notes,omitempty"`
}

// SupplierFilter selects suppliers by name.
type SupplierFilter struct {
	Query    string // words in name or contact
	ModelID  int64  // only suppliers serving this model
	DeviceID int64  // only suppliers serving this device (directly or by its model)
	Offset   int
	Limit    int // 0 means the store's default page
}

// SupplierService keeps suppliers, contracts and remote access.
type SupplierService interface {
	// CreateSupplier adds a supplier (ECONFLICT for a name in use,
	// case-insensitively). Audited as "supplier.create".
	CreateSupplier(ctx context.Context, s *Supplier) error
	// FindSupplierByID returns a supplier, or ENOTFOUND.
	FindSupplierByID(ctx context.Context, id int64) (*Supplier, error)
	// FindSuppliers returns a page of suppliers by name and the total.
	FindSuppliers(ctx context.Context, f SupplierFilter) ([]*Supplier, int, error)
	// UpdateSupplier replaces a supplier with its contracts, access and
	// what it serves. Audited as "supplier.update".
	UpdateSupplier(ctx context.Context, s *Supplier) error
	// DeleteSupplier removes a supplier. Audited as "supplier.delete".
	DeleteSupplier(ctx context.Context, id int64) error
	// PatchServiceLevel returns the shortest PatchDays among current
	// contracts (at the store's now) of the suppliers serving a model,
	// with the supplier and contract reference that set it; ENOTFOUND when
	// no current contract sets one.
	PatchServiceLevel(ctx context.Context, modelID int64) (days int, supplier, contract string, err error)
}
