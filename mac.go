package cordon

import (
	"encoding/hex"
	"fmt"
)

// MAC is an IEEE 802 48-bit hardware address. The zero value means "not
// known", which is what a device seen only through a router has.
type MAC [6]byte

// IsZero reports whether the address is unknown.
func (m MAC) IsZero() bool { return m == MAC{} }

// IsBroadcast reports whether m is ff:ff:ff:ff:ff:ff.
func (m MAC) IsBroadcast() bool { return m == MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} }

// IsMulticast reports whether the group bit is set (this includes broadcast).
func (m MAC) IsMulticast() bool { return m[0]&0x01 != 0 }

// IsLocal reports whether the locally administered bit is set. Such
// addresses are not registered with the IEEE: virtual machines, and phones and
// laptops that randomise their address per network, use them.
func (m MAC) IsLocal() bool { return m[0]&0x02 != 0 }

// OUI returns the first three bytes, the MA-L assignment.
func (m MAC) OUI() [3]byte { return [3]byte{m[0], m[1], m[2]} }

// String formats m as lower-case colon-separated hex, or "" when zero.
func (m MAC) String() string {
	if m.IsZero() {
		return ""
	}
	const hexd = "0123456789abcdef"
	b := make([]byte, 17)
	for i, x := range m {
		b[i*3] = hexd[x>>4]
		b[i*3+1] = hexd[x&0x0f]
		if i < 5 {
			b[i*3+2] = ':'
		}
	}
	return string(b)
}

// ParseMAC parses "aa:bb:cc:dd:ee:ff", "aa-bb-cc-dd-ee-ff", "aabb.ccdd.eeff"
// or "aabbccddeeff".
func ParseMAC(s string) (MAC, error) {
	var m MAC
	clean := make([]byte, 0, 12)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ':', '-', '.':
		default:
			clean = append(clean, c)
		}
	}
	if len(clean) != 12 {
		return m, Errorf(EINVALID, "invalid MAC address %q", s)
	}
	if _, err := hex.Decode(m[:], clean); err != nil {
		return m, Errorf(EINVALID, "invalid MAC address %q", s)
	}
	return m, nil
}

// MarshalText implements encoding.TextMarshaler.
func (m MAC) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *MAC) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = MAC{}
		return nil
	}
	v, err := ParseMAC(string(b))
	if err != nil {
		return fmt.Errorf("mac: %w", err)
	}
	*m = v
	return nil
}
