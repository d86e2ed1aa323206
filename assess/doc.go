// Package assess turns the register and the intelligence into findings,
// support states and a risk score for each device: the matcher's output
// that cordon.FindingService stores.
//
// An Engine holds the intelligence (NVD records with their KEV and EPSS
// parts, CSAF advisories, lifecycles) indexed once. Engine.Device assesses
// one device: NVD and CSAF matches merged per CVE, the support state of
// its OS, software and model, and its risk. A Runner (cordon.Assessor)
// loads the intelligence from the store, rebuilds the Engine only when the
// intelligence version changed, and assesses the register in parallel.
//
// # The risk model
//
// A score from 0 to 100 is
//
//	100 × likelihood × impact × (1 − controls)
//
// Each part is a number from 0 to 1 built from a few factors, every one of
// which is listed with its weight and a sentence saying why, so that a
// clinical engineer can check the score by hand.
//
// Likelihood — how likely the device is to be compromised. Each factor is
// a chance on its own; they combine as independent chances, 1 − (1 − a)
// × (1 − b) × …, so adding a factor always raises likelihood but never
// past 1:
//
//   - network 0.05: any connected device;
//   - kev 0.6 (0.7 when ransomware uses it): an open finding is in CISA's
//     Known Exploited Vulnerabilities catalogue;
//   - epss 0.6 × the highest EPSS score (FIRST's chance of exploitation in
//     the next 30 days);
//   - cvss 0.4 × the highest CVSS base score / 10;
//   - fix_age 0.05, 0.15 or 0.25: a vendor fix public for 30 days, 90 days
//     or a year and not applied;
//   - unsupported 0.3: the OS gets no more security updates (0.1 when they
//     end within six months; 0.2 when the model's manufacturer support has
//     ended);
//   - internet 0.3, or 0.5 when internet hosts open the connections;
//   - inbound_remote 0.25: other devices open RDP, VNC, TeamViewer,
//     AnyDesk, SSH or Telnet sessions to it;
//   - flat_network 0.15 (20+ peers or 5+ subnets) or 0.25 (50+ peers or
//     10+ subnets) in the last 30 days: nothing limits who reaches it.
//
// Findings count by their status: open ones fully; fixed and not affected
// ones not at all; mitigated ones at a third (their controls remove most
// of the risk); risk-accepted ones at a half until the acceptance expires,
// then fully. A possible match (the version is unknown) counts at half of
// that. The finding factors take the strongest finding after these
// weights.
//
// Impact — what a compromise would harm. The recorded criticality when
// the register has one (life-sustaining 1.0, high 0.85, medium 0.6, low
// 0.3), since the clinical engineers know how the device is used;
// otherwise the category: infusion pumps and patient monitors 1.0,
// imaging modalities and medical servers 0.8, other medical devices 0.75,
// medical workstations and lab analysers 0.7, servers and network
// equipment 0.6, workstations 0.45, unknown 0.4, phones, IoT and mobiles
// 0.3, printers 0.2. Handling patient data (seen in traffic or recorded)
// adds 0.1, up to 1.
//
// Controls — the share of the risk that controls remove, combined like
// likelihood and capped at 0.6 (a vulnerable device behind every control
// is still vulnerable, so controls never remove more than that):
//
//   - zone 0.3: a recorded network zone other than a flat one (0.15 when
//     traffic shows the device reaching 20+ peers anyway);
//   - exception_control: each compensating control of the device's active
//     exceptions, its own and its model's (ExceptionService.DevicePlan),
//     explained by the control, the exception and its status. Controls
//     enforced in the network weigh most (guidance step 4): air_gapped
//     0.4, segmented 0.3, allowed_flows_only 0.25; application_allowlisting,
//     supplier_access_on_demand_mfa, outbound_proxy, monitored and
//     no_internet 0.15; unneeded_ports_closed, no_email,
//     no_removable_media, no_external_shares, offline_fallback and backup
//     0.1. That is for a verified control in its kind's usual class (the
//     first listed in cordon.ControlKinds); in place but not verified
//     counts at 60%, recorded in the kind's other class at 75%, planned
//     not at all, nor any control of an expired or revoked exception. A
//     network control (segmented, allowed_flows_only, air_gapped) that
//     traffic contradicts (20+ peers or 5+ subnets), or no_internet and
//     air_gapped while it talks with internet hosts, counts at half. Each
//     kind counts once, at its strongest; a segmented control and a
//     recorded zone say the same thing, so only the stronger counts;
//   - mitigated 0.1: compensating controls recorded on mitigated findings.
//
// So a Windows 7 infusion pump with an open KEV finding used by ransomware
// on a flat network scores above 90, a patched printer that talks with its
// print server scores 1, and the same pump moved into a segmented zone
// with its findings mitigated drops by about half. A verified segmentation
// recorded on an exception takes the same pump from 94 to 66, and revoking
// the exception, or its expiry, puts it back.
//
// Without any intelligence loaded the score rests on exposure (traffic)
// and support states alone.
package assess
