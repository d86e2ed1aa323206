package cordon

import (
	"fmt"
	"net/mail"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Bounds of a supplier record: enough for any real contract book, small
// enough that one request cannot hold the store's single writer for long.
const (
	MaxSupplierContracts = 50
	MaxSupplierAccess    = 50
	MaxAccessSources     = 100
	MaxSupplierServes    = 10000
	maxAttendHours       = 24 * 366
	maxPatchDays         = 3660
)

// Normalize tidies what people type before Validate: trims names, writes
// each source in canonical form (a prefix masked: "10.1.2.3/24" becomes
// "10.1.2.0/24"; an address alone stays an address), and sorts and
// de-duplicates the served models and devices. A source that does not
// parse is left for Validate to name.
func (s *Supplier) Normalize() {
	s.Name, s.Contact = strings.TrimSpace(s.Name), strings.TrimSpace(s.Contact)
	s.Email, s.Phone = strings.TrimSpace(s.Email), strings.TrimSpace(s.Phone)
	for i := range s.Contracts {
		s.Contracts[i].Reference = strings.TrimSpace(s.Contracts[i].Reference)
	}
	for i := range s.Access {
		a := &s.Access[i]
		a.Method, a.Mode = strings.ToLower(strings.TrimSpace(a.Method)), strings.ToLower(strings.TrimSpace(a.Mode))
		for j, src := range a.Sources {
			a.Sources[j] = canonicalSource(strings.TrimSpace(src))
		}
	}
	s.ModelIDs = sortedIDs(s.ModelIDs)
	s.DeviceIDs = sortedIDs(s.DeviceIDs)
}

func sortedIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []int64{}
	}
	return out
}

// canonicalSource returns src in canonical form, or src when it does not
// parse.
func canonicalSource(src string) string {
	if a, err := netip.ParseAddr(src); err == nil {
		return a.Unmap().String()
	}
	if p, err := netip.ParsePrefix(src); err == nil {
		return p.Masked().String()
	}
	return src
}

// ParseSource reads an access source: an address or a CIDR prefix (an
// address is the prefix of its full length).
func ParseSource(src string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(src); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(src)
	if err != nil {
		return netip.Prefix{}, err
	}
	return p.Masked(), nil
}

// Validate reports the first problem of a supplier as an EINVALID error
// naming the field, as the JSON API spells it.
func (s *Supplier) Validate() error {
	switch {
	case s.Name == "" || len(s.Name) > 200:
		return Errorf(EINVALID, "name: a supplier needs a name of 1 to 200 characters.")
	case len(s.Contact) > 200:
		return Errorf(EINVALID, "contact: at most 200 characters.")
	case len(s.Phone) > 64:
		return Errorf(EINVALID, "phone: at most 64 characters.")
	case len(s.Notes) > 4096:
		return Errorf(EINVALID, "notes: at most 4096 characters.")
	case len(s.Contracts) > MaxSupplierContracts:
		return Errorf(EINVALID, "contracts: at most %d per supplier, not %d.", MaxSupplierContracts, len(s.Contracts))
	case len(s.Access) > MaxSupplierAccess:
		return Errorf(EINVALID, "access: at most %d records per supplier, not %d.", MaxSupplierAccess, len(s.Access))
	case len(s.ModelIDs) > MaxSupplierServes || len(s.DeviceIDs) > MaxSupplierServes:
		return Errorf(EINVALID, "model_ids, device_ids: at most %d each.", MaxSupplierServes)
	}
	if s.Email != "" {
		if a, err := mail.ParseAddress(s.Email); err != nil || a.Address != s.Email || len(s.Email) > 254 {
			return Errorf(EINVALID, "email: %q is not an e-mail address such as service@example.com.", s.Email)
		}
	}
	for i := range s.Contracts {
		if err := s.Contracts[i].validate(fmt.Sprintf("contracts[%d]", i)); err != nil {
			return err
		}
	}
	for i := range s.Access {
		if err := s.Access[i].validate(fmt.Sprintf("access[%d]", i)); err != nil {
			return err
		}
	}
	for _, id := range s.ModelIDs {
		if id <= 0 {
			return Errorf(EINVALID, "model_ids: %d is not a model ID.", id)
		}
	}
	for _, id := range s.DeviceIDs {
		if id <= 0 {
			return Errorf(EINVALID, "device_ids: %d is not a device ID.", id)
		}
	}
	return nil
}

func (c *Contract) validate(field string) error {
	switch {
	case c.Reference == "" || len(c.Reference) > 100:
		return Errorf(EINVALID, "%s.reference: a contract needs a reference of 1 to 100 characters.", field)
	case !c.Start.IsZero() && !c.End.IsZero() && !c.End.After(c.Start):
		return Errorf(EINVALID, "%s.end: the contract ends (%s) before it starts (%s).", field,
			c.End.Format(time.DateOnly), c.Start.Format(time.DateOnly))
	case c.Start.Year() > 9999 || c.End.Year() > 9999 || (!c.Start.IsZero() && c.Start.Year() < 1900) || (!c.End.IsZero() && c.End.Year() < 1900):
		return Errorf(EINVALID, "%s: dates must fall between the years 1900 and 9999.", field)
	case c.AttendHours < 0 || c.AttendHours > maxAttendHours:
		return Errorf(EINVALID, "%s.attend_hours: %d is not between 0 and %d hours.", field, c.AttendHours, maxAttendHours)
	case c.PatchDays < 0 || c.PatchDays > maxPatchDays:
		return Errorf(EINVALID, "%s.patch_days: %d is not between 0 and %d days.", field, c.PatchDays, maxPatchDays)
	case len(c.Notes) > 4096:
		return Errorf(EINVALID, "%s.notes: at most 4096 characters.", field)
	}
	return nil
}

func (a *RemoteAccess) validate(field string) error {
	switch {
	case !slices.Contains(AccessMethods, a.Method):
		return Errorf(EINVALID, "%s.method: must be one of %s, not %q.", field, strings.Join(AccessMethods, ", "), a.Method)
	case !slices.Contains(AccessModes, a.Mode):
		return Errorf(EINVALID, "%s.mode: must be on-demand or always-on, not %q.", field, a.Mode)
	case len(a.Sources) > MaxAccessSources:
		return Errorf(EINVALID, "%s.sources: at most %d, not %d.", field, MaxAccessSources, len(a.Sources))
	case len(a.Notes) > 4096:
		return Errorf(EINVALID, "%s.notes: at most 4096 characters.", field)
	}
	for j, src := range a.Sources {
		if _, err := ParseSource(src); err != nil || len(src) > 64 {
			return Errorf(EINVALID, "%s.sources[%d]: %q is not an IP address or CIDR prefix such as 10.20.0.0/16.", field, j, src)
		}
	}
	return nil
}

// Supplier flags: what guidance step 5 asks of third-party connections that
// a supplier record falls short of.
const (
	FlagAlwaysOn        = "always_on"         // access not enabled per session
	FlagNoMFA           = "no_mfa"            // access without multi-factor authentication
	FlagContractExpired = "contract_expired"  // a contract has ended (supplier: and none is current)
	FlagNoServiceLevels = "no_service_levels" // a contract sets no time to attend or no time to patch
	FlagNoContract      = "no_contract"       // a supplier with no contract recorded
)

// FlagText says what a flag means, for pages and the command line.
func FlagText(flag string) string {
	switch flag {
	case FlagAlwaysOn:
		return "always-on access"
	case FlagNoMFA:
		return "access without MFA"
	case FlagContractExpired:
		return "contract expired"
	case FlagNoServiceLevels:
		return "contract without service levels"
	case FlagNoContract:
		return "no contract recorded"
	}
	return flag
}

// Current reports whether the contract is in force at now: started (or no
// start recorded) and not ended.
func (c *Contract) Current(now time.Time) bool {
	return !c.Start.After(now) && (c.End.IsZero() || now.Before(c.End))
}

// ContractFlags returns a contract's flags at now.
func ContractFlags(c *Contract, now time.Time) []string {
	flags := []string{}
	if !c.End.IsZero() && !now.Before(c.End) {
		flags = append(flags, FlagContractExpired)
	}
	if c.AttendHours == 0 || c.PatchDays == 0 {
		flags = append(flags, FlagNoServiceLevels)
	}
	return flags
}

// AccessFlags returns a remote access record's flags.
func AccessFlags(a *RemoteAccess) []string {
	flags := []string{}
	if a.Mode == AccessAlwaysOn {
		flags = append(flags, FlagAlwaysOn)
	}
	if !a.MFA {
		flags = append(flags, FlagNoMFA)
	}
	return flags
}

// SetFlags sets the flags of a supplier, its contracts and its access at
// now. The supplier's contract flags look at the contracts that matter: it
// is flagged expired only when no contract is current or yet to start, and
// for service levels only by such contracts, so that a renewed contract
// clears the flags of the one it replaced.
func (s *Supplier) SetFlags(now time.Time) {
	set := map[string]bool{}
	live := 0
	for i := range s.Contracts {
		c := &s.Contracts[i]
		c.Flags = ContractFlags(c, now)
		if c.End.IsZero() || now.Before(c.End) {
			live++
			if slices.Contains(c.Flags, FlagNoServiceLevels) {
				set[FlagNoServiceLevels] = true
			}
		}
	}
	switch {
	case len(s.Contracts) == 0:
		set[FlagNoContract] = true
	case live == 0:
		set[FlagContractExpired] = true
	}
	for i := range s.Access {
		a := &s.Access[i]
		a.Flags = AccessFlags(a)
		for _, f := range a.Flags {
			set[f] = true
		}
	}
	s.Flags = []string{}
	for _, f := range []string{FlagAlwaysOn, FlagNoMFA, FlagContractExpired, FlagNoContract, FlagNoServiceLevels} {
		if set[f] {
			s.Flags = append(s.Flags, f)
		}
	}
}

// remoteApps maps the application the sensor labels a flow with to a
// remote-control method; remotePorts does the same by well-known port for
// flows it leaves unlabelled (VNC, TeamViewer and AnyDesk have no
// dissector) or labels only as TLS (RDP and TeamViewer wrap their sessions
// in it).
var (
	remoteApps  = map[string]string{"rdp": "rdp", "vnc": "vnc", "rfb": "vnc", "ssh": "ssh", "telnet": "telnet", "teamviewer": "teamviewer", "anydesk": "anydesk"}
	remotePorts = map[uint16]string{3389: "rdp", 5900: "vnc", 5901: "vnc", 5902: "vnc", 5903: "vnc", 22: "ssh", 23: "telnet", 5938: "teamviewer", 7070: "anydesk", 6568: "anydesk"}
)

// RemoteApps and RemotePorts list the labels and ports RemoteMethod knows,
// for stores that select candidate conversations.
func RemoteApps() []string { return sortedKeys(remoteApps) }

// RemotePorts lists the well-known remote-access ports.
func RemotePorts() []uint16 { return sortedKeys(remotePorts) }

func sortedKeys[K string | uint16](m map[K]string) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// RemoteMethod names the remote-control method of a conversation to the
// server's port with the sensor's application label ("rdp", "vnc", "ssh",
// "telnet", "teamviewer", "anydesk"), or "" when it is not remote access.
// A label the sensor gave wins over the port: HTTP on port 22 is not SSH.
func RemoteMethod(app string, port uint16) string {
	app = strings.ToLower(app)
	if m := remoteApps[app]; m != "" {
		return m
	}
	if app == "" || app == "tls" {
		return remotePorts[port]
	}
	return ""
}
