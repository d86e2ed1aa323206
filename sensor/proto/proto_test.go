package proto

import (
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
)

// emitted is one fact a dissector emitted in a test.
type emitted struct {
	About       cordon.Endpoint
	Fact, Value string
}

// collector is an Emitter that records every fact.
type collector struct{ facts []emitted }

func (c *collector) Emit(about cordon.Endpoint, fact, value string) {
	c.facts = append(c.facts, emitted{about, fact, value})
}

// has fails the test unless fact=value was emitted (about anyone).
func (c *collector) has(tb testing.TB, fact, value string) {
	tb.Helper()
	for _, f := range c.facts {
		if f.Fact == fact && f.Value == value {
			return
		}
	}
	tb.Errorf("fact %s=%q not emitted; got %v", fact, value, c.facts)
}

// hasAbout fails the test unless fact=value was emitted about ep.
func (c *collector) hasAbout(tb testing.TB, ep cordon.Endpoint, fact, value string) {
	tb.Helper()
	for _, f := range c.facts {
		if f.Fact == fact && f.Value == value && f.About == ep {
			return
		}
	}
	tb.Errorf("fact %s=%q about %v not emitted; got %v", fact, value, ep, c.facts)
}

// lacks fails the test if any fact named fact was emitted.
func (c *collector) lacks(tb testing.TB, fact string) {
	tb.Helper()
	for _, f := range c.facts {
		if f.Fact == fact {
			tb.Errorf("fact %s unexpectedly emitted: %q", fact, f.Value)
		}
	}
}

// checkValues fails if any emitted value breaks the contract of Clean.
func (c *collector) checkValues(tb testing.TB) {
	tb.Helper()
	for _, f := range c.facts {
		if !utf8.ValidString(f.Value) || len(f.Value) > MaxValue || strings.TrimSpace(f.Value) != f.Value {
			tb.Fatalf("fact %s has an invalid value %q", f.Fact, f.Value)
		}
	}
}

// unhex decodes a hex string that may contain spaces and newlines (as copied
// from `tshark -x` or a hex dump), failing the test on bad input.
func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(" \n\t", r) {
			return -1
		}
		return r
	}, s)
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatalf("unhex: %v", err)
	}
	return b
}

func TestClean(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"OK", "Windows 7 Professional", "Windows 7 Professional"},
		{"Trim", "  padded\x00\x00", "padded"},
		{"Controls", "a\r\nb\tc", "a b c"},
		{"InvalidUTF8", "ab\xffcd", "ab cd"},
		{"Long", strings.Repeat("x", 300), strings.Repeat("x", MaxValue)},
		{"NoTrailingSpaceAtCap", strings.Repeat("0", 254) + "\x00" + "\u4883", strings.Repeat("0", 254)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean([]byte(tt.in)); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
