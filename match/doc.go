// Package match finds the vulnerabilities that apply to a device: it
// evaluates NVD's CPE applicability configurations (AND/OR nodes, negation,
// vulnerable and platform-only criteria, version ranges, update fields)
// against the CPE names of a device's OS, firmware and software, and says
// for each finding whether the evidence pins the affected version
// ("confirmed") or cannot ("possible": a Windows 10 machine whose build is
// unknown, a product seen without a version).
//
// It is pure: no I/O, no clock, no logging. An Index is built once from the
// vulnerabilities and is safe for concurrent use by many goroutines. It
// remembers what it selected for each distinct device name and the matches
// of each distinct device (bounded by SetCacheMatches), because a
// hospital's devices are copies of a few thousand images; see "Vulnerability
// matching" in docs/benchmarks.md.
//
// Rules beyond CPE name matching, each of which is explained where it is
// applied:
//
//   - A configuration makes a finding only through a criterion marked
//     vulnerable that the device satisfies; platform criteria ("running on
//     Windows 7") are conditions only.
//   - A device name's version "*" is unknown. Its "-" is definite for
//     applications and hardware, but for an operating system it means only
//     that the CPE does not carry the build, so the OS version the device
//     reported (Device.OS.Version) is used, and failing that the criterion
//     is possible.
//   - "windows_10" and "windows_11" without a release stand for every
//     release: criteria on windows_10_22h2 etc. are possible.
//   - Some components are implied by the OS: SMBv1
//     (cpe:2.3:a:microsoft:server_message_block:1.0), which NVD lists as the
//     vulnerable product of MS17-010, ships enabled with Windows up to 8.1,
//     Server 2016 and Windows 10 1607; it is also implied when traffic shows
//     the device serving SMB1. A windows_10_1607 name also stands for
//     NVD's older windows_10:1607.
//   - Unknown edition, language, target software or hardware (x64/x86) do
//     not lower a match: devices rarely show them and NVD lists every
//     architecture. An unknown update does ("sp1" needed, none known).
package match
