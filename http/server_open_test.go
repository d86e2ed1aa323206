package http

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeCert writes a self-signed certificate for 127.0.0.1 and its key.
func writeCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "cordon test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	kb, err := x509.MarshalECPrivateKey(key)
	must(t, err)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	must(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	must(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600))
	cert, err := x509.ParseCertificate(der)
	must(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestTLS(t *testing.T) {
	certFile, keyFile, pool := writeCert(t)
	e := MustOpenEnv(t, func(s *Server) { s.TLSCert, s.TLSKey = certFile, keyFile })
	if !strings.HasPrefix(e.s.URL(), "https://127.0.0.1:") {
		t.Fatalf("URL = %s", e.s.URL())
	}
	client := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.PostForm(e.s.URL()+"/login", url.Values{"name": {"viewer1"}, "password": {testPassword}})
	must(t, err)
	defer resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	if got := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("HSTS = %q", got)
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 || cookies[0].Name != "__Host-cordon_session" || !cookies[0].Secure || !cookies[0].HttpOnly || cookies[0].Path != "/" {
		t.Errorf("cookie = %+v", cookies)
	}
	// Plain HTTP to the TLS port gets no service.
	plain, err := http.Get("http://" + strings.TrimPrefix(e.s.URL(), "https://") + "/healthz")
	if err == nil {
		defer plain.Body.Close()
		if plain.StatusCode == 200 {
			t.Error("plain HTTP served")
		}
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name      string
		configure func(*Server)
		want      string
	}{
		{"NoServices", func(s *Server) { s.DeviceService = nil }, "every service"},
		{"NoCaptureDir", func(s *Server) { s.CaptureDir = "" }, "capture directory"},
		{"BadCert", func(s *Server) { s.TLSCert, s.TLSKey = "/nonexistent.pem", "/nonexistent.key" }, "nonexistent"},
		{"BadAddr", func(s *Server) { s.Addr = "256.0.0.1:0" }, "http: open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := MustOpenEnv(t, nil)
			s := NewServer()
			s.DeviceService, s.CaptureService, s.UserService, s.AuditService = e.s.DeviceService, e.s.CaptureService, e.s.UserService, e.s.AuditService
			s.CaptureDir, s.Addr = t.TempDir(), "127.0.0.1:0"
			tt.configure(s)
			err := s.Open()
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// fakeUI stands for package http/ui: pages on the same mux.
type fakeUI struct{}

func (fakeUI) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("dashboard")) })
	mux.HandleFunc("POST /devices/{id}", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("saved " + r.PostFormValue("ward"))) })
}

func (fakeUI) AssetPath(name string) string { return "/assets/abc123/" + name }

func TestUISlot(t *testing.T) {
	e := MustOpenEnv(t, func(s *Server) { s.UI = fakeUI{} })
	s := e.login("analyst1")
	resp := e.do(s, req{method: "GET", path: "/"})
	if b, _ := io.ReadAll(resp.Body); string(b) != "dashboard" {
		t.Errorf("home = %q", b)
	}
	// The UI's forms are CSRF-checked by the server like its own.
	noToken := s
	noToken.csrf = ""
	if resp := e.do(noToken, formReq("/devices/1", url.Values{"ward": {"ICU"}})); resp.StatusCode != 403 {
		t.Errorf("UI form without token: %d", resp.StatusCode)
	}
	resp = e.do(noToken, formReq("/devices/1", url.Values{"ward": {"ICU"}, "csrf": {s.csrf}}))
	if b, _ := io.ReadAll(resp.Body); string(b) != "saved ICU" {
		t.Errorf("UI form with token: %d %q", resp.StatusCode, b)
	}
	if got := resp.Header.Get("Content-Security-Policy"); got != contentSecurityPolicy {
		t.Errorf("UI page CSP = %q", got)
	}
	resp = e.do(anonymous, req{method: "GET", path: "/login"})
	if b, _ := io.ReadAll(resp.Body); !strings.Contains(string(b), `<link rel="stylesheet" href="/assets/abc123/cordon.css">`) {
		t.Errorf("login page does not use the UI's stylesheet")
	}
}
