package capture

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir is the shared capture corpus, kept next to the repository and
// never committed to it (see shared/data/PROVENANCE.md).
const corpusDir = "../../shared/data/pcaps"

// corpusCounts are the packet counts `capinfos -c -M` reports for the shared
// captures, noted while developing.
var corpusCounts = map[string]int{
	"generated/dicom-echo-store.pcap":                       40,
	"ndpi/IEC104.pcap":                                      15,
	"ndpi/NTPv4.pcap":                                       1,
	"ndpi/anydesk.pcapng":                                   174,
	"ndpi/bacnet.pcap":                                      23,
	"ndpi/dcerpc.pcap":                                      16,
	"ndpi/dhcp-fuzz.pcapng":                                 1,
	"ndpi/dnp3.pcap":                                        543,
	"ndpi/dns.pcap":                                         5,
	"ndpi/dos_win98_smb_netbeui.pcap":                       220,
	"ndpi/ftp_failed.pcap":                                  18,
	"ndpi/hl7.pcap":                                         9,
	"ndpi/http.pcapng":                                      10,
	"ndpi/ipp.pcap":                                         279,
	"ndpi/kerberos.pcap":                                    77,
	"ndpi/modbus.pcap":                                      102,
	"ndpi/mqtt.pcap":                                        9,
	"ndpi/mssql_tds.pcap":                                   38,
	"ndpi/netbios.pcap":                                     261,
	"ndpi/netbios_wildcard_dns_query.pcap":                  1,
	"ndpi/opc-ua.pcap":                                      381,
	"ndpi/rdp.pcap":                                         20,
	"ndpi/s7comm.pcap":                                      55,
	"ndpi/sip.pcap":                                         112,
	"ndpi/smb_deletefile.pcap":                              101,
	"ndpi/smb_frags.pcap":                                   8,
	"ndpi/smbv1.pcap":                                       7,
	"ndpi/snmp.pcap":                                        72,
	"ndpi/ssdp-m-search-ua.pcap":                            4,
	"ndpi/ssdp-m-search.pcap":                               19,
	"ndpi/ssh.pcap":                                         295,
	"ndpi/syslog.pcap":                                      94,
	"ndpi/teamviewer.pcap":                                  352,
	"ndpi/telnet.pcap":                                      92,
	"ndpi/tftp.pcap":                                        109,
	"ndpi/tls-rdn-extract.pcap":                             6,
	"ndpi/upnp.pcap":                                        14,
	"packetgen/dhcp.pcapng":                                 4,
	"packetgen/dhcpv6.pcapng":                               6,
	"packetgen/dns.pcapng":                                  2,
	"packetgen/dot1x.pcapng":                                12,
	"packetgen/igmpv3.pcapng":                               2,
	"packetgen/mdns.pcapng":                                 2,
	"packetgen/snmp.pcapng":                                 2,
	"packetgen/tftp.pcapng":                                 5,
	"tcpdump-tests/3560_CDP.pcap":                           3,
	"tcpdump-tests/LLDP_and_CDP.pcap":                       12,
	"tcpdump-tests/RADIUS.pcap":                             4,
	"tcpdump-tests/arp-too-long-tha.pcap":                   1,
	"tcpdump-tests/bootp_asan-2.pcap":                       1,
	"tcpdump-tests/bootp_asan.pcap":                         1,
	"tcpdump-tests/dhcp-mud.pcap":                           2,
	"tcpdump-tests/dhcp-option-108.pcapng":                  2,
	"tcpdump-tests/dhcp-option-33.pcap":                     5,
	"tcpdump-tests/dhcp-rfc3004.pcap":                       4,
	"tcpdump-tests/dhcp-rfc4388.pcap":                       54,
	"tcpdump-tests/dhcp-rfc5859.pcap":                       4,
	"tcpdump-tests/dhcpv4v6-rfc5970-rfc8572.pcap":           14,
	"tcpdump-tests/dhcpv6-AFTR-Name-RFC6334.pcap":           4,
	"tcpdump-tests/dhcpv6-domain-list.pcap":                 1,
	"tcpdump-tests/dhcpv6-ia-na.pcap":                       4,
	"tcpdump-tests/dhcpv6-ia-pd.pcap":                       4,
	"tcpdump-tests/dhcpv6-ia-ta.pcap":                       4,
	"tcpdump-tests/dhcpv6-mud.pcap":                         5,
	"tcpdump-tests/dhcpv6-ntp-server.pcap":                  1,
	"tcpdump-tests/dhcpv6-rfc6355-duid-uuid.pcap":           2,
	"tcpdump-tests/dhcpv6-rfc8415-duid-type2.pcap":          1,
	"tcpdump-tests/dhcpv6-sip-server-d.pcap":                1,
	"tcpdump-tests/dhcpv6-vendor-specific-information.pcap": 1,
	"tcpdump-tests/dns_tcp.pcap":                            11,
	"tcpdump-tests/dns_udp.pcap":                            2,
	"tcpdump-tests/ip-snmp-leftshift-unsigned.pcap":         1,
	"tcpdump-tests/lldp-app-priority.pcap":                  1,
	"tcpdump-tests/lldp_asan.pcap":                          1,
	"tcpdump-tests/lldp_mudurl.pcap":                        2,
	"tcpdump-tests/nbns-valgrind.pcap":                      1,
	"tcpdump-tests/ntp.pcap":                                8,
	"tcpdump-tests/smb_data_print-oobr.pcapng":              4,
	"tcpdump-tests/smb_data_print-segv.pcap":                4,
	"tcpdump-tests/smb_print_trans-oobr1.pcap":              4,
	"tcpdump-tests/smb_print_trans-oobr2.pcap":              1,
	"tcpdump-tests/snmp-heapoverflow-1.pcap":                5,
	"tcpdump-tests/snmp-heapoverflow-2.pcap":                1,
	"tcpdump-tests/syslog_udp.pcap":                         4,
	"tcpdump-tests/tftp.pcap":                               7,
}

// corpusBroken lists captures that are malformed on purpose, with the error
// Open or Next must report. None of the shared captures is broken at the
// capture-file level today; the fuzzed ones are malformed inside packets.
var corpusBroken = map[string]string{}

// TestCorpus opens every capture under the shared data directory and reads it
// to the end, checking packet counts against capinfos.
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("shared capture corpus not present at %s: %v", corpusDir, err)
	}
	seen := 0
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := filepath.ToSlash(strings.TrimPrefix(path, corpusDir+string(filepath.Separator)))
		if !strings.HasSuffix(name, ".pcap") && !strings.HasSuffix(name, ".pcapng") && !strings.HasSuffix(name, ".gz") {
			return nil
		}
		seen++
		t.Run(name, func(t *testing.T) {
			n, err := countFile(path)
			if want, ok := corpusBroken[name]; ok {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("error = %v, want one containing %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("after %d packets: %v", n, err)
			}
			if want, ok := corpusCounts[name]; ok && n != want {
				t.Errorf("read %d packets, capinfos counts %d", n, want)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen == 0 {
		t.Skipf("no captures under %s", corpusDir)
	}
}

// countFile reads a capture to the end and counts its packets.
func countFile(path string) (int, error) {
	f, err := Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var p Packet
	n := 0
	for {
		switch err := f.Next(&p); {
		case errors.Is(err, io.EOF):
			if f.Pos() != f.Size() {
				return n, errors.New("position at EOF differs from size")
			}
			return n, nil
		case err != nil:
			return n, err
		}
		n++
		if !p.Link.Supported() || len(p.Data) > p.OrigLen && p.OrigLen != 0 {
			return n, errors.New("odd packet")
		}
	}
}
