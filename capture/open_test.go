package capture

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpen(t *testing.T) {
	recs := []rec{{ts: t0, data: frame(60, 1)}, {ts: t0, data: frame(1500, 2)}}
	plain := pcapFile(le, false, 1, 65535, recs...)
	ng := new(ngFile).shb(be).idb(1, 0).epb(0, 1, frame(60, 1), 60).b
	tests := []struct {
		name       string
		data       []byte
		wantFormat string
		wantN      int
		wantErr    string
	}{
		{"Pcap", plain, "pcap", 2, ""},
		{"PcapGzip", gz(t, plain), "pcap", 2, ""},
		{"Pcapng", ng, "pcapng", 1, ""},
		{"PcapngGzip", gz(t, ng), "pcapng", 1, ""},
		{"Empty", nil, "", 0, "byte 0: empty file"},
		{"EmptyGzip", gz(t, nil), "", 0, "byte 0: empty file"},
		{"CorruptGzip", append([]byte{0x1f, 0x8b}, frame(40, 0)...), "", 0, "gzip"},
		{"TruncatedGzip", gz(t, plain)[:60], "pcap", 0, "file ends in the middle of a record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.pcap")
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := Open(path)
			if err == nil {
				defer f.Close()
				if f.Format() != tt.wantFormat || f.Name() != path || f.Size() != int64(len(tt.data)) {
					t.Errorf("Format, Name, Size = %q, %q, %d", f.Format(), f.Name(), f.Size())
				}
				var p Packet
				n := 0
				for err = f.Next(&p); err == nil; err = f.Next(&p) {
					n++
				}
				if n != tt.wantN {
					t.Errorf("read %d packets, want %d", n, tt.wantN)
				}
				if err == io.EOF {
					err = nil
					if f.Pos() != f.Size() {
						t.Errorf("Pos at end = %d, want Size %d", f.Pos(), f.Size())
					}
				}
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			var fe *FormatError
			if err != nil && (!errors.As(err, &fe) || fe.File != path) {
				t.Errorf("error %v is not a *FormatError naming the file", err)
			}
		})
	}
}

func TestOpenMissing(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "none.pcap"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error = %v, want os.ErrNotExist", err)
	}
}

// TestCorpusFirstPackets checks timestamps, lengths and interfaces against
// `tshark -T fields -e frame.time_epoch -e frame.cap_len -e
// frame.interface_id` for chosen packets of the shared captures.
func TestCorpusFirstPackets(t *testing.T) {
	tests := []struct {
		file  string
		index int // 0-based
		epoch string
		len   int
		iface int
	}{
		{"ndpi/anydesk.pcapng", 0, "1591342198.821353000", 105, 1},
		{"ndpi/opc-ua.pcap", 0, "1667935846.902658000", 68, 0},
		{"packetgen/dhcp.pcapng", 0, "1102274184.317453000", 314, 0},
		{"tcpdump-tests/dhcp-option-108.pcapng", 0, "1742291025.393317000", 342, 0},
		{"ndpi/snmp.pcap", 71, "1643703001.963541000", 231, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := Open(filepath.Join(corpusDir, tt.file))
			if errors.Is(err, os.ErrNotExist) {
				t.Skipf("shared capture corpus not present: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var p Packet
			for i := 0; i <= tt.index; i++ {
				if err := f.Next(&p); err != nil {
					t.Fatal(err)
				}
			}
			want, _ := time.Parse("2006-01-02", "1970-01-01")
			sec, nsec, _ := strings.Cut(tt.epoch, ".")
			d, _ := time.ParseDuration(sec + "s" + nsec + "ns")
			want = want.Add(d)
			if !p.Time.Equal(want) || len(p.Data) != tt.len || p.Interface != tt.iface {
				t.Errorf("packet %d = %v len %d if %d, want %v len %d if %d", tt.index,
					p.Time.UTC(), len(p.Data), p.Interface, want, tt.len, tt.iface)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want bool
	}{
		{"PcapLE", []byte{0xd4, 0xc3, 0xb2, 0xa1}, true},
		{"PcapBE", []byte{0xa1, 0xb2, 0xc3, 0xd4}, true},
		{"PcapNanoLE", []byte{0x4d, 0x3c, 0xb2, 0xa1}, true},
		{"Pcapng", []byte{0x0a, 0x0d, 0x0d, 0x0a}, true},
		{"Gzip", []byte{0x1f, 0x8b, 0x08, 0x00}, true},
		{"HTML", []byte("<!DO"), false},
		{"Short", []byte{0xd4}, false},
	}
	for _, tt := range tests {
		if got := Sniff(tt.head); got != tt.want {
			t.Errorf("%s: Sniff = %v", tt.name, got)
		}
	}
}
