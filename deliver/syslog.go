package deliver

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/cordonsec/cordon"
)

// maxUDPMessage bounds a message sent over UDP: RFC 5426 asks receivers to
// take 480 bytes over IPv4 and recommends 2048; longer evidence is cut.
const maxUDPMessage = 2048

// Syslog sends alerts to a syslog receiver. Over TCP and TLS the
// connection is kept and reopened after an error; each message is framed
// by octet counting (RFC 6587 section 3.4.1), so a message may hold any
// byte.
type Syslog struct {
	Network  string // "udp", "tcp" or "tls"
	Address  string // host:port
	Facility int    // 0 to 23; local0 is 16
	Hostname string // HOSTNAME field; "-" when empty
	SDID     string // structured data ID; DefaultSDID when empty
	TLS      *tls.Config
	Timeout  time.Duration // per dial and write; 10 s when 0
	Now      func() time.Time

	mu   sync.Mutex
	conn net.Conn
}

// Send delivers one alert.
func (s *Syslog) Send(ctx context.Context, a *cordon.Alert) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	sdid := s.SDID
	if sdid == "" {
		sdid = DefaultSDID
	}
	msg := Message(a, s.Facility, s.Hostname, sdid, now())
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		c, err := s.dial(ctx, timeout)
		if err != nil {
			return err
		}
		s.conn = c
	}
	var frame []byte
	if s.Network == "udp" {
		frame = []byte(msg[:min(len(msg), maxUDPMessage)])
	} else {
		frame = append(strconv.AppendInt(nil, int64(len(msg)), 10), ' ')
		frame = append(frame, msg...)
	}
	s.conn.SetWriteDeadline(time.Now().Add(timeout))
	if _, err := s.conn.Write(frame); err != nil {
		s.conn.Close()
		s.conn = nil
		return fmt.Errorf("syslog %s %s: %w", s.Network, s.Address, err)
	}
	return nil
}

func (s *Syslog) dial(ctx context.Context, timeout time.Duration) (net.Conn, error) {
	d := &net.Dialer{Timeout: timeout}
	switch s.Network {
	case "udp", "tcp":
		c, err := d.DialContext(ctx, s.Network, s.Address)
		if err != nil {
			return nil, fmt.Errorf("syslog %s: %w", s.Network, err)
		}
		return c, nil
	case "tls":
		td := &tls.Dialer{NetDialer: d, Config: s.TLS}
		c, err := td.DialContext(ctx, "tcp", s.Address)
		if err != nil {
			return nil, fmt.Errorf("syslog tls: %w", err)
		}
		return c, nil
	}
	return nil, fmt.Errorf("syslog: unknown network %q", s.Network)
}

// Close closes the connection, if any.
func (s *Syslog) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}
