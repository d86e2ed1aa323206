package cordon

import "testing"

func TestRating(t *testing.T) {
	for _, tt := range []struct {
		version string
		score   float64
		want    string
	}{
		{"2.0", 0, "LOW"}, {"2.0", 3.9, "LOW"}, {"2.0", 4, "MEDIUM"}, {"2.0", 9.3, "HIGH"}, {"2", 10, "HIGH"},
		{"3.1", 0, "NONE"}, {"3.1", 0.1, "LOW"}, {"3.0", 6.9, "MEDIUM"}, {"3.1", 7, "HIGH"}, {"3.1", 8.9, "HIGH"},
		{"3.1", 9, "CRITICAL"}, {"4.0", 9.3, "CRITICAL"}, {"", 5, "MEDIUM"},
	} {
		if got := Rating(tt.version, tt.score); got != tt.want {
			t.Errorf("Rating(%q, %v) = %s, want %s", tt.version, tt.score, got, tt.want)
		}
	}
}
