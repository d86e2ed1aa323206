// Package policy turns what devices were seen doing into a segmentation
// policy a network team can deploy, and checks a candidate policy against
// history before anyone does (NHS guidance step 4: allow devices only the
// services they need, zone the network, enforce in the network).
//
// It is pure: it reads devices and hourly conversations (as analysis.Run
// and the register produce them) and returns plain structs with JSON tags
// that a store can keep. The stages are
//
//   - Learn: each device's and each model's communication pattern over a
//     learning window (peers, ports, protocol, application, direction,
//     volume, time of day);
//   - Zones: devices grouped by the zones an operator declared (subnet,
//     VLAN, category, device list, or the register's recorded zone) and
//     otherwise by the role the traffic shows (PACS, LIS, jump host, proxy)
//     and category;
//   - Suggest: the zone matrix and the rules, where the NHS patterns hold
//     (modalities reach PACS on DICOM only, pathology analysers reach the
//     LIS only, supplier access only through the jump-host zone, device
//     zones reach the internet only through a proxy) and what the guidance
//     forbids (email, web browsing, inbound remote access from the
//     internet) is listed for review, never allowed;
//   - Simulate: what a candidate policy would block in a flow history, by
//     device and clinical impact;
//   - exporters, one file per format: nftables, iptables-restore, Cisco IOS
//     extended ACLs, PAN-OS set commands, FortiGate CLI, JSON and CSV.
//
// Rules carry IPv4 addresses only: the firewall formats differ most for
// IPv6 and hospital device networks are IPv4; devices known only by IPv6
// are listed for review so nothing is silently left open.
package policy
