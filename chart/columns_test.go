package chart

import (
	"strings"
	"testing"
	"time"
)

// firstSeen is four weeks of discovery: a burst when the sensor started on
// a ward, then a trickle, then a new ward connected in the last week.
func firstSeen() ([]time.Time, time.Time) {
	end := time.Date(2025, 5, 20, 15, 0, 0, 0, time.UTC)
	per := []int{41, 17, 9, 6, 4, 3, 5, 2, 0, 1, 3, 2, 1, 0, 0, 2, 1, 1, 0, 3, 1, 0, 12, 26, 8, 3, 2, 1}
	var ts []time.Time
	for i, n := range per {
		day := end.AddDate(0, 0, i-len(per)+1)
		for k := range n {
			ts = append(ts, day.Add(-time.Duration(k)*time.Minute))
		}
	}
	return ts, end
}

func TestColumns(t *testing.T) {
	ts, end := firstSeen()
	week := Daily(ts, end, 7)
	tests := []struct {
		name   string
		items  []Item
		golden string
		want   []string
	}{
		{"FourWeeks", Daily(ts, end, 28), "columns.svg", []string{"20 May: 1", "23 Apr: 41", ">41<"}},
		{"Week", week, "columns_week.svg", []string{">12<", ">26<", ">8<"}},
		{"AllZero", Daily(nil, end, 14), "", []string{"20 May: 0"}},
		{"Fractional", []Item{{Label: "a", Value: 0.2}, {Label: "b", Value: 0.05}}, "", []string{">0.2<"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Columns("Devices first seen per day", tt.items)
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

func TestDaily(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	// The clocks went forward on 30 March 2025; a day then lasts 23 hours.
	end := time.Date(2025, 3, 31, 9, 0, 0, 0, london)
	ts := []time.Time{
		time.Date(2025, 3, 29, 23, 30, 0, 0, london),
		time.Date(2025, 3, 30, 0, 30, 0, 0, london),
		time.Date(2025, 3, 30, 23, 30, 0, 0, london),
		time.Date(2025, 3, 31, 8, 0, 0, 0, time.UTC), // 09:00 BST
		time.Date(2025, 3, 20, 8, 0, 0, 0, london),   // before the range
	}
	got := Daily(ts, end, 3)
	want := []Item{
		{Label: "29 Mar", Value: 1, Class: ClassNew},
		{Label: "30 Mar", Value: 2, Class: ClassNew},
		{Label: "31 Mar", Value: 1, Class: ClassNew},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d items, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("item %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if n := len(Daily(nil, end, 0)); n != 1 {
		t.Errorf("days 0 gave %d items, want 1", n)
	}
	if items := Daily(nil, end, 10); items[2].Class != ClassMuted || items[3].Class != ClassNew {
		t.Errorf("last week not marked: %+v", items)
	}
}

func TestNiceScale(t *testing.T) {
	tests := []struct {
		name      string
		max       float64
		top, step float64
	}{
		{"Zero", 0, 1, 1},
		{"One", 1, 1, 1},
		{"FortyOne", 41, 50, 10},
		{"Seven", 7, 8, 2},
		{"Thousands", 2345, 2500, 500},
		{"Fraction", 0.2, 0.2, 0.05},
		{"Subnormal", 5e-324, 5e-324, 5e-324},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			top, step := niceScale(tt.max)
			if top != tt.top || step != tt.step {
				t.Errorf("niceScale(%v) = %v, %v; want %v, %v", tt.max, top, step, tt.top, tt.step)
			}
		})
	}
}
