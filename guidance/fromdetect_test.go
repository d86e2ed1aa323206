package guidance

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/cordonsec/cordon/detect"
)

// The guidance checks judge traffic by the detections' allow-lists: their
// addresses and prefixes, not the names conversations cannot show.
func TestFromDetect(t *testing.T) {
	c, err := detect.ParseConfig([]byte(`{
		"internet": [{"match": "manufacturer:GE HealthCare", "hosts": ["*.insite.ge.com", "203.0.113.0/24"]},
		             {"match": "*", "hosts": ["198.51.100.7"]}],
		"file_servers": ["10.20.5.7"], "jump_hosts": ["10.1.160.0/28"]}`))
	if err != nil {
		t.Fatal(err)
	}
	o := FromDetect(c)
	p := netip.MustParsePrefix
	if want := []netip.Prefix{p("203.0.113.0/24"), p("198.51.100.7/32")}; !slices.Equal(o.AllowWeb, want) {
		t.Errorf("AllowWeb = %v, want %v", o.AllowWeb, want)
	}
	if !slices.Equal(o.FileServers, []netip.Prefix{p("10.20.5.7/32")}) || !slices.Equal(o.JumpHosts, []netip.Prefix{p("10.1.160.0/28")}) {
		t.Errorf("file servers %v, jump hosts %v", o.FileServers, o.JumpHosts)
	}
	if o := FromDetect(nil); o.AllowWeb != nil || o.FileServers != nil || o.JumpHosts != nil {
		t.Errorf("FromDetect(nil) = %+v, want nothing approved", o)
	}
}
