package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remoteaccess"
	"github.com/cordonsec/cordon/simulate"
)

// demoSupplier is a supplier of the simulated hospital's makers as the
// trust's clinical engineers would record it.
type demoSupplier struct {
	maker        string // the manufacturer whose models it serves
	attend, days int    // service levels
	access       cordon.RemoteAccess
	jump         bool // its engineers come through the trust's jump host
}

// demoSuppliers records suppliers for the simulated makers: the imaging
// makers whose engineers reach their modalities over RDP from the trust's
// jump host (the simulation's remote access), GE's always-on remote
// service without MFA (flagged), and a pump supplier whose contract sets
// no time to patch (flagged). One maker seen reaching its devices is left
// with a record that names only its own gateway, so the jump host's
// sessions to its devices show as unexplained.
func demoSuppliers(ctx context.Context, st *store, truth *simulate.Truth, stdout io.Writer) error {
	sessions, err := st.suppliers.FindRemoteSessions(ctx, cordon.RemoteSessionFilter{})
	if err != nil {
		return err
	}
	// The jump host's addresses, and the makers whose devices it reached.
	var jump []string
	reached := map[string]bool{}
	for _, s := range sessions {
		if s.Method == "rdp" {
			for _, src := range s.Sources {
				if !slices.Contains(jump, src) {
					jump = append(jump, src)
				}
			}
			reached[s.Device.Manufacturer] = true
		}
	}
	// The maker left unexplained: the first of these the traffic shows.
	unexplained := ""
	for _, m := range []string{"Hologic", "Canon Medical", "Philips", "Siemens Healthineers"} {
		if reached[m] {
			unexplained = m
			break
		}
	}
	mfaOnDemand := func(method string) cordon.RemoteAccess {
		return cordon.RemoteAccess{Method: method, Mode: cordon.AccessOnDemand, MFA: true,
			Notes: "Enabled by the service desk for each job; engineers sign in with a token."}
	}
	start := truth.Start.AddDate(-1, 0, 0).Truncate(24 * time.Hour)
	list := []demoSupplier{
		{maker: "Siemens Healthineers", attend: 4, days: 30, access: mfaOnDemand("jump_host"), jump: true},
		{maker: "Philips", attend: 8, days: 45, access: mfaOnDemand("rdp"), jump: true},
		{maker: "Canon Medical", attend: 24, days: 60, access: mfaOnDemand("rdp"), jump: true},
		{maker: "Hologic", attend: 8, days: 30, access: mfaOnDemand("rdp"), jump: true},
		{maker: "GE HealthCare", attend: 8, days: 30, access: cordon.RemoteAccess{Method: "vendor_cloud", Mode: cordon.AccessAlwaysOn,
			Sources: []string{"198.51.100.0/24"}, Notes: "InSite remote service tunnel, always connected; shared service account."}},
		{maker: "BD", attend: 48, access: mfaOnDemand("vpn")},
	}
	created, flagged := 0, 0
	for i, d := range list {
		models, _, err := st.models.FindModels(ctx, cordon.ModelFilter{Manufacturer: d.maker, Limit: 1000})
		if err != nil {
			return err
		}
		if len(models) == 0 {
			continue // the simulation has none of this maker's devices
		}
		s := &cordon.Supplier{Name: d.maker, Contact: d.maker + " service desk", Email: "service@example.com",
			Contracts: []cordon.Contract{{Reference: fmt.Sprintf("RXH-MS-%03d", 101+i), Start: start, End: start.AddDate(5, 0, 0),
				AttendHours: d.attend, PatchDays: d.days, Notes: "Maintenance and software support."}}}
		for _, m := range models {
			s.ModelIDs = append(s.ModelIDs, m.ID)
		}
		a := d.access
		switch {
		case d.maker == unexplained:
			// Recorded as the supplier declared it: from its own gateway.
			a.Sources = []string{"203.0.113.0/28"}
		case d.jump:
			a.Sources = slices.Clone(jump)
		}
		if a.Sources == nil {
			a.Sources = []string{"203.0.113.64/28"}
		}
		s.Access = []cordon.RemoteAccess{a}
		if err := st.suppliers.CreateSupplier(ctx, s); err != nil {
			return fmt.Errorf("demo supplier %s: %w", d.maker, err)
		}
		created++
		if len(s.Flags) > 0 {
			flagged++
		}
	}
	ds, err := remoteaccess.FindUnexplained(ctx, st.suppliers, cordon.RemoteSessionFilter{})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "Recorded %d suppliers with contracts and remote access (%d flagged); %d remote access sessions no supplier record explains.\n",
		created, flagged, len(ds))
	return err
}
