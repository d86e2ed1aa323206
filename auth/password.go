// Package auth holds the pure pieces of Cordon's access control: password
// hashing with argon2id, random secrets for sessions, CSRF and API tokens,
// and a login throttle. It knows nothing of HTTP or storage, so each piece is
// tested on its own and the HTTP layer only wires them together.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams follow the OWASP password storage recommendation for
// argon2id (m=19 MiB, t=2, p=1), which costs about 20-40 ms on a server core:
// slow for an attacker with a stolen database, quick enough for a sign-in.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// MaxPasswordLen bounds the password accepted for hashing, so that a huge
// input cannot be used to burn CPU.
const MaxPasswordLen = 1024

// Limits on parameters read back from a stored hash: a corrupted or hostile
// hash string must not make verification allocate gigabytes.
const (
	maxMemory  = 1 << 20 // 1 GiB in KiB
	maxTime    = 16
	maxKeyLen  = 128
	maxSaltLen = 128
)

// ErrMalformedHash is returned when a stored hash is not an argon2id PHC
// string this package can verify.
var ErrMalformedHash = errors.New("auth: malformed password hash")

var b64 = base64.RawStdEncoding

// HashPassword hashes password with DefaultParams and returns it in PHC
// string format: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPassword(password string) (string, error) {
	return HashPasswordParams(password, DefaultParams)
}

// HashPasswordParams hashes password with the given parameters.
func HashPasswordParams(password string, p Params) (string, error) {
	if len(password) > MaxPasswordLen {
		return "", fmt.Errorf("auth: hash password: longer than %d bytes", MaxPasswordLen)
	}
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.SaltLen < 8 || p.KeyLen < 16 {
		return "", fmt.Errorf("auth: hash password: weak parameters %+v", p)
	}
	salt := make([]byte, p.SaltLen)
	rand.Read(salt) // never fails: crypto/rand crashes the program rather than return short
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches the PHC-format hash, and
// whether the hash should be recomputed because it was made with parameters
// other than DefaultParams (raised costs after an upgrade, say). The
// comparison takes constant time. A hash that cannot be parsed is an error,
// never a match.
func VerifyPassword(hash, password string) (ok, rehash bool, err error) {
	p, salt, want, err := parseHash(hash)
	if err != nil {
		return false, false, err
	}
	if len(password) > MaxPasswordLen {
		return false, false, nil
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	rehash = p.Memory != DefaultParams.Memory || p.Time != DefaultParams.Time ||
		p.Threads != DefaultParams.Threads || uint32(len(salt)) != DefaultParams.SaltLen ||
		uint32(len(want)) != DefaultParams.KeyLen
	return true, rehash, nil
}

var dummy struct {
	once sync.Once
	hash string
}

// DummyVerify spends the time of one VerifyPassword against a throw-away
// hash. Sign-in calls it for unknown or disabled users so that response time
// does not reveal which user names exist.
func DummyVerify(password string) {
	dummy.once.Do(func() {
		dummy.hash, _ = HashPassword("cordon-dummy-password")
	})
	_, _, _ = VerifyPassword(dummy.hash, password)
}

// parseHash splits "$argon2id$v=19$m=..,t=..,p=..$salt$hash".
func parseHash(s string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, ErrMalformedHash
	}
	seen := 0
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, found := strings.Cut(kv, "=")
		if !found {
			return p, nil, nil, ErrMalformedHash
		}
		n, perr := strconv.ParseUint(v, 10, 32)
		if perr != nil || n == 0 {
			return p, nil, nil, ErrMalformedHash
		}
		bit := map[string]int{"m": 1, "t": 2, "p": 4}[k]
		if bit == 0 || seen&bit != 0 {
			return p, nil, nil, ErrMalformedHash // unknown or repeated
		}
		seen |= bit
		switch k {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return p, nil, nil, ErrMalformedHash
			}
			p.Threads = uint8(n)
		}
	}
	if seen != 7 || p.Memory > maxMemory || p.Time > maxTime || p.Memory < 8*uint32(p.Threads) {
		return p, nil, nil, ErrMalformedHash
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 || len(salt) > maxSaltLen {
		return p, nil, nil, ErrMalformedHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > maxKeyLen {
		return p, nil, nil, ErrMalformedHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
