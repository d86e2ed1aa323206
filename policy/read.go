package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"

	"github.com/cordonsec/cordon"
)

// maxPolicyFile bounds a policy file read: a large trust's policy is a few
// megabytes.
const maxPolicyFile = 64 << 20

// ReadPolicy reads a policy in the JSON form `cordon policy suggest
// --format json` and `cordon policy export --format json` write, so that a
// policy reviewed by hand can be held against a capture (`cordon analyze
// --policy`). It names the first bad entry; addresses must be IP addresses
// because the check, like a firewall, compares addresses.
func ReadPolicy(r io.Reader) (*Policy, error) {
	dec := json.NewDecoder(io.LimitReader(r, maxPolicyFile))
	dec.DisallowUnknownFields()
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, jsonError("Policy file", err)
	}
	for i, z := range p.Zones {
		if z.Name == "" {
			return nil, cordon.Errorf(cordon.EINVALID, "Policy file: zones[%d] has no name.", i)
		}
		if err := checkAddrs(fmt.Sprintf("zones[%d] (%q).addrs", i, z.Name), z.Addrs); err != nil {
			return nil, err
		}
	}
	for i, r := range p.Rules {
		where := fmt.Sprintf("rules[%d]", i)
		switch {
		case r.Proto != "tcp" && r.Proto != "udp":
			return nil, cordon.Errorf(cordon.EINVALID, "Policy file: %s.proto is %q, not tcp or udp.", where, r.Proto)
		case r.State != StateApproved && r.State != StateSuggested:
			return nil, cordon.Errorf(cordon.EINVALID, "Policy file: %s.state is %q, not %s or %s.", where, r.State, StateApproved, StateSuggested)
		}
		if err := checkAddrs(where+".src", r.Src); err != nil {
			return nil, err
		}
		if err := checkAddrs(where+".dst", r.Dst); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

func checkAddrs(where string, addrs []string) error {
	for j, a := range addrs {
		if _, err := netip.ParseAddr(a); err != nil {
			return cordon.Errorf(cordon.EINVALID, "Policy file: %s[%d] %q is not an IP address.", where, j, a)
		}
	}
	return nil
}

// jsonError turns a decoding error into an EINVALID one naming the file
// and, where the decoder knows it, the byte and the field.
func jsonError(what string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return cordon.Errorf(cordon.EINVALID, "%s: byte %d: %v.", what, se.Offset, err)
	case errors.As(err, &te):
		return cordon.Errorf(cordon.EINVALID, "%s: byte %d: field %s must be %s.", what, te.Offset, te.Field, te.Type)
	}
	return cordon.Errorf(cordon.EINVALID, "%s: %v.", what, err)
}
