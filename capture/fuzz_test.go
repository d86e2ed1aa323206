package capture

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// fuzzRead reads every packet of data and checks the Reader contract: no
// panic, a *FormatError or io.EOF at the end, and sane packets.
func fuzzRead(t *testing.T, data []byte) {
	r, err := NewReader(bytes.NewReader(data), "fuzz")
	if err != nil {
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("NewReader error %v is not a *FormatError", err)
		}
		return
	}
	var p Packet
	for i := 0; ; i++ {
		err := r.Next(&p)
		if err == io.EOF {
			return
		}
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("Next error %v is not a *FormatError", err)
			}
			return
		}
		if p.Offset < 0 || p.Offset >= int64(len(data)) && !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			t.Fatalf("packet %d offset %d outside %d bytes", i, p.Offset, len(data))
		}
	}
}

func FuzzPcap(f *testing.F) {
	f.Add(unhex(f, realNsecPcap))
	f.Add(pcapFile(le, false, 1, 65535, rec{ts: t0, data: frame(60, 1)}, rec{ts: t0, data: frame(100, 2), orig: 1500}))
	f.Add(pcapFile(be, true, 1|linkFCSPresent|2<<28, 64, rec{ts: t0, data: frame(64, 1)}))
	f.Add(gz(f, pcapFile(le, false, 113, 65535, rec{ts: t0, data: frame(44, 1)})))
	f.Fuzz(fuzzRead)
}

func FuzzPcapng(f *testing.F) {
	f.Add(unhex(f, realPcapng))
	n := new(ngFile).shb(le)
	n.idb(1, 0, n.opt(optTSResol, 0x80|20), n.opt(optFCSLen, 4)).epb(0, 99, frame(64, 1), 64).spb(60, frame(60, 2))
	n.shb(be).idb(276, 100).idb(0, 0).pb(1, 7, frame(30, 3)).block(5, frame(20, 0))
	f.Add(n.b)
	f.Fuzz(fuzzRead)
}

// TestNextAllocs checks that reading a packet allocates nothing.
func TestNextAllocs(t *testing.T) {
	recs := make([]rec, 1000)
	for i := range recs {
		recs[i] = rec{ts: t0, data: frame(60+i%1400, byte(i))}
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"Pcap", pcapFile(le, false, 1, 65535, recs...)},
		{"Pcapng", func() []byte {
			n := new(ngFile).shb(le).idb(1, 0)
			for _, r := range recs {
				n.epb(0, 1, r.data, uint32(len(r.data)))
			}
			return n.b
		}()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(tt.data), "allocs")
			if err != nil {
				t.Fatal(err)
			}
			var p Packet
			allocs := testing.AllocsPerRun(500, func() {
				if err := r.Next(&p); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("Next allocates %v times per packet, want 0", allocs)
			}
		})
	}
}
