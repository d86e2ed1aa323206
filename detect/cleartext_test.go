package detect

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sensor"
	"github.com/cordonsec/cordon/sensor/decode"
	"github.com/cordonsec/cordon/sensor/proto"
)

func TestCleartextPassword(t *testing.T) {
	ct, prn := ep(1, "10.30.1.11", 80), ep(4, "10.40.1.30", 80)
	obs := func(e cordon.Endpoint, values ...string) []cordon.Observation {
		var out []cordon.Observation
		for i, v := range values {
			out = append(out, cordon.Observation{MAC: e.MAC, IP: e.IP, Fact: "http.cleartext_password", Value: v,
				Time: t0.Add(time.Duration(i) * time.Minute)})
		}
		return out
	}
	cases := []struct {
		name     string
		obs      []cordon.Observation
		device   cordon.MAC // zero: no http-password alert expected
		sev      string
		title    string
		evidence []string
	}{
		{name: "BasicOnMedical", obs: obs(ct, "basic"), device: mac(1), sev: cordon.AlertHigh,
			title:    "Takes passwords over unencrypted HTTP (Basic authentication)",
			evidence: []string{cleartextPasswords["basic"].evidence}},
		{name: "FormOnPrinter", obs: obs(prn, "form", "form"), device: mac(4), sev: cordon.AlertMedium,
			title:    "Takes passwords over unencrypted HTTP (a login form)",
			evidence: []string{cleartextPasswords["form"].evidence}},
		{name: "Both", obs: obs(ct, "form", "basic"), device: mac(1), sev: cordon.AlertHigh,
			title:    "Takes passwords over unencrypted HTTP (Basic authentication and a login form)",
			evidence: []string{cleartextPasswords["form"].evidence, cleartextPasswords["basic"].evidence}},
		// A value no dissector emits is never shown.
		{name: "ErrUnknownValue", obs: obs(ct, "admin:Kx9-secret")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := New(&nopSink{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range c.obs {
				d.Observe(o)
			}
			var got []Alert
			for _, a := range d.Finish(devices) {
				if a.Kind == KindCleartextManagement && a.Subject == "http-password" {
					got = append(got, a)
				}
			}
			if c.device.IsZero() {
				if len(got) != 0 {
					t.Fatalf("unexpected %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d http-password alerts: %+v", len(got), got)
			}
			a := got[0]
			if a.Device != c.device || a.Severity != c.sev || a.Title != c.title || a.Count != len(c.obs) ||
				strings.Join(a.Evidence, "|") != strings.Join(c.evidence, "|") {
				t.Fatalf("got %+v", a)
			}
		})
	}
}

// TestCleartextPasswordFromTraffic runs a browser's session with a
// monitor's web interface through the real sensor and HTTP dissector:
// the login page, then, on the same kept-alive connection, a login with the
// user's own password. The monitor is told to take passwords in the clear;
// no default credential is claimed, and nothing typed reaches an alert.
func TestCleartextPasswordFromTraffic(t *testing.T) {
	const (
		user = "biomed7"
		pass = "Kx9-long-local-secret"
		page = "<html><head><title>Monitor</title></head><body><form></form></body></html>"
	)
	body := "username=" + user + "&password=" + pass
	client := []string{
		"GET /index.html HTTP/1.1\r\nHost: 10.30.1.11\r\nUser-Agent: Mozilla/5.0\r\n\r\n",
		"POST /goform/formLogin HTTP/1.1\r\nHost: 10.30.1.11\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n",
		body,
	}
	server := []string{
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + strconv.Itoa(len(page)) + "\r\n\r\n" + page,
		"HTTP/1.1 302 Redirect\r\nLocation: /home.html\r\nContent-Length: 0\r\n\r\n",
	}
	ws, mon := ep(2, "10.40.1.20", 50000), ep(1, "10.30.1.11", 80)
	pkt := func(fromClient bool, flags uint8, seq uint32, payload string) *decode.Packet {
		p := &decode.Packet{HasMAC: true, IPVersion: 4, Proto: decode.ProtoTCP, TTL: 64, TCPFlags: flags, Seq: seq,
			Payload: []byte(payload), IPLen: 40 + len(payload)}
		src, dst := ws, mon
		if !fromClient {
			src, dst = mon, ws
		}
		p.SrcMAC, p.DstMAC, p.SrcIP, p.DstIP, p.SrcPort, p.DstPort = src.MAC, dst.MAC, src.IP, dst.IP, src.Port, dst.Port
		return p
	}
	cseq, sseq := uint32(1000), uint32(9000)
	packets := []*decode.Packet{
		pkt(true, decode.TCPSyn, cseq, ""),
		pkt(false, decode.TCPSyn|decode.TCPAck, sseq, ""),
	}
	cseq, sseq = cseq+1, sseq+1
	send := func(fromClient bool, payload string) {
		if fromClient {
			packets = append(packets, pkt(true, decode.TCPAck|decode.TCPPsh, cseq, payload))
			cseq += uint32(len(payload))
		} else {
			packets = append(packets, pkt(false, decode.TCPAck|decode.TCPPsh, sseq, payload))
			sseq += uint32(len(payload))
		}
	}
	send(true, client[0])
	send(false, server[0])
	send(true, client[1])
	send(true, client[2])
	send(false, server[1])

	d, err := New(&nopSink{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := sensor.New(sensor.Config{Streams: proto.Streams()}, d)
	for i, p := range packets {
		// Seconds apart: a person reads the page before logging in.
		s.Packet(t0.Add(time.Duration(i)*time.Second), p)
	}
	s.Flush()
	alerts := d.Finish(devices)
	var found *Alert
	for i, a := range alerts {
		if a.Kind == KindDefaultCredentials {
			t.Errorf("default credential claimed for a password of the user's own: %+v", a)
		}
		if a.Kind == KindCleartextManagement && a.Subject == "http-password" {
			found = &alerts[i]
		}
	}
	if found == nil {
		t.Fatalf("no http-password alert in %+v", alerts)
	}
	if found.Device != mac(1) || found.Severity != cordon.AlertHigh ||
		found.Title != "Takes passwords over unencrypted HTTP (a login form)" {
		t.Errorf("got %+v", *found)
	}
	out, err := json.Marshal(alerts)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{pass, user, "formLogin"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("alerts hold %q: %s", secret, out)
		}
	}
}
