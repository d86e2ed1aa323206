package decode

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cordonsec/cordon/capture"
)

// corpusDir is the shared capture corpus next to the repository, never
// committed to it (see shared/data/PROVENANCE.md).
const corpusDir = "../../../shared/data/pcaps"

// corpusTCP is the number of frames `tshark -r FILE -Y tcp | wc -l` shows
// for a few shared captures.
var corpusTCP = map[string]int{
	"generated/dicom-echo-store.pcap": 40,
	"ndpi/hl7.pcap":                   9,
	"ndpi/smb_frags.pcap":             8,
	"ndpi/opc-ua.pcap":                381,
	"ndpi/dos_win98_smb_netbeui.pcap": 0,
}

// TestCorpus decodes every packet of the shared captures. All of them
// decode, even those of the deliberately malformed tcpdump captures, whose
// damage lies in the application layer.
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("shared capture corpus not present at %s: %v", corpusDir, err)
	}
	err := filepath.WalkDir(corpusDir, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || !strings.HasSuffix(path, ".pcap") && !strings.HasSuffix(path, ".pcapng") {
			return err
		}
		name := filepath.ToSlash(strings.TrimPrefix(path, corpusDir+"/"))
		t.Run(name, func(t *testing.T) {
			f, err := capture.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			d := NewDecoder(Config{})
			var cp capture.Packet
			var p Packet
			tcp, n := 0, 0
			for {
				err := f.Next(&cp)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				n++
				if err := d.Decode(cp.Link, cp.Time, cp.Data, &p); err != nil {
					t.Errorf("frame %d: %v", n, err)
					continue
				}
				if p.Proto == ProtoTCP && p.IPVersion != 0 && !p.Incomplete {
					tcp++
				}
			}
			if want, ok := corpusTCP[name]; ok && tcp != want {
				t.Errorf("%d TCP packets, tshark shows %d", tcp, want)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
