package modeldoc

import (
	"slices"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestDiffComponents(t *testing.T) {
	c := func(name, version string) cordon.ModelComponent {
		return cordon.ModelComponent{Name: name, Version: version}
	}
	old := []cordon.ModelComponent{c("openssl", "1.0.2k"), c("zlib", "1.2.11"), c("busybox", ""), c("zlib", "1.2.11")}
	newer := []cordon.ModelComponent{c("openssl", "1.1.1w"), c("zlib", "1.2.11"), c("busybox", ""), c("sqlite", "3.45.0"), c("openssl", "1.1.1w")}
	added, dropped := diffComponents(old, newer)
	if want := []string{"openssl 1.1.1w", "sqlite 3.45.0"}; !slices.Equal(added, want) {
		t.Errorf("added = %q, want %q (in order, once each)", added, want)
	}
	if want := []string{"openssl 1.0.2k"}; !slices.Equal(dropped, want) {
		t.Errorf("dropped = %q, want %q", dropped, want)
	}
	if a, d := diffComponents(nil, nil); a != nil || d != nil {
		t.Errorf("empty lists: %q, %q", a, d)
	}
}
