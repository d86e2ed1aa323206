package lifecycle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

// sharedData returns the shared data directory: the parent of the repository
// root (the directory holding go.mod) + /shared/data.
func sharedData(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared", "data")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root not found")
		}
		dir = parent
	}
}

// loadCorpus parses every shared endoflife.date page, or skips.
func loadCorpus(t testing.TB) map[string]Product {
	t.Helper()
	dir := filepath.Join(sharedData(t), "endoflife", "products")
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(files) == 0 {
		t.Skipf("shared endoflife.date pages not available in %s", dir)
	}
	out := make(map[string]Product, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".md")
		p, err := ParseEndOfLife(name, data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		out[name] = p
	}
	return out
}

func TestCorpus(t *testing.T) {
	products := loadCorpus(t)
	if len(products) != 464 {
		t.Errorf("%d products parsed, want 464", len(products))
	}
	var all []cordon.Lifecycle
	for _, p := range products {
		if len(p.Releases) == 0 {
			t.Errorf("%s: no releases", p.Name)
		}
		all = append(all, p.Releases...)
	}
	t.Logf("%d release cycles", len(all))
}
