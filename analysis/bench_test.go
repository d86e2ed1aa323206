package analysis

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cordonsec/cordon/capture"
	"github.com/cordonsec/cordon/detect"
	"github.com/cordonsec/cordon/policy"
	"github.com/cordonsec/cordon/sensor/decode"
	"github.com/cordonsec/cordon/simulate"
)

// benchCapture returns the capture the benchmarks read: $CORDON_BENCH_PCAP
// if set, else a simulated hospital of 1000 devices written once per run.
var benchCapture = sync.OnceValues(func() (string, error) {
	if p := os.Getenv("CORDON_BENCH_PCAP"); p != "" {
		return p, nil
	}
	dir, err := os.MkdirTemp("", "cordon-bench-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "hospital.pcap")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if _, err := simulate.Generate(simulate.Config{Seed: 1, Devices: 1000}, f); err != nil {
		return "", err
	}
	return path, f.Close()
})

func benchPath(b *testing.B) string {
	b.Helper()
	p, err := benchCapture()
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// report adds packets per second and per-packet cost to a benchmark whose
// iterations each read the whole capture.
func report(b *testing.B, packets uint64) {
	b.ReportMetric(float64(packets)*float64(b.N)/b.Elapsed().Seconds(), "pkts/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(packets)/float64(b.N), "ns/pkt")
}

// BenchmarkReadFloor reads every record and does nothing with it: the floor
// any analysis of the file stands on.
func BenchmarkReadFloor(b *testing.B) {
	path := benchPath(b)
	var n uint64
	for i := 0; i < b.N; i++ {
		n = 0
		f, err := capture.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		var p capture.Packet
		for f.Next(&p) == nil {
			n++
		}
		f.Close()
	}
	report(b, n)
}

// BenchmarkDecode reads and decodes every packet's headers.
func BenchmarkDecode(b *testing.B) {
	path := benchPath(b)
	var n uint64
	for i := 0; i < b.N; i++ {
		n = 0
		f, err := capture.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		dec := decode.NewDecoder(decode.Config{})
		var p capture.Packet
		var pkt decode.Packet
		for {
			if err := f.Next(&p); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			dec.Decode(p.Link, p.Time, p.Data, &pkt)
			n++
		}
		f.Close()
	}
	report(b, n)
}

// BenchmarkAnalyze is `cordon analyze` without the printing: every
// dissector, the flow table, the inventory and the classifier.
func BenchmarkAnalyze(b *testing.B) {
	path := benchPath(b)
	b.ReportAllocs()
	var n uint64
	for i := 0; i < b.N; i++ {
		res, err := Run(context.Background(), []string{path}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n = res.Stats.Packets
	}
	report(b, n)
}

// BenchmarkAnalyzeNoDetect is BenchmarkAnalyze without the detections
// (package detect): the difference is what they cost inline.
func BenchmarkAnalyzeNoDetect(b *testing.B) {
	path := benchPath(b)
	b.ReportAllocs()
	var n uint64
	for i := 0; i < b.N; i++ {
		res, err := Run(context.Background(), []string{path}, Options{NoDetect: true})
		if err != nil {
			b.Fatal(err)
		}
		n = res.Stats.Packets
	}
	report(b, n)
}

// BenchmarkAnalyzePolicy is BenchmarkAnalyze with an approved network
// policy in force (flow_violation): the capture's own suggested policy
// with every other rule taken out, so that the enforcer both allows and
// forbids on the way. Against BenchmarkAnalyze it is what holding traffic
// to a policy costs inline.
func BenchmarkAnalyzePolicy(b *testing.B) {
	path := benchPath(b)
	res, err := Run(context.Background(), []string{path}, Options{NoDetect: true})
	if err != nil {
		b.Fatal(err)
	}
	p, err := policy.Suggest(policy.DevicesFrom(res.Devices), res.Conversations, policy.Options{})
	if err != nil {
		b.Fatal(err)
	}
	kept := p.Rules[:0]
	for i, r := range p.Rules {
		if i%2 == 0 {
			kept = append(kept, r)
		}
	}
	p.Rules = kept
	cfg := &detect.Config{Policy: policy.NewEnforcer(p, false)}
	b.ReportAllocs()
	b.ResetTimer()
	var n uint64
	var violations int
	for i := 0; i < b.N; i++ {
		res, err := Run(context.Background(), []string{path}, Options{Detect: cfg})
		if err != nil {
			b.Fatal(err)
		}
		n, violations = res.Stats.Packets, 0
		for _, a := range res.Alerts {
			if a.Kind == detect.KindFlowViolation {
				violations++
			}
		}
	}
	if violations == 0 {
		b.Fatal("no flow_violation: the policy was not enforced")
	}
	b.ReportMetric(float64(violations), "violations")
	report(b, n)
}
