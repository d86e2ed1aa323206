package spool

import (
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func TestNewShipper_Config(t *testing.T) {
	d := MustOpen(t, t.TempDir(), Options{})
	for _, tt := range []struct {
		Name, Server, Token string
		WantField           string
		WantEndpoint        string
	}{
		{"OK", "https://cordon.example.org", testToken, "", "https://cordon.example.org/api/v1/sensor/batches"},
		{"OKPath", "https://example.org/cordon/", testToken, "", "https://example.org/cordon/api/v1/sensor/batches"},
		{"OKHTTP", "http://127.0.0.1:8080", testToken, "", "http://127.0.0.1:8080/api/v1/sensor/batches"},
		{"ErrEmpty", "", testToken, "server", ""},
		{"ErrScheme", "ftp://example.org", testToken, "server", ""},
		{"ErrNoScheme", "cordon.example.org", testToken, "server", ""},
		{"ErrNoHost", "https:///x", testToken, "server", ""},
		{"ErrQuery", "https://example.org/?a=b", testToken, "server", ""},
		{"ErrEmptyQuery", "https://example.org/?", testToken, "server", ""},
		{"ErrFragment", "https://example.org/#top", testToken, "server", ""},
		{"ErrUserinfo", "https://u:hunter2@example.org", testToken, "server", ""},
		{"ErrNoToken", "https://example.org", "", "token", ""},
		{"ErrTokenNewline", "https://example.org", testToken + "\n", "token", ""},
		{"ErrTokenSpace", "https://example.org", "a b", "token", ""},
	} {
		t.Run(tt.Name, func(t *testing.T) {
			s, err := NewShipper(d, Config{Server: tt.Server, Token: tt.Token})
			if tt.WantField == "" {
				if err != nil {
					t.Fatalf("NewShipper: %v", err)
				}
				if s.endpoint != tt.WantEndpoint {
					t.Errorf("endpoint %q, want %q", s.endpoint, tt.WantEndpoint)
				}
				return
			}
			if cordon.ErrorCode(err) != cordon.EINVALID || cordon.ErrorField(err) != tt.WantField {
				t.Fatalf("NewShipper: %v, want EINVALID on %s", err, tt.WantField)
			}
			for _, secret := range []string{"hunter2", testToken} {
				if strings.Contains(cordon.ErrorMessage(err), secret) {
					t.Errorf("message %q quotes a secret", cordon.ErrorMessage(err))
				}
			}
		})
	}
	if _, err := NewShipper(d, Config{Server: "https://example.org", Token: testToken, MinBackoff: time.Minute, MaxBackoff: time.Second}); cordon.ErrorCode(err) != cordon.EINVALID {
		t.Errorf("MaxBackoff below MinBackoff: %v, want EINVALID", err)
	}
}
