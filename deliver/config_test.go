package deliver

import (
	"strings"
	"testing"
)

func TestParseConfigErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"destinations": [{"name": "a", "type": "webhook", "url": "https://x/", "secret": "s3cr3t-value"}]}`, "secret_env"},
		{`{"destinations": [{"name": "A b", "type": "syslog"}]}`, `destination 1: name "A b"`},
		{`{"destinations": [{"name": "a", "type": "syslog", "network": "udp", "address": "h:514"}, {"name": "a", "type": "syslog", "network": "udp", "address": "h:514"}]}`, `"a" appears twice`},
		{`{"destinations": [{"name": "a", "type": "syslog", "network": "sctp", "address": "h:514"}]}`, `destination "a": network must be`},
		{`{"destinations": [{"name": "a", "type": "syslog", "network": "tcp", "address": "h"}]}`, `address "h" is not host:port`},
		{`{"destinations": [{"name": "a", "type": "syslog", "network": "tcp", "address": "h:1", "facility": 24}]}`, "facility must be 0 to 23"},
		{`{"destinations": [{"name": "a", "type": "syslog", "network": "tcp", "address": "h:1", "sd_id": "a b"}]}`, "sd_id"},
		{`{"destinations": [{"name": "a", "type": "webhook", "url": "ftp://x/", "secret_env": "S"}]}`, "not an http or https URL"},
		{`{"destinations": [{"name": "a", "type": "webhook", "url": "https://x/"}]}`, "needs secret_env"},
		{`{"destinations": [{"name": "a", "type": "pager"}]}`, "type must be syslog or webhook"},
		{`{"retention": "5m", "destinations": []}`, "retention"},
		{`{"max_attempts": -1}`, "max_attempts"},
		{`{} {}`, "text after"},
		{`{"destinations": 3}`, "delivery config"},
	} {
		_, err := ParseConfig(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseConfig(%s) = %v, want an error with %q", tt.in, err, tt.want)
		}
	}
}

func TestSendersSecrets(t *testing.T) {
	c, err := ParseConfig(strings.NewReader(`{"destinations": [{"name": "h", "type": "webhook", "url": "https://x/", "secret_env": "HOOK"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Senders(func(string) string { return "short-secret" })
	if err == nil || !strings.Contains(err.Error(), "HOOK") || strings.Contains(err.Error(), "short-secret") {
		t.Errorf("short secret error = %v, want the variable named and the value not", err)
	}
	s, err := c.Senders(func(k string) string { return map[string]string{"HOOK": "a long enough secret"}[k] })
	if err != nil || string(s["h"].(*Webhook).Secret) != "a long enough secret" {
		t.Errorf("senders = %v, %v", s, err)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add(`{"destinations": [{"name": "siem", "type": "syslog", "network": "tls", "address": "h:6514", "facility": 16}]}`)
	f.Add(`{"max_attempts": 3, "retention": "48h", "destinations": [{"name": "h", "type": "webhook", "url": "https://x/", "secret_env": "S"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ParseConfig(strings.NewReader(in))
		if err != nil {
			return
		}
		// A configuration that parses builds its senders without panic,
		// and every name is one the outbox accepts.
		for _, n := range c.Names() {
			if n == "" || len(n) > 64 {
				t.Fatalf("accepted name %q", n)
			}
		}
		if c.RetentionPeriod() <= 0 {
			t.Fatalf("retention %v", c.RetentionPeriod())
		}
		c.Senders(func(string) string { return "0123456789abcdef" })
	})
}
