package inventory

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

func mac(last byte) cordon.MAC { return cordon.MAC{0x00, 0x1b, 0x21, 0, 0, last} }

func ep(m cordon.MAC, ip string, port uint16) cordon.Endpoint {
	return cordon.Endpoint{MAC: m, IP: netip.MustParseAddr(ip), Port: port}
}

func flow(client, server cordon.Endpoint, app string) cordon.FlowRecord {
	return cordon.FlowRecord{Client: client, Server: server, Proto: "tcp", App: app, Packets: 10, First: t0, Last: t0.Add(time.Minute), Answered: true}
}

func find(devs []*cordon.Device, ip string) *cordon.Device {
	for _, d := range devs {
		for _, a := range d.IPs {
			if a == ip {
				return d
			}
		}
	}
	return nil
}

func TestDevicesRouterFrontsRemoteHosts(t *testing.T) {
	inv := New()
	router := mac(1)
	pacs := mac(2)
	inv.Observe(cordon.Observation{MAC: router, IP: netip.MustParseAddr("10.0.0.1"), Fact: "arp.ip", Value: "10.0.0.1", Time: t0})
	// Six hosts at a remote site reach the PACS through the router.
	for i := 1; i <= 6; i++ {
		remote := fmt.Sprintf("10.50.0.%d", i)
		inv.Flow(flow(ep(router, remote, 40000), ep(pacs, "10.0.0.5", 104), "dicom"))
		inv.Observe(cordon.Observation{MAC: router, IP: netip.MustParseAddr(remote), Fact: "dicom.ae_title", Value: fmt.Sprintf("US%02d", i), Time: t0})
	}
	// And one internet server answers through it too: not a device.
	inv.Flow(flow(ep(pacs, "10.0.0.5", 50000), ep(router, "93.184.216.34", 443), "tls"))
	devs := inv.Devices(Options{})

	if got, want := len(devs), 1+1+6; got != want {
		for _, d := range devs {
			t.Logf("%v %v", d.MAC, d.IPs)
		}
		t.Fatalf("got %d devices, want %d", got, want)
	}
	r := find(devs, "10.0.0.1")
	if r == nil || r.MAC != router || len(r.IPs) != 1 {
		t.Fatalf("router device = %+v", r)
	}
	forwards := ""
	for _, e := range r.Evidence {
		if e.Fact == "ip.forwards" {
			forwards = e.Value
		}
	}
	if forwards != "7" { // six remote hosts and one internet server
		t.Errorf("ip.forwards = %q, want 7", forwards)
	}
	us := find(devs, "10.50.0.3")
	if us == nil || !us.MAC.IsZero() {
		t.Fatalf("remote device = %+v, want one known by IP only", us)
	}
	if us.DICOM == nil || len(us.DICOM.AETitles) != 1 || us.DICOM.AETitles[0] != "US03" {
		t.Errorf("remote device DICOM = %+v, want its own AE title", us.DICOM)
	}
	if find(devs, "93.184.216.34") != nil {
		t.Error("an internet address became a device")
	}
	p := find(devs, "10.0.0.5")
	if p == nil || len(p.Services) == 0 || p.Services[0] != (cordon.Service{Proto: "tcp", Port: 443, App: "tls", Role: "client"}) {
		t.Errorf("pacs services = %+v", p)
	}
}

func TestDevicesDHCPChurnIsOneDevice(t *testing.T) {
	inv := New()
	pump := mac(9)
	server := ep(mac(2), "10.0.0.5", 443)
	for i, ip := range []string{"10.20.0.10", "10.20.0.11", "10.20.0.12"} {
		inv.Observe(cordon.Observation{MAC: pump, IP: netip.MustParseAddr(ip), Fact: "dhcp.hostname", Value: "PUMP-7", Time: t0.Add(time.Duration(i) * time.Hour)})
		inv.Flow(flow(ep(pump, ip, 40000), server, "tls"))
	}
	devs := inv.Devices(Options{})
	d := find(devs, "10.20.0.11")
	if d == nil || len(d.IPs) != 3 || len(d.Hostnames) != 1 || d.Hostnames[0] != "PUMP-7" {
		t.Fatalf("pump = %+v", d)
	}
	if len(devs) != 2 {
		t.Errorf("got %d devices, want 2", len(devs))
	}
}

func TestDerivedFacts(t *testing.T) {
	inv := New()
	m := cordon.MAC{0x02, 0x11, 0x22, 0x33, 0x44, 0x55} // locally administered
	inv.Observe(cordon.Observation{MAC: m, IP: netip.MustParseAddr("10.1.1.1"), Fact: "nbns.name", Value: "WARD3-PC<00>", Time: t0})
	inv.Observe(cordon.Observation{MAC: m, IP: netip.MustParseAddr("10.1.1.1"), Fact: "nbns.name", Value: "WORKGROUP<1e>", Time: t0})
	inv.Observe(cordon.Observation{MAC: m, IP: netip.MustParseAddr("10.1.1.1"), Fact: "dhcp.fqdn", Value: "ward3-pc.trust.nhs.uk", Time: t0})
	inv.Observe(cordon.Observation{MAC: m, IP: netip.MustParseAddr("10.1.1.1"), Fact: "patient_data", Value: "hl7.PID", Time: t0})
	devs := inv.Devices(Options{Vendor: func(cordon.MAC) string { return "Example Org" }})
	d := devs[0]
	if len(d.Hostnames) != 1 || d.Hostnames[0] != "WARD3-PC" {
		t.Errorf("hostnames = %q, want [WARD3-PC]", d.Hostnames)
	}
	if !d.PatientData {
		t.Error("patient_data not set")
	}
	want := map[string]string{"mac.vendor": "Example Org", "mac.local": "true", "hostname": "WARD3-PC"}
	for _, e := range d.Evidence {
		if v, ok := want[e.Fact]; ok && v == e.Value {
			delete(want, e.Fact)
		}
	}
	if len(want) > 0 {
		t.Errorf("derived facts missing: %v", want)
	}
}

func TestDevicesRouterFrontingTwoSubnets(t *testing.T) {
	inv := New()
	router, pacs := mac(1), mac(2)
	// Only two remote hosts, but in two subnets: no single host does that
	// without claiming the addresses by ARP or DHCP.
	inv.Flow(flow(ep(router, "10.50.1.7", 40000), ep(pacs, "10.0.0.5", 104), "dicom"))
	inv.Flow(flow(ep(router, "10.50.2.9", 40000), ep(pacs, "10.0.0.5", 104), "dicom"))
	devs := inv.Devices(Options{})
	for _, ip := range []string{"10.50.1.7", "10.50.2.9"} {
		if d := find(devs, ip); d == nil || !d.MAC.IsZero() {
			t.Errorf("%s: got %+v, want a device known by IP", ip, d)
		}
	}
}

func TestDevicesRoamingHostIsNotARouter(t *testing.T) {
	inv := New()
	wow, server := mac(5), ep(mac(2), "10.0.0.5", 443)
	// A workstation on wheels moves between ward VLANs, claiming each
	// address by DHCP.
	for _, ip := range []string{"10.20.1.10", "10.20.2.10", "10.20.3.10"} {
		inv.Observe(cordon.Observation{MAC: wow, IP: netip.MustParseAddr(ip), Fact: "dhcp.requested_ip", Value: ip, Time: t0})
		inv.Flow(flow(ep(wow, ip, 50000), server, "tls"))
	}
	devs := inv.Devices(Options{})
	if d := find(devs, "10.20.2.10"); d == nil || d.MAC != wow || len(d.IPs) != 3 {
		t.Errorf("roaming host = %+v", d)
	}
}

// TestOpenFlowRecords gives the inventory a long HL7 link as a live sensor
// reports it, in three records across two hours, and requires one flow,
// counted in the hour it began, with each record's traffic in the hour its
// counts begin.
func TestOpenFlowRecords(t *testing.T) {
	inv := New()
	client, server := ep(mac(1), "10.20.0.10", 40000), ep(mac(2), "10.40.0.5", 2575)
	first := flow(client, server, "hl7")
	first.Open, first.Last = true, t0.Add(59*time.Minute)
	second := first
	second.Since, second.Last, second.Packets = t0.Add(59*time.Minute), t0.Add(70*time.Minute), 4
	last := second
	last.Open, last.Since, last.Last, last.Packets = false, t0.Add(70*time.Minute), t0.Add(80*time.Minute), 1
	for _, f := range []cordon.FlowRecord{first, second, last} {
		inv.Flow(f)
	}
	if inv.Flows() != 1 {
		t.Errorf("flows = %d, want the one link", inv.Flows())
	}
	_, convs := inv.Resolve(Options{})
	got := map[int]cordon.Conversation{}
	for _, c := range convs {
		got[c.Hour.Hour()] = c
	}
	if len(convs) != 2 || got[8].Flows != 1 || got[8].Packets != 14 || got[9].Flows != 0 || got[9].Packets != 1 {
		t.Errorf("conversations = %+v; want 08:00 with the flow and 14 packets, 09:00 with 1 packet", convs)
	}
}

// TestRouterSeenWhenForwarding: a gateway known only from the internet
// traffic it carries is a device seen when that traffic went, not a
// device with no time (which new_device alerts printed as year 1).
func TestRouterSeenWhenForwarding(t *testing.T) {
	inv := New()
	gw := mac(1)
	inv.Flow(flow(ep(mac(2), "10.30.1.11", 51022), ep(gw, "198.51.100.7", 22), ""))
	r := func() *cordon.Device {
		for _, d := range inv.Devices(Options{}) {
			if d.MAC == gw {
				return d
			}
		}
		return nil
	}()
	if r == nil || len(r.IPs) != 0 {
		t.Fatalf("gateway device = %+v, want one fronting the internet address", r)
	}
	if !r.FirstSeen.Equal(t0) || !r.LastSeen.Equal(t0.Add(time.Minute)) {
		t.Errorf("gateway seen %s–%s, want the flow's %s–%s", r.FirstSeen, r.LastSeen, t0, t0.Add(time.Minute))
	}
}

// TestClaimedEarlier: in a batch without the gateway's ARP, its own
// addresses look like hosts behind it; the claims of an earlier batch
// (Options.Claimed) keep them the gateway's, and Claims hands them on.
func TestClaimedEarlier(t *testing.T) {
	gw := mac(1)
	first := New()
	for _, ip := range []string{"10.1.250.2", "10.2.100.10"} {
		first.Observe(cordon.Observation{MAC: gw, IP: netip.MustParseAddr(ip), Fact: "arp.ip", Value: ip, Time: t0})
	}
	claimed := map[cordon.MAC]map[netip.Addr]bool{}
	first.Claims(claimed)
	if !claimed[gw][netip.MustParseAddr("10.2.100.10")] {
		t.Fatalf("claims handed on: %v", claimed)
	}
	batch := func() *Inventory {
		inv := New()
		for i, ip := range []string{"10.1.250.2", "10.2.100.10", "10.50.0.1", "10.50.0.2", "10.50.0.3", "10.50.0.4", "10.50.0.5"} {
			inv.Flow(flow(ep(mac(2), "10.1.1.5", uint16(40000+i)), ep(gw, ip, 53), "dns"))
		}
		return inv
	}
	has := func(devs []*cordon.Device, ip string) bool {
		return find(devs, ip) != nil && find(devs, ip).MAC.IsZero()
	}
	if devs := batch().Devices(Options{}); !has(devs, "10.1.250.2") {
		t.Fatal("without claims the gateway's own address should look like a host behind it (the case this guards)")
	}
	devs := batch().Devices(Options{Claimed: claimed})
	if has(devs, "10.1.250.2") || has(devs, "10.2.100.10") || !has(devs, "10.50.0.3") {
		t.Errorf("with earlier claims: gateway addresses as hosts %v/%v, remote host %v",
			has(devs, "10.1.250.2"), has(devs, "10.2.100.10"), has(devs, "10.50.0.3"))
	}
}
