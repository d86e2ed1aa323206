// Package remoteaccess decides which inbound remote-access sessions seen in
// traffic a supplier record explains (guidance step 5): a session is
// explained when a supplier serving the device, directly or by its model,
// has a remote access record whose sources hold the session's source and
// whose method fits the session's. Everything else is flagged, including
// sessions between two hosts of the trust, since a supplier's jump host is
// usually one of them.
//
// The decisions are pure functions of the sessions and suppliers the store
// reads; FindUnexplained only does that reading through the
// cordon.SupplierService interface.
package remoteaccess

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/cordonsec/cordon"
)

// Decision is the verdict on one session.
type Decision struct {
	Session   *cordon.RemoteSession `json:"session"`
	Explained bool                  `json:"explained"`
	// SupplierID and Supplier name the supplier whose record explains
	// the session; 0 and "" when none does.
	SupplierID int64  `json:"supplier_id,omitempty"`
	Supplier   string `json:"supplier,omitempty"`
	// Reason says why, in a sentence a person reads.
	Reason string `json:"reason"`
}

// access is one remote access record, parsed once.
type access struct {
	supplier *cordon.Supplier
	rec      *cordon.RemoteAccess
	sources  []netip.Prefix
}

// Index holds the suppliers' access records by what they serve, so that
// deciding many sessions reads each record once.
type Index struct {
	byDevice map[int64][]access
	byModel  map[int64][]access
}

// NewIndex indexes the suppliers. A source that does not parse (the store
// validates them, so only an old or foreign record has one) explains
// nothing.
func NewIndex(suppliers []*cordon.Supplier) *Index {
	ix := &Index{byDevice: map[int64][]access{}, byModel: map[int64][]access{}}
	for _, s := range suppliers {
		for i := range s.Access {
			a := access{supplier: s, rec: &s.Access[i]}
			for _, src := range s.Access[i].Sources {
				if p, err := cordon.ParseSource(src); err == nil {
					a.sources = append(a.sources, p)
				}
			}
			for _, id := range s.DeviceIDs {
				ix.byDevice[id] = append(ix.byDevice[id], a)
			}
			for _, id := range s.ModelIDs {
				ix.byModel[id] = append(ix.byModel[id], a)
			}
		}
	}
	return ix
}

// Decide says whether a supplier record explains the session.
func (ix *Index) Decide(r *cordon.RemoteSession) Decision {
	d := Decision{Session: r}
	// Model IDs start at 1: a device of no model (0) matches no model.
	cands := slices.Concat(ix.byDevice[r.Device.ID], ix.byModel[r.ModelID])
	if len(cands) == 0 {
		d.Reason = "No supplier with a remote access record serves this device or its model."
		return d
	}
	var wrongMethod *access
	for i := range cands {
		a := &cands[i]
		if !fromSources(r.Sources, a.sources) {
			continue
		}
		if !a.rec.FitsMethod(r.Method) {
			wrongMethod = a
			continue
		}
		d.Explained, d.SupplierID, d.Supplier = true, a.supplier.ID, a.supplier.Name
		d.Reason = fmt.Sprintf("%s's %s access (%s) comes from %s.", a.supplier.Name, a.rec.Method, a.rec.Mode, source(r))
		return d
	}
	if wrongMethod != nil {
		d.Reason = fmt.Sprintf("%s's access from %s is by %s, not %s.", wrongMethod.supplier.Name, source(r), wrongMethod.rec.Method, r.Method)
		return d
	}
	d.Reason = fmt.Sprintf("The source %s is in no remote access record of a supplier serving this device.", source(r))
	return d
}

// fromSources reports whether any of the session's addresses falls in a
// prefix.
func fromSources(addrs []string, prefixes []netip.Prefix) bool {
	for _, s := range addrs {
		a, err := netip.ParseAddr(s)
		if err != nil {
			continue
		}
		a = a.Unmap()
		for _, p := range prefixes {
			if p.Contains(a) {
				return true
			}
		}
	}
	return false
}

// source names a session's source: its first address, or its register key
// when it has none.
func source(r *cordon.RemoteSession) string {
	if len(r.Sources) > 0 {
		return r.Sources[0]
	}
	return r.SourceKey
}

// Source names a session's source for people: its first address, or its
// register key when none is known.
func Source(r *cordon.RemoteSession) string { return source(r) }

// Unexplained returns the decisions on the sessions that no supplier
// record explains, in the sessions' order.
func Unexplained(sessions []*cordon.RemoteSession, suppliers []*cordon.Supplier) []Decision {
	ix := NewIndex(suppliers)
	out := []Decision{}
	for _, r := range sessions {
		if d := ix.Decide(r); !d.Explained {
			out = append(out, d)
		}
	}
	return out
}
