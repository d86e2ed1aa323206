package chart

import (
	"math"
	"strconv"
	"testing"
)

// luminance is the WCAG 2 relative luminance of a #rrggbb colour.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("bad colour %q", hex)
	}
	lin := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(v>>16&0xff) + 0.7152*lin(v>>8&0xff) + 0.0722*lin(v&0xff)
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestContrast holds the palette to WCAG 2.1: text at 4.5:1 against the
// backgrounds it is drawn on, and shapes that carry meaning at 3:1
// (non-text contrast) against white and the group boxes.
func TestContrast(t *testing.T) {
	backgrounds := []string{"#ffffff", colorPanel}
	tests := []struct {
		name  string
		color string
		min   float64
	}{
		{"Text", colorText, 4.5},
		{"TextMuted", colorTextMuted, 4.5},
		{"Blue", colorBlue, 4.5}, // also used for numbers in future themes
		{"Teal", colorTeal, 4.5},
		{"Amber", colorAmber, 4.5},
		{"Red", colorRed, 4.5},
		{"Slate", colorSlate, 3},
		{"Slate2", colorSlate2, 3},
		{"Purple", colorPurple, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, bg := range backgrounds {
				if c := contrast(t, tt.color, bg); c < tt.min {
					t.Errorf("%s on %s: %.2f:1, want at least %.1f:1", tt.color, bg, c, tt.min)
				}
			}
		})
	}
	for i, c := range sequence {
		if contrast(t, c, "#ffffff") < 3 {
			t.Errorf("sequence colour %d %s below 3:1 on white", i, c)
		}
	}
}
