package auth

import (
	"regexp"
	"testing"
)

func TestNewAPIToken(t *testing.T) {
	secret, hash, prefix := NewAPIToken()
	if !regexp.MustCompile(`^cdn_[A-Za-z0-9_-]{43}$`).MatchString(secret) {
		t.Errorf("secret = %q", secret)
	}
	if hash != HashSecret(secret) || len(hash) != 64 {
		t.Errorf("hash = %q", hash)
	}
	if prefix != secret[:8] {
		t.Errorf("prefix = %q", prefix)
	}
	if s2, _, _ := NewAPIToken(); s2 == secret {
		t.Error("two tokens are equal")
	}
}

func TestHashSecret(t *testing.T) {
	// sha256sum of "abc" (FIPS 180-2 example).
	if got := HashSecret("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("HashSecret(abc) = %s", got)
	}
}

func TestIsAPIToken(t *testing.T) {
	good, _, _ := NewAPIToken()
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"OK", good, true},
		{"Empty", "", false},
		{"NoPrefix", good[4:], false},
		{"Short", good[:40], false},
		{"BadChar", good[:20] + "+" + good[21:], false},
		{"SessionSecret", NewSecret(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsAPIToken(tt.in); got != tt.want {
				t.Errorf("IsAPIToken(%q) = %v", tt.in, got)
			}
		})
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"Same", "abc", "abc", true},
		{"Different", "abc", "abd", false},
		{"Prefix", "abc", "ab", false},
		{"BothEmpty", "", "", false}, // an unset token never matches
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Equal(tt.a, tt.b); got != tt.want {
				t.Errorf("Equal(%q, %q) = %v", tt.a, tt.b, got)
			}
		})
	}
}

func TestNewSecret(t *testing.T) {
	if s := NewSecret(); len(s) != 43 || s == NewSecret() {
		t.Errorf("NewSecret = %q", s)
	}
}
