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

	// Flags are the guidance concerns of the supplier as a whole (see
	// SupplierFlags); the store sets them when reading, at its now, and
	// ignores them when writing.
	Flags []string `json:"flags"`

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
	// Flags are set when reading, like Supplier.Flags.
	Flags []string `json:"flags,omitempty"`
}

// Remote access modes.
const (
	AccessOnDemand = "on-demand" // enabled by the trust for each session
	AccessAlwaysOn = "always-on"
)

// AccessModes lists the remote access modes.
var AccessModes = []string{AccessOnDemand, AccessAlwaysOn}

// AccessMethods lists how a supplier may connect. The carriers ("vpn",
// "jump_host", "vendor_cloud", "other") bring any protocol; the others are
// one remote-control protocol each.
var AccessMethods = []string{"vpn", "jump_host", "rdp", "vnc", "ssh", "telnet", "teamviewer", "anydesk", "vendor_cloud", "other"}

// RemoteAccess is one way a supplier reaches devices.
type RemoteAccess struct {
	// Method is one of AccessMethods.
	Method string `json:"method"`
	Mode   string `json:"mode"` // AccessOnDemand or AccessAlwaysOn
	MFA    bool   `json:"mfa"`
	// Sources are the addresses or CIDR prefixes the access arrives from
	// (the supplier's gateway, the trust's jump host); traffic from them to
	// a served device is explained by this record.
	Sources []string `json:"sources"`
	Notes   string   `json:"notes,omitempty"`
	// Flags are set when reading, like Supplier.Flags.
	Flags []string `json:"flags,omitempty"`
}

// FitsMethod reports whether a session by a remote-control method (as
// RemoteMethod names it) can have come through this access: a carrier
// brings any method, a protocol only itself.
func (a *RemoteAccess) FitsMethod(method string) bool {
	switch a.Method {
	case "vpn", "jump_host", "vendor_cloud", "other":
		return true
	}
	return a.Method == method
}

// SupplierFilter selects suppliers by name.
type SupplierFilter struct {
	Query    string // words in name or contact
	ModelID  int64  // only suppliers serving this model
	DeviceID int64  // only suppliers serving this device (directly or by its model)
	Offset   int
	Limit    int // 0 means the store's default page
}

// RemoteSession is inbound remote access to a device of the register as
// traffic shows it: one client, server, port and application, summed over
// the hours seen. remoteaccess decides whether a supplier explains it.
type RemoteSession struct {
	Device FindingDevice `json:"device"` // the device reached
	// ModelID is the model the device belongs to, 0 for none.
	ModelID int64 `json:"model_id,omitempty"`
	// SourceKey is the client's register key ("ip:ADDR" outside the
	// register); Sources the addresses it held while the session was seen,
	// the first of which is shown.
	SourceKey string   `json:"source_key"`
	Sources   []string `json:"sources"`
	Proto     string   `json:"proto"`
	Port      uint16   `json:"port"`
	App       string   `json:"app,omitempty"` // as the sensor labels it
	Method    string   `json:"method"`        // RemoteMethod of App and Port
	// FirstSeen is the start of the first hour seen, LastSeen the end of
	// the last.
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	Flows     uint64    `json:"flows"`
	Bytes     uint64    `json:"bytes"`
}

// RemoteSessionFilter selects remote sessions.
type RemoteSessionFilter struct {
	Since time.Time // only hours from Since; zero for all
	// Keys, when set, keeps sessions to devices with these register keys
	// (at most 1000): those a capture just changed.
	Keys  []string
	Limit int // 0 means the store's bound
}

// SupplierService keeps suppliers, contracts and remote access.
type SupplierService interface {
	// CreateSupplier adds a supplier (EINVALID naming the field at fault,
	// ECONFLICT for a name in use, case-insensitively). Audited as
	// "supplier.create".
	CreateSupplier(ctx context.Context, s *Supplier) error
	// FindSupplierByID returns a supplier, or ENOTFOUND.
	FindSupplierByID(ctx context.Context, id int64) (*Supplier, error)
	// FindSuppliers returns a page of suppliers by name and the total.
	FindSuppliers(ctx context.Context, f SupplierFilter) ([]*Supplier, int, error)
	// UpdateSupplier replaces a supplier with its contracts, access and
	// what it serves. EINVALID, ENOTFOUND, ECONFLICT. Audited as
	// "supplier.update".
	UpdateSupplier(ctx context.Context, s *Supplier) error
	// DeleteSupplier removes a supplier, or ENOTFOUND. Audited as
	// "supplier.delete".
	DeleteSupplier(ctx context.Context, id int64) error
	// PatchServiceLevel returns the shortest PatchDays among current
	// contracts (at the store's now) of the suppliers serving a model,
	// with the supplier and contract reference that set it; ENOTFOUND when
	// no current contract sets one.
	PatchServiceLevel(ctx context.Context, modelID int64) (days int, supplier, contract string, err error)
	// FindRemoteSessions returns the inbound remote-access sessions
	// (RemoteMethod not "") to medical devices and to devices a supplier
	// serves, latest first. It reads the register's conversations hour by
	// hour, which ConversationService sums away, and is not bounded by its
	// busiest-first page, in which small sessions would drown.
	FindRemoteSessions(ctx context.Context, f RemoteSessionFilter) ([]*RemoteSession, error)
}
