package main

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/cordonsec/cordon/feeds"
)

// demoIntel is a small excerpt of real public records (demodata/PROVENANCE.txt)
// that touches the simulated hospital, so that the demo shows findings.
//
//go:embed demodata/*.gz demodata/*.md
var demoIntel embed.FS

// importDemoIntel loads the demo's records through the same path as
// `cordon feeds import` and returns how many files it imported.
func importDemoIntel(ctx context.Context, st *store) (int, error) {
	names, err := fs.Glob(demoIntel, "demodata/*")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, name := range names {
		if !strings.HasSuffix(name, ".gz") && !strings.HasSuffix(name, ".md") {
			continue
		}
		f, err := demoIntel.Open(name)
		if err != nil {
			return n, err
		}
		_, err = feeds.Import(ctx, st.intel, path.Base(name), f, "demo")
		f.Close()
		switch {
		case errors.Is(err, feeds.ErrAlreadyImported):
		case err != nil:
			return n, err
		default:
			n++
		}
	}
	return n, nil
}
