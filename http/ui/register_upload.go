package ui

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/reconcile"
)

// An uploaded register waits on disk between the mapping step and the
// import, as <user ID>-<token>.csv in the import directory: the token is
// random (128 bits) and the user ID comes from the session, so that only
// the user who uploaded a file can reach it, and nothing in a form is ever
// used as a path. Files are deleted when the import is applied and by a
// sweep an hour after upload.
//
// The alternative, posting the CSV back in a hidden field, would bound a
// register by the server's 1 MiB form limit, which a large trust's EBME
// export passes, and would send the whole file at every step.
const registerUploadTTL = time.Hour

// errUploadTooLarge is a register over maxRegisterBytes.
var errUploadTooLarge = errors.New("ui: register upload too large")

// errUploadGone is the error for a token with no file behind it.
var errUploadGone = cordon.Errorf(cordon.ENOTFOUND, "The uploaded register has expired (after an hour) or was imported already. Upload it again.")

// importDir is where uploaded registers wait: Config.ImportDir, or a
// directory beside the captures (in the data directory).
func (h *Handler) importDir() string {
	if h.cfg.ImportDir != "" {
		return h.cfg.ImportDir
	}
	return filepath.Join(h.cfg.CaptureDir, "register-imports")
}

// uploadPath returns the file of a token for user u, refusing any token
// that is not what saveUpload makes.
func (h *Handler) uploadPath(u *cordon.User, token string) (string, error) {
	if len(token) != 32 || strings.Trim(token, "0123456789abcdef") != "" {
		return "", errUploadGone
	}
	return filepath.Join(h.importDir(), strconv.FormatInt(u.ID, 10)+"-"+token+".csv"), nil
}

// saveUpload stores r (at most maxRegisterBytes) for user u and returns its
// token.
func (h *Handler) saveUpload(u *cordon.User, r io.Reader) (string, error) {
	if err := os.MkdirAll(h.importDir(), 0o700); err != nil {
		return "", fmt.Errorf("ui: save register upload: %w", err)
	}
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	token := hex.EncodeToString(b[:])
	path, err := h.uploadPath(u, token)
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("ui: save register upload: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(r, maxRegisterBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
	case n > maxRegisterBytes:
		err = errUploadTooLarge
	case n == 0:
		err = cordon.Errorf(cordon.EINVALID, "The uploaded register is empty.")
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return token, nil
}

// openUpload opens a stored upload of user u.
func (h *Handler) openUpload(u *cordon.User, token string) (*os.File, error) {
	path, err := h.uploadPath(u, token)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errUploadGone
	} else if err != nil {
		return nil, fmt.Errorf("ui: open register upload: %w", err)
	}
	// The sweep may not have run since the file expired.
	if st, err := f.Stat(); err == nil && time.Since(st.ModTime()) > registerUploadTTL {
		f.Close()
		os.Remove(path)
		return nil, errUploadGone
	}
	return f, nil
}

// readUpload reads a stored upload's headers, first rows and suggested
// mapping.
func (h *Handler) readUpload(u *cordon.User, token string) ([]string, [][]string, reconcile.Mapping, error) {
	f, err := h.openUpload(u, token)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	return reconcile.Headers(f, registerPreviewRows)
}

func (h *Handler) removeUpload(u *cordon.User, token string) {
	if path, err := h.uploadPath(u, token); err == nil {
		os.Remove(path)
	}
}

// sweepUploads deletes uploads older than registerUploadTTL: ones whose
// import was never applied. File times are the real clock's, so the sweep
// uses it rather than the injected one.
func (h *Handler) sweepUploads() {
	entries, err := os.ReadDir(h.importDir())
	if err != nil {
		return // no directory yet: nothing to sweep
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".csv") {
			continue
		}
		if time.Since(info.ModTime()) > registerUploadTTL {
			os.Remove(filepath.Join(h.importDir(), e.Name()))
		}
	}
}
