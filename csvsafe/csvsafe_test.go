package csvsafe

import (
	"slices"
	"testing"
)

func TestCell(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Plain", "CT-SCAN-01", "CT-SCAN-01"},
		{"Empty", "", ""},
		{"Equals", "=1+1", "'=1+1"},
		{"Plus", "+44 20", "'+44 20"},
		{"Minus", "-2", "'-2"},
		{"At", "@SUM(A1)", "'@SUM(A1)"},
		{"Tab", "\t=1", "'\t=1"},
		{"CarriageReturn", "\r=1", "'\r=1"},
		{"Inner", "a=b", "a=b"},
		{"Hyperlink", `=HYPERLINK("http://evil.example/")`, `'=HYPERLINK("http://evil.example/")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Cell(tt.in); got != tt.want {
				t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRow(t *testing.T) {
	got := Row([]string{"ok", "=1", "", "@x"})
	if want := []string{"ok", "'=1", "", "'@x"}; !slices.Equal(got, want) {
		t.Errorf("Row = %q, want %q", got, want)
	}
}
