package policy

import (
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

func TestSimulateBlocksWhatIsUnderReview(t *testing.T) {
	devs, convs := fixture()
	p, err := Suggest(devs, convs, Options{Now: t0})
	if err != nil {
		t.Fatal(err)
	}
	rep := Simulate(p, slices.Values(convs), SimOptions{Devices: devs, Now: t0})
	var reviewFlows uint64
	for _, v := range p.Review {
		reviewFlows += v.Evidence.Flows
	}
	if rep.Blocked != reviewFlows || rep.OutOfScope != p.Skipped || rep.Conversations != uint64(len(convs)) {
		t.Fatalf("blocked %d (review holds %d), out of scope %d (skipped %d)", rep.Blocked, reviewFlows, rep.OutOfScope, p.Skipped)
	}
	// The pump is life-sustaining, so it leads the impact list.
	if len(rep.Devices) == 0 || rep.Devices[0].Hostname != "pump" || rep.Devices[0].Blocked[0].Port != 443 || !rep.Devices[0].Medical {
		t.Fatalf("first impact = %+v", rep.Devices)
	}
	if rep.Devices[1].Hostname != "CT-01" || rep.Devices[1].Criticality != cordon.CriticalityHigh {
		t.Errorf("second impact = %+v", rep.Devices[1])
	}

	// A temporary rule stops allowing once expired; approved-only
	// simulation blocks everything still merely suggested.
	exp := t0.Add(24 * time.Hour)
	for i := range p.Rules {
		if p.Rules[i].Port == 104 {
			p.Rules[i].Expires = &exp
		}
	}
	later := Simulate(p, slices.Values(convs), SimOptions{Devices: devs, Now: exp})
	if later.Blocked != rep.Blocked+10 {
		t.Errorf("after expiry blocked %d, want %d", later.Blocked, rep.Blocked+10)
	}
	if before := Simulate(p, slices.Values(convs), SimOptions{Devices: devs, Now: exp.Add(-time.Second)}); before.Blocked != rep.Blocked {
		t.Errorf("before expiry blocked %d, want %d", before.Blocked, rep.Blocked)
	}
	approved := Simulate(p, slices.Values(convs), SimOptions{Devices: devs, Now: t0, ApprovedOnly: true})
	if approved.Blocked != approved.Flows {
		t.Errorf("approved-only: blocked %d of %d flows in scope", approved.Blocked, approved.Flows)
	}
}

// benchTrust builds n devices in the NHS shape (modalities, analysers,
// pumps and monitors, with their PACS, LIS and servers) and their hourly
// conversations over hours hours, streamed.
func benchTrust(n int) ([]Device, func(hours int) iter.Seq[cordon.Conversation]) {
	devs := []Device{
		{Key: "mac:pacs", IPs: []string{"10.0.0.13"}, Category: cordon.CategoryMedicalServer},
		{Key: "mac:lis", IPs: []string{"10.0.0.15"}, Category: cordon.CategoryMedicalServer},
		{Key: "mac:dc", IPs: []string{"10.0.0.11"}, Category: cordon.CategoryServer},
		{Key: "mac:gw", IPs: []string{"10.0.0.21"}, Category: cordon.CategoryMedicalServer},
		{Key: "mac:jump", IPs: []string{"10.0.0.20"}, Category: cordon.CategoryServer},
	}
	cats := []string{cordon.CategoryImagingModality, cordon.CategoryLabAnalyzer, cordon.CategoryInfusionPump, cordon.CategoryPatientMonitor}
	for i := range n {
		devs = append(devs, Device{Key: fmt.Sprintf("mac:d%d", i), IPs: []string{fmt.Sprintf("10.%d.%d.%d", 10+i/65536, i/256%256, i%256)},
			Category: cats[i%len(cats)], Criticality: cordon.CriticalityMedium})
	}
	history := func(hours int) iter.Seq[cordon.Conversation] {
		return func(yield func(cordon.Conversation) bool) {
			for h := range hours {
				hour := t0.Add(time.Duration(h) * time.Hour)
				for i := 5; i < len(devs); i++ {
					d := &devs[i]
					conv := func(server, proto string, port uint16, app string) bool {
						return yield(cordon.Conversation{Client: d.Key, Server: server, Proto: proto, Port: port, App: app, Hour: hour, Flows: 3, Packets: 40, Bytes: 20000})
					}
					ok := conv("mac:dc", "udp", 53, "")
					switch d.Category {
					case cordon.CategoryImagingModality:
						ok = ok && conv("mac:pacs", "tcp", 104, "dicom") && (h%24 != 3 || conv("ip:151.34.172.185", "tcp", 80, "http"))
					case cordon.CategoryLabAnalyzer:
						ok = ok && conv("mac:lis", "tcp", 2575, "hl7")
					default:
						ok = ok && conv("mac:gw", "tcp", 443, "tls")
					}
					ok = ok && (h%168 != 10 || yield(cordon.Conversation{Client: "mac:jump", Server: d.Key, Proto: "tcp", Port: 3389, App: "rdp", Hour: hour, Flows: 1}))
					if !ok {
						return
					}
				}
			}
		}
	}
	return devs, history
}

// BenchmarkSimulateMonth simulates a candidate policy (learned from one
// day) against a month of hourly history for 10,000 devices: about 14.5
// million conversations, generated as they are replayed.
func BenchmarkSimulateMonth(b *testing.B) {
	devs, history := benchTrust(10000)
	var learned []cordon.Conversation
	for c := range history(24) {
		learned = append(learned, c)
	}
	p, err := Suggest(devs, learned, Options{Now: t0})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		rep := Simulate(p, history(30*24), SimOptions{Devices: devs, Now: t0})
		if rep.Blocked == 0 || rep.Conversations < 14e6 {
			b.Fatalf("blocked %d of %d conversations", rep.Blocked, rep.Conversations)
		}
		b.ReportMetric(float64(rep.Conversations), "conversations")
	}
}
