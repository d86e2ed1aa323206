package deliver

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
)

// Config is a delivery configuration file:
//
//	{
//	  "max_attempts": 12,
//	  "retention": "168h",
//	  "destinations": [
//	    {"name": "siem", "type": "syslog", "network": "tls", "address": "siem.trust.nhs.uk:6514",
//	     "ca_file": "/etc/cordon/siem-ca.pem", "facility": 16},
//	    {"name": "soar", "type": "webhook", "url": "https://soar.trust.nhs.uk/hooks/cordon",
//	     "secret_env": "CORDON_SOAR_SECRET"}
//	  ]
//	}
//
// Secrets never sit in the file: a webhook names the environment variable
// holding its secret, so the file can be kept in version control.
type Config struct {
	MaxAttempts  int           `json:"max_attempts,omitempty"` // DefaultMaxAttempts when 0
	Retention    string        `json:"retention,omitempty"`    // how long delivered entries are kept; DefaultRetention when ""
	Destinations []Destination `json:"destinations"`
}

// Destination is one receiver of alerts.
type Destination struct {
	Name string `json:"name"`
	Type string `json:"type"` // "syslog" or "webhook"
	// Syslog.
	Network    string `json:"network,omitempty"` // udp, tcp or tls
	Address    string `json:"address,omitempty"` // host:port
	Facility   *int   `json:"facility,omitempty"`
	Hostname   string `json:"hostname,omitempty"`
	SDID       string `json:"sd_id,omitempty"`
	CAFile     string `json:"ca_file,omitempty"`     // PEM roots for TLS; the system's when ""
	ServerName string `json:"server_name,omitempty"` // TLS name to verify; the address's host when ""
	// Webhook.
	URL       string `json:"url,omitempty"`
	SecretEnv string `json:"secret_env,omitempty"` // environment variable holding the HMAC secret
}

// Defaults of a configuration.
const (
	DefaultMaxAttempts = 12
	DefaultRetention   = 7 * 24 * time.Hour
	defaultFacility    = 16 // local0
	minSecretLen       = 16
)

var destName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// ParseConfig reads and checks a configuration. Errors name the
// destination and field at fault; secrets are never part of them.
func ParseConfig(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		if strings.Contains(err.Error(), `unknown field "secret"`) {
			return nil, fmt.Errorf("delivery config: a secret may not be written in the file: name its environment variable in secret_env")
		}
		return nil, fmt.Errorf("delivery config: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("delivery config: text after the JSON object")
	}
	if c.MaxAttempts < 0 || c.MaxAttempts > 100 {
		return nil, fmt.Errorf("delivery config: max_attempts must be 1 to 100, not %d", c.MaxAttempts)
	}
	if c.Retention != "" {
		d, err := time.ParseDuration(c.Retention)
		if err != nil || d < time.Hour {
			return nil, fmt.Errorf("delivery config: retention %q is not a duration of at least 1h (such as 168h)", c.Retention)
		}
	}
	seen := map[string]bool{}
	for i := range c.Destinations {
		d := &c.Destinations[i]
		if !destName.MatchString(d.Name) {
			return nil, fmt.Errorf("delivery config: destination %d: name %q must be 1 to 64 lower-case letters, digits, '.', '_' or '-'", i+1, d.Name)
		}
		if seen[d.Name] {
			return nil, fmt.Errorf("delivery config: destination %q appears twice", d.Name)
		}
		seen[d.Name] = true
		if err := d.check(); err != nil {
			return nil, fmt.Errorf("delivery config: destination %q: %w", d.Name, err)
		}
	}
	return &c, nil
}

func (d *Destination) check() error {
	switch d.Type {
	case "syslog":
		if d.URL != "" || d.SecretEnv != "" {
			return fmt.Errorf("url and secret_env are for webhooks")
		}
		switch d.Network {
		case "udp", "tcp", "tls":
		default:
			return fmt.Errorf("network must be udp, tcp or tls, not %q", d.Network)
		}
		if _, port, err := net.SplitHostPort(d.Address); err != nil || port == "" {
			return fmt.Errorf("address %q is not host:port", d.Address)
		}
		if d.Facility != nil && (*d.Facility < 0 || *d.Facility > 23) {
			return fmt.Errorf("facility must be 0 to 23, not %d", *d.Facility)
		}
		if d.SDID != "" && !validSDID(d.SDID) {
			return fmt.Errorf("sd_id %q is not an RFC 5424 SD-ID (name@number, at most 32 characters)", d.SDID)
		}
		if d.Network != "tls" && (d.CAFile != "" || d.ServerName != "") {
			return fmt.Errorf("ca_file and server_name need network tls")
		}
	case "webhook":
		if d.Network != "" || d.Address != "" || d.CAFile != "" {
			return fmt.Errorf("network, address and ca_file are for syslog")
		}
		u, err := url.Parse(d.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("url %q is not an http or https URL", d.URL)
		}
		if d.SecretEnv == "" {
			return fmt.Errorf("a webhook needs secret_env, the environment variable holding its HMAC secret")
		}
	default:
		return fmt.Errorf("type must be syslog or webhook, not %q", d.Type)
	}
	return nil
}

// LoadConfig reads the configuration file at path.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("delivery config: %w", err)
	}
	defer f.Close()
	return ParseConfig(f)
}

// RetentionPeriod returns how long delivered entries are kept.
func (c *Config) RetentionPeriod() time.Duration {
	if d, err := time.ParseDuration(c.Retention); err == nil && c.Retention != "" {
		return d
	}
	return DefaultRetention
}

// Names returns the destinations' names in file order.
func (c *Config) Names() []string {
	ns := make([]string, len(c.Destinations))
	for i, d := range c.Destinations {
		ns[i] = d.Name
	}
	return ns
}

// Senders builds a sender per destination, reading secrets with getenv
// (os.Getenv in production). A missing or short secret is an error that
// names the variable, never its value.
func (c *Config) Senders(getenv func(string) string) (map[string]Sender, error) {
	out := make(map[string]Sender, len(c.Destinations))
	for _, d := range c.Destinations {
		switch d.Type {
		case "syslog":
			s := &Syslog{Network: d.Network, Address: d.Address, Facility: defaultFacility, Hostname: d.Hostname, SDID: d.SDID}
			if d.Facility != nil {
				s.Facility = *d.Facility
			}
			if s.Hostname == "" {
				s.Hostname, _ = os.Hostname()
			}
			if d.Network == "tls" {
				cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: d.ServerName}
				if d.CAFile != "" {
					pem, err := os.ReadFile(d.CAFile)
					if err != nil {
						return nil, fmt.Errorf("destination %q: %w", d.Name, err)
					}
					cfg.RootCAs = x509.NewCertPool()
					if !cfg.RootCAs.AppendCertsFromPEM(pem) {
						return nil, fmt.Errorf("destination %q: %s holds no PEM certificate", d.Name, d.CAFile)
					}
				}
				s.TLS = cfg
			}
			out[d.Name] = s
		case "webhook":
			secret := getenv(d.SecretEnv)
			if len(secret) < minSecretLen {
				return nil, fmt.Errorf("destination %q: environment variable %s must hold a secret of at least %d characters", d.Name, d.SecretEnv, minSecretLen)
			}
			out[d.Name] = &Webhook{Name: d.Name, URL: d.URL, Secret: []byte(secret)}
		}
	}
	return out, nil
}
