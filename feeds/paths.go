package feeds

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cordonsec/cordon"
)

// Result is the outcome of importing one file or download.
type Result struct {
	Name string // the path or URL
	// Import is the import recorded, or the earlier one when Unchanged;
	// nil when Err is set.
	Import    *cordon.FeedImport
	Unchanged bool  // the same bytes were imported before
	Err       error // the file could not be imported; nothing of it was kept
}

// sidecars are files that sit beside feed files in providers' directories
// (CSAF's checksums and signatures) and are not feeds themselves.
var sidecars = []string{".sha256", ".sha512", ".md5", ".asc", ".sig", ".sign"}

// ImportPaths imports files and the files under directories (recursively,
// in lexical order, leaving out hidden files and directories, checksum or
// signature sidecars and README, LICENSE and COPYING files), each as its own import, calling each with every
// file's result as it finishes. A file that fails does not stop the
// others; only a cancelled ctx does, and then ImportPaths returns its error.
func ImportPaths(ctx context.Context, svc cordon.IntelService, paths []string, by string, each func(Result)) error {
	for _, p := range paths {
		files, err := expand(p)
		if err != nil {
			each(Result{Name: p, Err: err})
			continue
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			each(importFile(ctx, svc, f, by))
		}
	}
	return ctx.Err()
}

// importFile imports the file at path.
func importFile(ctx context.Context, svc cordon.IntelService, path, by string) Result {
	f, err := os.Open(path)
	if err != nil {
		return Result{Name: path, Err: cordon.Errorf(cordon.EINVALID, "Cannot read %s: %v.", path, unwrapPathError(err))}
	}
	defer f.Close()
	imp, err := Import(ctx, svc, path, f, by)
	if errors.Is(err, ErrAlreadyImported) {
		return Result{Name: path, Import: imp, Unchanged: true}
	}
	return Result{Name: path, Import: imp, Err: err}
}

// expand returns path itself for a file and the feed files under it for a
// directory.
func expand(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, cordon.Errorf(cordon.EINVALID, "Cannot read %s: %v.", path, unwrapPathError(err))
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		hidden := p != path && strings.HasPrefix(d.Name(), ".")
		switch {
		case d.IsDir() && hidden:
			return filepath.SkipDir
		case d.IsDir(), hidden, !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0:
			return nil
		}
		if isDocument(d.Name()) {
			return nil
		}
		for _, s := range sidecars {
			if strings.HasSuffix(strings.ToLower(d.Name()), s) {
				return nil
			}
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return nil, cordon.Errorf(cordon.EINVALID, "Cannot read the directory %s: %v.", path, unwrapPathError(err))
	}
	if len(files) == 0 {
		return nil, cordon.Errorf(cordon.EINVALID, "The directory %s holds no feed files.", path)
	}
	return files, nil
}

// unwrapPathError drops the path from an *fs.PathError, since the
// messages name the file already.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// isDocument reports whether a file beside feed files is its
// documentation or licence (the data directories carry them).
func isDocument(name string) bool {
	n := strings.ToUpper(name)
	return strings.HasPrefix(n, "README") || strings.HasPrefix(n, "LICENSE") || strings.HasPrefix(n, "COPYING")
}
