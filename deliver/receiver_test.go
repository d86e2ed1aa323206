package deliver_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// receiver is a syslog listener on loopback that keeps what it reads.
type receiver struct {
	addr string
	mu   sync.Mutex
	msgs []string
	ln   io.Closer
}

func (r *receiver) add(m string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, m)
}

// wait returns the messages once there are n, failing after a while.
func (r *receiver) wait(t *testing.T, n int) []string {
	t.Helper()
	for range 500 {
		r.mu.Lock()
		got := append([]string(nil), r.msgs...)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("receiver %s got %d messages, want %d", r.addr, len(r.msgs), n)
	return nil
}

func udpReceiver(t *testing.T) *receiver {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{addr: pc.LocalAddr().String(), ln: pc}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 65536)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			r.add(string(buf[:n]))
		}
	}()
	return r
}

// streamReceiver reads octet-counted frames (RFC 6587) from each
// connection; with cfg it speaks TLS.
func streamReceiver(t *testing.T, cfg *tls.Config) *receiver {
	var ln net.Listener
	var err error
	if cfg != nil {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", cfg)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{addr: ln.Addr().String(), ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					m, err := readFrame(br)
					if err != nil {
						if err != io.EOF {
							r.add("FRAMING ERROR: " + err.Error())
						}
						return
					}
					r.add(m)
				}
			}()
		}
	}()
	return r
}

// readFrame reads "MSG-LEN SP SYSLOG-MSG".
func readFrame(br *bufio.Reader) (string, error) {
	n, err := br.ReadString(' ')
	if err != nil {
		if err == io.EOF && n == "" {
			return "", io.EOF
		}
		return "", fmt.Errorf("length: %w", err)
	}
	size, err := strconv.Atoi(strings.TrimSuffix(n, " "))
	if err != nil || size <= 0 || size > 1<<20 {
		return "", fmt.Errorf("bad length %q", n)
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(br, buf); err != nil {
		return "", err
	}
	return string(buf), nil
}

// testCert makes a self-signed certificate for 127.0.0.1 and returns the
// server's TLS configuration and the certificate as PEM.
func testCert(t *testing.T) (*tls.Config, []byte) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "syslog.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"syslog.test"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
