package simulate

// stack is the network behaviour of one operating system: TTL, DHCP
// fingerprint, Windows name services, NTLM version and SMB strings.
type stack struct {
	name       string
	ttl        uint8
	linuxPorts bool       // ephemeral ports 32768-60999 rather than 49152-65535
	dhcp       *dhcpStyle // nil: static address
	windows    bool       // NBNS, LLMNR, DHCPv6, SSDP search
	ver        winVersion
	smb1       bool // speaks only SMB1 (old consoles, XP)
	dialects   []uint16
	nativeOS   string
	lanman     string
	os         osInfo // what its own traffic proves (NTLM, SMB, DHCP)
}

// osInfo is an operating system name and version as Truth reports it.
type osInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

var (
	msParamsXP  = []byte{1, 15, 3, 6, 44, 46, 47, 31, 33, 249, 43}
	msParams7   = []byte{1, 15, 3, 6, 44, 46, 47, 31, 33, 121, 249, 43, 252}
	msParams10  = []byte{1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252}
	smb1Legacy  = []string{"PC NETWORK PROGRAM 1.0", "LANMAN1.0", "Windows for Workgroups 3.1a", "LM1.2X002", "LANMAN2.1", "NT LM 0.12"}
	dialects21  = []uint16{0x0202, 0x0210}
	dialects311 = []uint16{0x0202, 0x0210, 0x0300, 0x0302, 0x0311}
)

var (
	stWinXP = &stack{name: "winxp", ttl: 128, windows: true, smb1: true,
		dhcp:     &dhcpStyle{vendorClass: "MSFT 5.0", params: msParamsXP, clientID: true, hostname: true},
		ver:      winVersion{5, 1, 2600},
		nativeOS: "Windows 5.1", lanman: "Windows 2000 LAN Manager",
		os: osInfo{"Windows XP", "5.1.2600"}}
	stWin7 = &stack{name: "win7", ttl: 128, windows: true, smb1: true,
		dhcp:     &dhcpStyle{vendorClass: "MSFT 5.0", params: msParams7, clientID: true, hostname: true, fqdn: true},
		ver:      winVersion{6, 1, 7601},
		nativeOS: "Windows 7 Professional 7601 Service Pack 1", lanman: "Windows 7 Professional 6.1",
		os: osInfo{"Windows 7", "6.1.7601"}}
	stWES7 = &stack{name: "wes7", ttl: 128, windows: true, smb1: true,
		dhcp:     &dhcpStyle{vendorClass: "MSFT 5.0", params: msParams7, clientID: true, hostname: true, fqdn: true},
		ver:      winVersion{6, 1, 7601},
		nativeOS: "Windows Embedded Standard 7601 Service Pack 1", lanman: "Windows Embedded Standard 6.1",
		os: osInfo{"Windows Embedded Standard 7", "6.1.7601"}}
	stWin10 = &stack{name: "win10", ttl: 128, windows: true, dialects: dialects311,
		dhcp: &dhcpStyle{vendorClass: "MSFT 5.0", params: msParams10, clientID: true, hostname: true, fqdn: true},
		ver:  winVersion{10, 0, 19045},
		os:   osInfo{"Windows 10", "10.0.19045"}}
	stWin11 = &stack{name: "win11", ttl: 128, windows: true, dialects: dialects311,
		dhcp: &dhcpStyle{vendorClass: "MSFT 5.0", params: msParams10, clientID: true, hostname: true, fqdn: true},
		ver:  winVersion{10, 0, 22631},
		os:   osInfo{"Windows 11", "10.0.22631"}}
	// Static consoles: modality vendors fix the address of the console.
	stWin7Static  = &stack{name: "win7-static", ttl: 128, windows: true, smb1: true, ver: winVersion{6, 1, 7601}, nativeOS: stWin7.nativeOS, lanman: stWin7.lanman, os: stWin7.os}
	stWES7Static  = &stack{name: "wes7-static", ttl: 128, windows: true, smb1: true, ver: winVersion{6, 1, 7601}, nativeOS: stWES7.nativeOS, lanman: stWES7.lanman, os: stWES7.os}
	stWinXPStatic = &stack{name: "winxp-static", ttl: 128, windows: true, smb1: true, ver: winVersion{5, 1, 2600}, nativeOS: stWinXP.nativeOS, lanman: stWinXP.lanman, os: stWinXP.os}
	stWin10Static = &stack{name: "win10-static", ttl: 128, windows: true, dialects: dialects311, ver: winVersion{10, 0, 19045}, os: stWin10.os}

	stSrv2008 = &stack{name: "srv2008r2", ttl: 128, windows: true, dialects: dialects21, ver: winVersion{6, 1, 7601},
		nativeOS: "Windows Server 2008 R2 Standard 7601 Service Pack 1", lanman: "Windows Server 2008 R2 Standard 6.1",
		os: osInfo{"Windows Server 2008 R2", "6.1.7601"}}
	stSrv2016 = &stack{name: "srv2016", ttl: 128, windows: true, dialects: dialects311, ver: winVersion{10, 0, 14393}, os: osInfo{"Windows Server 2016", "10.0.14393"}}
	stSrv2019 = &stack{name: "srv2019", ttl: 128, windows: true, dialects: dialects311, ver: winVersion{10, 0, 17763}, os: osInfo{"Windows Server 2019", "10.0.17763"}}
	stSrv2022 = &stack{name: "srv2022", ttl: 128, windows: true, dialects: dialects311, ver: winVersion{10, 0, 20348}, os: osInfo{"Windows Server 2022", "10.0.20348"}}

	stLinux = &stack{name: "linux-dhclient", ttl: 64, linuxPorts: true,
		dhcp: &dhcpStyle{params: []byte{1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42}, hostname: true}}
	stLinuxStatic = &stack{name: "linux-static", ttl: 64, linuxPorts: true}
	stUdhcpc      = &stack{name: "udhcpc", ttl: 64, linuxPorts: true,
		dhcp: &dhcpStyle{vendorClass: "udhcp 1.31.1", params: []byte{1, 3, 6, 12, 15, 28, 42}, maxSize: 576, clientID: true, hostname: true}}
	stRTOS = &stack{name: "rtos", ttl: 64,
		dhcp: &dhcpStyle{params: []byte{1, 3, 6, 15, 12}, clientID: true, hostname: true}}
	stRTOSStatic = &stack{name: "rtos-static", ttl: 64}
	stAndroid    = &stack{name: "android", ttl: 64, linuxPorts: true,
		dhcp: &dhcpStyle{vendorClass: "android-dhcp-13", params: []byte{1, 3, 6, 15, 26, 28, 51, 58, 59, 43, 114, 108}, maxSize: 1500, clientID: true, hostname: true},
		os:   osInfo{"Android", "13"}}
	stApple = &stack{name: "apple", ttl: 64,
		dhcp: &dhcpStyle{params: []byte{1, 121, 3, 6, 15, 108, 114, 119, 252, 95, 44, 46}, maxSize: 1500, clientID: true, hostname: true}}
	stNetwork   = &stack{name: "network-os", ttl: 255}
	stEmbedDHCP = &stack{name: "embedded-dhcp", ttl: 64,
		dhcp: &dhcpStyle{params: []byte{1, 3, 6, 15, 44, 12, 81}, clientID: true, hostname: true}}
)
