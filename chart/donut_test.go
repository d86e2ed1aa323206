package chart

import (
	"math"
	"strings"
	"testing"
)

func nan() float64 { return math.NaN() }
func inf() float64 { return math.Inf(1) }

func TestDonut(t *testing.T) {
	tests := []struct {
		name   string
		items  []Item
		golden string
		want   []string
	}{
		{"MedicalVsIT", []Item{
			{Label: "Medical devices", Value: 275, Class: ClassMedical, Href: "/devices?medical=true"},
			{Label: "IT and other", Value: 402, Class: ClassIT, Href: "/devices?medical=false"},
			{Label: "Not yet classified", Value: 19, Class: ClassMuted},
		}, "donut.svg", []string{"275 · 40%", "402 · 58%", "19 · 3%", ">696<"}},
		{"Sequence", []Item{{Label: "a", Value: 1}, {Label: "b", Value: 1}, {Label: "c", Value: 1}}, "donut_sequence.svg", []string{colorBlue, colorTeal, colorAmber}},
		{"Whole", []Item{{Label: "Medical", Value: 5, Class: ClassMedical}}, "", []string{"5 · 100%", "0 1 1"}},
		{"Tiny", []Item{{Label: "Big", Value: 1000}, {Label: "Small", Value: 1}}, "", []string{"1 · &lt;1%"}},
		{"ZeroPart", []Item{{Label: "Big", Value: 10}, {Label: "None", Value: 0}}, "", []string{"0 · 0%"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Donut("Medical devices and IT", tt.items)
			checkSVG(t, out)
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q", w)
				}
			}
			if tt.golden != "" {
				golden(t, tt.golden, out)
			}
		})
	}
}

func TestSectorPath(t *testing.T) {
	tests := []struct {
		name   string
		a0, a1 float64
		want   string
	}{
		{"Quarter", 0, math.Pi / 2, "M10 0A10 10 0 0 1 0 10L0 5A5 5 0 0 0 5 0Z"},
		{"ThreeQuarters", 0, 3 * math.Pi / 2, "M10 0A10 10 0 1 1 0 -10L0 -5A5 5 0 1 0 5 0Z"},
		{"Full", 0, 2 * math.Pi, "M-10 0a10 10 0 1 1 20 0a10 10 0 1 1 -20 0ZM-5 0a5 5 0 1 1 10 0a5 5 0 1 1 -10 0Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sectorPath(0, 0, 10, 5, tt.a0, tt.a1); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
