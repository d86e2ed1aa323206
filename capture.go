package cordon

import (
	"context"
	"time"
)

// Capture states.
const (
	CaptureQueued  = "queued"
	CaptureRunning = "running"
	CaptureDone    = "done"
	CaptureFailed  = "failed"
)

// Capture is a capture file given to the server to ingest. Ingest is
// idempotent by content: a file whose SHA-256 is already known is not
// ingested twice.
type Capture struct {
	ID         int64       `json:"id"`
	Name       string      `json:"name"`   // file name as uploaded
	SHA256     string      `json:"sha256"` // hex
	Size       int64       `json:"size"`
	Status     string      `json:"status"`
	Progress   float64     `json:"progress"` // 0 to 1
	Error      string      `json:"error"`
	Stats      IngestStats `json:"stats"`
	CreatedBy  string      `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`
	StartedAt  *time.Time  `json:"started_at"`
	FinishedAt *time.Time  `json:"finished_at"`
}

// IngestStats summarises what a capture added to the register.
type IngestStats struct {
	Packets       uint64   `json:"packets"`
	Bytes         uint64   `json:"bytes"`
	Flows         uint64   `json:"flows"`
	Devices       int      `json:"devices"`     // devices seen in the capture
	NewDevices    int      `json:"new_devices"` // of those, not in the register before
	Conversations int      `json:"conversations"`
	Warnings      []string `json:"warnings"`
}

// Conversation aggregates the flows between two devices on one port and
// application within one hour: the communications of the register and the
// raw material of segmentation policy. Client and Server are device keys
// (see DeviceRecord.Key); an address outside the hospital is "ip:ADDR".
// Flows counts the connections that began in the hour. Packets and Bytes
// count the traffic of its flow records: a capture file reports a flow
// once, at its end, while a live sensor reports long flows as they go
// (FlowRecord.Open), so their traffic lands in the hours it went on.
type Conversation struct {
	Client  string    `json:"client"`
	Server  string    `json:"server"`
	Proto   string    `json:"proto"`
	Port    uint16    `json:"port"`
	App     string    `json:"app"`
	Hour    time.Time `json:"hour"`
	Flows   uint64    `json:"flows"`
	Packets uint64    `json:"packets"`
	Bytes   uint64    `json:"bytes"`
}

// CaptureFilter selects captures, newest first.
type CaptureFilter struct {
	Status string
	Offset int
	Limit  int
}

// CaptureService records captures and their progress.
type CaptureService interface {
	// CreateCapture records a new capture in state queued. If a capture
	// with the same SHA256 exists it returns ECONFLICT and fills c with the
	// existing capture.
	CreateCapture(ctx context.Context, c *Capture) error
	// FindCaptureByID returns the capture, or ENOTFOUND.
	FindCaptureByID(ctx context.Context, id int64) (*Capture, error)
	// FindCaptures returns a page of captures and the total that match.
	FindCaptures(ctx context.Context, f CaptureFilter) ([]*Capture, int, error)
	// StartCapture moves a queued capture to running. ECONFLICT if it is
	// not queued.
	StartCapture(ctx context.Context, id int64) error
	// SetCaptureProgress records progress (0 to 1) of a running capture.
	SetCaptureProgress(ctx context.Context, id int64, progress float64) error
	// FailCapture marks a capture failed with a message for the user.
	FailCapture(ctx context.Context, id int64, msg string) error
	// RequeueRunning puts captures left running by a crash back in the
	// queue, returning their IDs, so that they are ingested again.
	RequeueRunning(ctx context.Context) ([]int64, error)
}

// IngestService merges analysed captures into the register.
type IngestService interface {
	// ObservedByKeys returns the observed state of the devices with these
	// keys that the register holds; keys it lacks are absent from the map.
	ObservedByKeys(ctx context.Context, keys []string) (map[string]*Device, error)
	// CommitIngest, in one transaction: upserts each device's observed
	// state (creating devices that are new, keeping their recorded fields
	// and IDs otherwise), extends their address and host-name history, adds
	// the conversations, and marks the capture done with stats. ECONFLICT if
	// the capture is not running (already committed, say), in which case
	// nothing changes.
	CommitIngest(ctx context.Context, captureID int64, devices map[string]*Device, conv []Conversation, stats IngestStats) error
}

// ConversationFilter selects conversations. Device, if set, matches either
// end; Since and Until bound the hour.
type ConversationFilter struct {
	Device string // device key
	Since  time.Time
	Until  time.Time
	Limit  int
}

// ConversationService reads the register's communications.
type ConversationService interface {
	// FindConversations returns conversations summed over the hours in the
	// filter's range, one per client, server, protocol, port and
	// application, busiest first, with Hour set to the latest hour seen.
	FindConversations(ctx context.Context, f ConversationFilter) ([]Conversation, error)
	// EachConversation calls fn with every conversation of the filter's
	// range, summed as FindConversations sums them but in no particular
	// order and without its bound (Limit is ignored), stopping at fn's
	// first error, which it returns. It reads a whole history (policy
	// learning, the guidance checks) without truncating it.
	EachConversation(ctx context.Context, f ConversationFilter, fn func(Conversation) error) error
}

// LiveCapture is what a live capture interface has done since it started,
// as /metrics, the API and the captures page show it: a capture that goes
// quiet or drops packets is a blind spot in the monitoring.
type LiveCapture struct {
	Interface string    `json:"interface"`
	Filter    string    `json:"filter"`
	Started   time.Time `json:"started"`
	Packets   uint64    `json:"packets"`
	Bytes     uint64    `json:"bytes"`
	Drops     uint64    `json:"drops"` // dropped by the kernel: the capture ring was full
	// LastPacket is the capture time of the latest packet read, zero
	// before the first.
	LastPacket time.Time `json:"last_packet,omitzero"`
	// Batches were written to the register; Merged flushes found the
	// writer busy and merged into the next; Failed could not be written.
	Batches int `json:"batches"`
	Merged  int `json:"merged"`
	Failed  int `json:"failed"`
	// Silent is set while the capture has seen no packet for longer than
	// its allowance (a capture_silent alert is open).
	Silent bool `json:"silent"`
}
