// Package simulate generates a deterministic capture of a hospital network
// together with the ground truth of what is on it.
//
// The network is a main acute site whose clinical zones (ED, ICU, theatres,
// wards, radiology, pathology, pharmacy, outpatients, data centre,
// corporate IT, building management, guest) each sit on their own /24 and
// 802.1Q VLAN, plus one or two satellite sites reached through WAN
// routers. The capture point is the SPAN port of the main site's core
// switch: main-site devices appear with their own MAC addresses, satellite
// devices only with the router's MAC (Truth marks them routed), and
// internet hosts behind the firewall's.
//
// Devices are drawn from a catalog of families (catalog_*.go), each with
// the evidence its traffic carries: NIC prefixes registered to its maker,
// DHCP fingerprints of its operating system, DICOM associations, HL7
// messages, SMB/NTLM logons, TLS server names, mDNS, SSDP, LLDP, CDP, SNMP
// and banners. Every family names the classify profile its evidence is
// written to satisfy.
//
// The same Config always yields the same bytes: randomness comes from one
// PCG source seeded from Config.Seed, devices and tasks are visited in a
// fixed order, and no map iteration or wall-clock time reaches the output.
// Packets are generated one time slice at a time and written in time
// order, so memory stays bounded for large networks.
//
// Patient data in the capture is synthetic and obvious: ZZTEST surnames and
// NHS numbers in the 999 range reserved for testing. Truth.PatientStrings
// lists every such string so tests can prove the analyser never repeats
// them.
package simulate
