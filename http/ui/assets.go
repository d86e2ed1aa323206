package ui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"time"
)

//go:embed assets
var assetFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

// asset is one embedded file with the short hash of its content, which is
// part of its URL: a changed file gets a new URL, so browsers may cache each
// URL forever.
type asset struct {
	name, hash, ctype string
	data              []byte
}

// assetSet holds every embedded asset by name.
type assetSet struct {
	byName map[string]*asset
}

// loadAssets reads and hashes the embedded assets once, at start.
func loadAssets() (*assetSet, error) {
	s := &assetSet{byName: map[string]*asset{}}
	err := fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		name := path.Base(p)
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		s.byName[name] = &asset{name: name, hash: hex.EncodeToString(sum[:6]), ctype: ctype, data: data}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ui: load assets: %w", err)
	}
	return s, nil
}

// path returns the URL of the named asset, or "" if there is none.
func (s *assetSet) path(name string) string {
	a, ok := s.byName[name]
	if !ok {
		return ""
	}
	return "/assets/" + a.hash + "/" + url.PathEscape(a.name)
}

// handleAsset serves GET /assets/{hash}/{name}. A request for an older hash
// (a page rendered before an upgrade) still gets the current file, but one
// that may not be cached, so the stale URL does not pin the new content.
func (h *Handler) handleAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := h.assets.byName[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.PathValue("hash") == a.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.data))
}
