package chart

import (
	"strings"
	"testing"
)

// categories is a plausible dashboard: devices by category in a district
// general hospital, medical ones linked to the filtered device list.
var categories = []Item{
	{Label: "Workstation", Value: 212, Class: ClassIT, Href: "/devices?category=workstation"},
	{Label: "Infusion pump", Value: 148, Class: ClassMedical, Href: "/devices?category=infusion_pump"},
	{Label: "Patient monitor", Value: 96, Class: ClassMedical, Href: "/devices?category=patient_monitor"},
	{Label: "VoIP phone", Value: 84, Class: ClassIT},
	{Label: "Printer", Value: 41, Class: ClassIT},
	{Label: "Network infrastructure", Value: 23, Class: ClassInfrastructure},
	{Label: "Imaging modality", Value: 12, Class: ClassMedical},
	{Label: "Laboratory analyser (chemistry and immunoassay)", Value: 7, Class: ClassMedical},
	{Label: "Unknown", Value: 0, Class: ClassMuted},
}

func TestBars(t *testing.T) {
	tests := []struct {
		name   string
		items  []Item
		golden string
		want   []string
	}{
		{"Categories", categories, "bars.svg", []string{">212<", ">Infusion pump<", `href="/devices?category=infusion_pump"`, "Laboratory analyser (chemis…"}},
		{"OneItem", []Item{{Label: "Infusion pump", Value: 1}}, "", []string{">1<"}},
		{"Fractions", []Item{{Label: "Mean", Value: 2.5}, {Label: "Max", Value: 1e6}}, "", []string{">2.5<", ">1,000,000<"}},
		{"Odd", []Item{{Label: "NaN", Value: nan()}, {Label: "Neg", Value: -4}, {Label: "Inf", Value: inf()}}, "", []string{">n/a<", ">-4<", ">∞<"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Bars("Devices by category", tt.items)
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
