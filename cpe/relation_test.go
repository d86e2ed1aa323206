package cpe

import "testing"

func TestCompareAttr(t *testing.T) {
	// Rows follow NIST IR 7696 table 6-2.
	tests := []struct {
		name           string
		source, target string
		want           Relation
	}{
		{"AnyAny", Any, Any, Equal},
		{"AnyNA", Any, NA, Superset},
		{"AnyValue", Any, "7.4", Superset},
		{"AnyWild", Any, "7.*", Superset},
		{"NAAny", NA, Any, Subset},
		{"NANA", NA, NA, Equal},
		{"NAValue", NA, "7.4", Disjoint},
		{"NAWild", NA, "7.*", Disjoint},
		{"ValueAny", "7.4", Any, Subset},
		{"ValueNA", "7.4", NA, Disjoint},
		{"ValueSame", "sp1", "sp1", Equal},
		{"ValueOther", "sp1", "sp2", Disjoint},
		{"ValueWild", "7.4", "7.*", Undefined},
		{"WildAny", "7.*", Any, Subset},
		{"WildNA", "7.*", NA, Disjoint},
		{"WildMatches", "7.*", "7.4", Superset},
		{"WildNoMatch", "7.*", "8.4", Disjoint},
		{"QuestionMark", "7.?", "7.4", Superset},
		{"QuestionMarkShort", "7.?", "7.", Disjoint},
		{"LeadingStar", "*_firmware", "acuson_p300_firmware", Superset},
		{"QuotedStarIsLiteral", `7\*`, "7x", Disjoint},
		{"QuotedCharOneForQuestion", "16.10.3?3794?", `16.10.3\(3794\)`, Superset},
		{"WildWild", "7.*", "7.*", Undefined},
		{"EmptyIsAny", "", "sp1", Superset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CompareAttr(tt.source, tt.target); got != tt.want {
				t.Fatalf("CompareAttr(%q, %q) = %v, want %v", tt.source, tt.target, got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name             string
		criterion, name2 string
		want             bool
	}{
		// NVD CVE-2017-0144 platform criterion vs a Windows 7 SP1 machine
		// as classify names it.
		{"Windows7SP1", "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", true},
		{"Windows7RTM", "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows_7:-:-:*:*:*:*:*:*", false},
		{"Windows7UnknownSP", "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", "cpe:2.3:o:microsoft:windows_7:-:*:*:*:*:*:*:*", false},
		{"AnyVersion", "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", "cpe:2.3:a:openssl:openssl:1.0.1f:*:*:*:*:*:*:*", true},
		{"OtherProduct", "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", "cpe:2.3:a:openssl:libcrypto:1.0.1f:*:*:*:*:*:*:*", false},
		{"CaseInsensitive", "cpe:2.3:a:OpenSSL:openssl:1.0.1F:*:*:*:*:*:*:*", "cpe:2.3:a:openssl:OpenSSL:1.0.1f:*:*:*:*:*:*:*", true},
		{"TargetHW", "cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:x64:*", "cpe:2.3:o:microsoft:windows_10_1607:-:*:*:*:*:*:x86:*", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.criterion)
			if err != nil {
				t.Fatal(err)
			}
			n, err := Parse(tt.name2)
			if err != nil {
				t.Fatal(err)
			}
			if got := Match(c, n); got != tt.want {
				t.Fatalf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}
