package auth

import (
	"strings"
	"testing"
)

// fastParams keep tests quick; they are below DefaultParams on purpose, so
// verifying with them also reports that a rehash is needed.
var fastParams = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash = %q, want PHC argon2id with OWASP parameters", h)
	}
	h2, _ := HashPassword("correct horse battery staple")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	ok, rehash, err := VerifyPassword(h, "correct horse battery staple")
	if !ok || rehash || err != nil {
		t.Fatalf("VerifyPassword = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

func TestVerifyPassword(t *testing.T) {
	weak, err := HashPasswordParams("s3cret-password", fastParams)
	if err != nil {
		t.Fatal(err)
	}
	// A hash from another implementation (the argon2 reference CLI:
	// echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 24 -e,
	// Debian package argon2 0~20171227).
	const reference = "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$F1jG2CV3/Nr+yRuIsPKw0J9r4s7cJHBU"
	tests := []struct {
		name       string
		hash, pass string
		ok, rehash bool
		wantErr    bool
	}{
		{"OK", weak, "s3cret-password", true, true, false},
		{"WrongPassword", weak, "s3cret-passwore", false, false, false},
		{"Empty", weak, "", false, false, false},
		{"TooLong", weak, strings.Repeat("a", MaxPasswordLen+1), false, false, false},
		{"Reference", reference, "password", true, true, false},
		{"ReferenceWrong", reference, "Password", false, false, false},
		{"ErrEmptyHash", "", "x", false, false, true},
		{"ErrBcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "x", false, false, true},
		{"ErrArgon2i", strings.Replace(weak, "argon2id", "argon2i", 1), "s3cret-password", false, false, true},
		{"ErrVersion", strings.Replace(weak, "v=19", "v=16", 1), "s3cret-password", false, false, true},
		{"ErrMissingParam", strings.Replace(weak, ",p=1", "", 1), "s3cret-password", false, false, true},
		{"ErrRepeatedParam", strings.Replace(weak, "t=1", "t=1,t=2", 1), "s3cret-password", false, false, true},
		{"ErrUnknownParam", strings.Replace(weak, "t=1", "t=1,x=2", 1), "s3cret-password", false, false, true},
		{"ErrZeroTime", strings.Replace(weak, "t=1", "t=0", 1), "s3cret-password", false, false, true},
		{"ErrHugeMemory", strings.Replace(weak, "m=64", "m=4000000000", 1), "s3cret-password", false, false, true},
		{"ErrBadSalt", "$argon2id$v=19$m=64,t=1,p=1$!!!$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8", "x", false, false, true},
		{"ErrShortKey", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$CTFh", "x", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword(tt.hash, tt.pass)
			if ok != tt.ok || rehash != tt.rehash || (err != nil) != tt.wantErr {
				t.Errorf("VerifyPassword = %v, %v, %v; want %v, %v, err %v", ok, rehash, err, tt.ok, tt.rehash, tt.wantErr)
			}
		})
	}
}

func TestHashPasswordRefuses(t *testing.T) {
	if _, err := HashPassword(strings.Repeat("x", MaxPasswordLen+1)); err == nil {
		t.Error("over-long password hashed")
	}
	if _, err := HashPasswordParams("x", Params{Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}); err == nil {
		t.Error("zero time cost accepted")
	}
}

func TestDummyVerify(t *testing.T) {
	DummyVerify("anything") // must not panic, twice (the hash is made once)
	DummyVerify("")
}

func FuzzVerifyPassword(f *testing.F) {
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8", "password")
	f.Add("$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8", "password")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$$", "")
	f.Fuzz(func(t *testing.T, hash, pass string) {
		p, _, _, err := parseHash(hash)
		if err != nil {
			return
		}
		// Keep fuzzing fast: verify only hashes whose cost is small.
		if p.Memory > 1024 || p.Time > 2 {
			return
		}
		ok, _, err := VerifyPassword(hash, pass)
		if err != nil || (ok && len(pass) > MaxPasswordLen) {
			t.Fatalf("VerifyPassword(%q) = %v, %v", hash, ok, err)
		}
	})
}
