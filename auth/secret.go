package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// TokenPrefix starts every API token, so that a leaked one is recognisable
// (secret scanners, logs) and cannot be mistaken for a session cookie.
const TokenPrefix = "cdn_"

// PrefixLen is the number of leading characters of an API token kept in the
// clear (Token.Prefix) to recognise it in lists.
const PrefixLen = 8

// secretBytes is the entropy of every secret: 256 bits.
const secretBytes = 32

// NewSecret returns 32 random bytes as unpadded base64url (43 characters):
// a session cookie value or a CSRF token.
func NewSecret() string {
	b := make([]byte, secretBytes)
	rand.Read(b) // never fails: crypto/rand crashes the program rather than return short
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewAPIToken returns a new API token secret ("cdn_" and 43 base64url
// characters), the SHA-256 hex that the store keeps instead of it, and its
// prefix for display.
func NewAPIToken() (secret, hash, prefix string) {
	secret = TokenPrefix + NewSecret()
	return secret, HashSecret(secret), secret[:PrefixLen]
}

// HashSecret returns the lower-case SHA-256 hex of a secret. Secrets are
// random with 256 bits of entropy, so a fast unsalted hash is enough: it
// only keeps a stolen database from holding usable credentials.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// IsAPIToken reports whether s has the shape of an API token, so that an
// obviously wrong value is refused without a store look-up.
func IsAPIToken(s string) bool {
	if !strings.HasPrefix(s, TokenPrefix) || len(s) != len(TokenPrefix)+43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s[len(TokenPrefix):])
	return err == nil
}

// Equal compares two secrets in constant time (for their common length), so
// that a CSRF token check does not leak how many leading bytes matched.
func Equal(a, b string) bool {
	return len(a) > 0 && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
