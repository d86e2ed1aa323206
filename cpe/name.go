package cpe

import (
	"errors"
	"fmt"
	"strings"
)

// Logical values with a meaning of their own in CPE 2.3.
const (
	Any = "*" // ANY: every value
	NA  = "-" // NA: the attribute does not apply (no version, no update)
)

// Name is a CPE 2.3 name: a well-formed name (WFN) whose attribute values
// are kept in their canonical formatted-string form (see the package
// documentation).
type Name struct {
	Part      string // "a" application, "o" operating system, "h" hardware
	Vendor    string
	Product   string
	Version   string
	Update    string
	Edition   string
	Language  string
	SWEdition string
	TargetSW  string
	TargetHW  string
	Other     string
}

// NumAttrs is the number of attributes of a Name.
const NumAttrs = 11

const prefix = "cpe:2.3:"

// ErrSyntax is wrapped by every error Parse returns.
var ErrSyntax = errors.New("invalid cpe 2.3 formatted string")

// Parse reads a CPE 2.3 formatted string such as
// "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*". It needs all 13
// components. Values are lower-cased and needless quoting ("\." for ".")
// is removed, so that equal names compare equal as strings; Parse allocates
// only when it has to change a value.
func Parse(s string) (Name, error) {
	var n Name
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return n, fmt.Errorf("cpe: parse %.60q: %w: no cpe:2.3: prefix", s, ErrSyntax)
	}
	rest := s[len(prefix):]
	for i := 0; i < NumAttrs; i++ {
		end, err := valueEnd(rest)
		if err != nil {
			return Name{}, fmt.Errorf("cpe: parse %.60q: %w: %v", s, ErrSyntax, err)
		}
		if end == 0 {
			return Name{}, fmt.Errorf("cpe: parse %.60q: %w: empty component %d", s, ErrSyntax, i+3)
		}
		*n.attr(i) = canonical(rest[:end])
		last := i == NumAttrs-1
		switch {
		case last && end < len(rest):
			return Name{}, fmt.Errorf("cpe: parse %.60q: %w: more than 13 components", s, ErrSyntax)
		case !last && end == len(rest):
			return Name{}, fmt.Errorf("cpe: parse %.60q: %w: %d components, want 13", s, ErrSyntax, i+3)
		case !last:
			rest = rest[end+1:]
		}
	}
	switch n.Part {
	case "a", "o", "h", Any:
	default:
		return Name{}, fmt.Errorf("cpe: parse %.60q: %w: part %q is not a, o or h", s, ErrSyntax, n.Part)
	}
	return n, nil
}

// valueEnd returns the index of the first unquoted ':' in s, or len(s),
// checking that every byte is printable ASCII and no quote is left open.
func valueEnd(s string) (int, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x21 || c > 0x7e:
			return 0, fmt.Errorf("byte 0x%02x is not printable ascii", c)
		case c == '\\':
			if i+1 >= len(s) {
				return 0, errors.New("trailing backslash")
			}
			if d := s[i+1]; d < 0x21 || d > 0x7e {
				return 0, fmt.Errorf("byte 0x%02x is not printable ascii", d)
			}
			i++
		case c == ':':
			return i, nil
		}
	}
	return len(s), nil
}

// canonical lower-cases v and drops the quoting of '.', '-' and '_', which
// the binding does not need; it returns v itself when nothing changes.
func canonical(v string) string {
	v = strings.ToLower(v)
	if strings.IndexByte(v, '\\') < 0 || v == `\-` {
		// A quoted lone hyphen is the literal "-", not NA: keep it quoted.
		return v
	}
	needless := false
	for i := 0; i+1 < len(v); i++ {
		if v[i] == '\\' {
			if c := v[i+1]; c == '.' || c == '-' || c == '_' {
				needless = true
				break
			}
			i++
		}
	}
	if !needless {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			if c := v[i+1]; c != '.' && c != '-' && c != '_' {
				b.WriteByte('\\')
			}
			b.WriteByte(v[i+1])
			i++
			continue
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// attr returns a pointer to attribute i (0 part … 10 other).
func (n *Name) attr(i int) *string {
	switch i {
	case 0:
		return &n.Part
	case 1:
		return &n.Vendor
	case 2:
		return &n.Product
	case 3:
		return &n.Version
	case 4:
		return &n.Update
	case 5:
		return &n.Edition
	case 6:
		return &n.Language
	case 7:
		return &n.SWEdition
	case 8:
		return &n.TargetSW
	case 9:
		return &n.TargetHW
	default:
		return &n.Other
	}
}

// Attr returns attribute i in the order of the formatted string: 0 part,
// 1 vendor, 2 product, 3 version, 4 update, 5 edition, 6 language,
// 7 sw_edition, 8 target_sw, 9 target_hw, 10 other. Out of range it
// returns "".
func (n Name) Attr(i int) string {
	if i < 0 || i >= NumAttrs {
		return ""
	}
	return *n.attr(i)
}

// String formats n as a CPE 2.3 formatted string; empty attributes are
// written as ANY.
func (n Name) String() string {
	var b strings.Builder
	b.Grow(len(prefix) + 64)
	b.WriteString(prefix)
	for i := 0; i < NumAttrs; i++ {
		if i > 0 {
			b.WriteByte(':')
		}
		v := *n.attr(i)
		if v == "" {
			v = Any
		}
		b.WriteString(v)
	}
	return b.String()
}

// Key returns "part:vendor:product", the attributes an index groups
// names by.
func (n Name) Key() string {
	return n.Part + ":" + n.Vendor + ":" + n.Product
}

// Escape quotes a logical value (a version as a person writes it,
// "16.10.3(3794)") for use as an attribute value: lower case, spaces as
// '_', and every character other than letters, digits, '.', '-' and '_'
// quoted. The empty string becomes ANY.
func Escape(v string) string {
	if v == "" {
		return Any
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('_')
		case c < 0x21 || c > 0x7e:
			// Not representable in a formatted string: dropped rather
			// than producing a name Parse would reject.
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return Any
	}
	if b.String() == NA {
		return `\-`
	}
	return b.String()
}

// Unescape returns the logical value of an attribute value: quoting
// removed ("16.10.3\(3794\)" → "16.10.3(3794)"). ANY, NA and wildcards
// come back unchanged.
func Unescape(v string) string {
	if strings.IndexByte(v, '\\') < 0 {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
