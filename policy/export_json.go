package policy

import (
	"encoding/json"
	"io"
)

// exportJSON writes the whole policy (zones, matrix, rules, review) with
// only the active rules; encoding/json escapes every string.
func exportJSON(w io.Writer, p *Policy, x *exportable) error {
	out := *p
	out.Rules = make([]Rule, 0, len(x.rules))
	for _, r := range x.rules {
		out.Rules = append(out.Rules, *r.Rule)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&out)
}
