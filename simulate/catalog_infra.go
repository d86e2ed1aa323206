package simulate

// Infrastructure families: the servers and network devices every hospital
// network has. Each fills a role that other devices' behaviours address
// (the PACS receives images, the LIS results, the DC answers DNS …).

var infraFamilies = []*family{
	{id: "core-c9500", profile: "cisco-catalyst-ios-xe", role: "core", category: "network_infrastructure", maker: "Cisco", model: "Catalyst 9000",
		st: stNetwork, ouis: []string{"F4BD9E", "084FA9"}, host: "core-sw%02d", zones: []string{zDC},
		os:   &osInfo{"Cisco IOS XE", "17.3.4"},
		cdp:  &cdpSpec{platform: "cisco C9500-48Y4C", software: iosXE("17.3.4"), caps: 0x29},
		lldp: &lldpSpec{sysDescr: iosXE("17.3.4"), caps: 0x14},
		snmp: &snmpSpec{descr: iosXE("17.3.4"), oid: "1.3.6.1.4.1.9.1.2494"},
		ssh:  "SSH-2.0-Cisco-1.25"},
	{id: "dc-win2019", profile: "windows-domain-controller", role: "dc", category: "server",
		st: stSrv2019, ouis: []string{"005056"}, host: "DC%02d", zones: []string{zDC},
		snmp: &snmpSpec{descr: "Hardware: Intel64 Family 6 Model 85 Stepping 7 AT/AT COMPATIBLE - Software: Windows Version 6.3 (Build 17763 Multiprocessor Free)", oid: "1.3.6.1.4.1.311.1.1.3.1.3"}},
	{id: "fs-win2019", profile: "windows-server-2019", role: "fs", category: "server",
		st: stSrv2019, ouis: []string{"005056"}, host: "FS%02d", zones: []string{zDC}},
	{id: "pacs-sectra", profile: "sectra-pacs", role: "pacs", category: "medical_server", maker: "Sectra", model: "Sectra PACS",
		st: stSrv2016, ouis: []string{"98E743", "C8F750"}, host: "PACS%02d", zones: []string{zDC},
		dicom: &dicomSpec{ae: "SECTRA_PACS", scp: true, impl: dicomImpl{"1.2.752.24.3.3.24", "SECTRA_PACS_24_2"}}},
	{id: "engine-healthshare", profile: "intersystems-healthshare", role: "engine", category: "medical_server", maker: "InterSystems", model: "HealthShare",
		st: stLinuxStatic, ouis: []string{"005056"}, host: "healthshare%02d", zones: []string{zDC},
		web:  &webSpec{server: "InterSystems IRIS/2023.1", title: "InterSystems HealthShare Management Portal", port: 52773},
		snmp: &snmpSpec{descr: "Linux healthshare01 4.18.0-513.9.1.el8_9.x86_64 #1 SMP Thu Nov 16 10:29:04 EST 2023 x86_64", oid: "1.3.6.1.4.1.8072.3.2.10"},
		os:   &osInfo{"Linux", "4.18.0"}},
	{id: "lis-winpath", profile: "lis-winpath", role: "lis", category: "medical_server", maker: "Clinisys", model: "WinPath",
		st: stSrv2016NoSMB, ouis: []string{"005056"}, host: "WINPATH%02d", zones: []string{zDC}},
	{id: "epr-millennium", profile: "cerner-millennium", role: "epr", category: "medical_server", maker: "Cerner", model: "Millennium",
		st: stSrv2019NoSMB, ouis: []string{"005056"}, host: "MILLENNIUM%02d", zones: []string{zDC},
		hl7: &hl7Spec{app: "CERNER", to: "engine", kind: "adt", version: "2.3", every: 3}},
	{id: "nms-linux", profile: "linux-server", role: "nms", category: "server",
		st: stLinuxStatic, ouis: []string{"005056"}, host: "nms%02d", zones: []string{zDC},
		ssh:  "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6",
		snmp: &snmpSpec{descr: "Linux nms01 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64", oid: "1.3.6.1.4.1.8072.3.2.10"},
		os:   &osInfo{"Linux", "5.15.0"}},
	{id: "fw-fortigate", profile: "fortinet-fortigate", role: "fw", category: "network_infrastructure", maker: "Fortinet", model: "FortiGate",
		st: stNetwork, ouis: []string{"085B0E", "D476A0"}, host: "FGT-EDGE%02d", zones: []string{zTransit},
		snmp: &snmpSpec{descr: "FortiGate-200F", oid: "1.3.6.1.4.1.12356.101.1.2006"}},
	{id: "wan-c9300", profile: "cisco-catalyst-ios-xe", role: "wan", category: "network_infrastructure", maker: "Cisco", model: "Catalyst 9000",
		st: stNetwork, ouis: []string{"084FF9", "F4BD9E"}, host: "wan-rtr%02d", zones: []string{zTransit},
		os:   &osInfo{"Cisco IOS XE", "17.6.5"},
		cdp:  &cdpSpec{platform: "cisco C9300-24P", software: iosXE("17.6.5"), caps: 0x29},
		lldp: &lldpSpec{sysDescr: iosXE("17.6.5"), caps: 0x14},
		snmp: &snmpSpec{descr: iosXE("17.6.5"), oid: "1.3.6.1.4.1.9.1.2584"}},
	{id: "dc2-win2019", profile: "windows-domain-controller", role: "dc2", category: "server",
		st: stSrv2019, ouis: []string{"005056"}, host: "DC1%d", zones: []string{zDC},
		snmp: &snmpSpec{descr: "Hardware: Intel64 Family 6 Model 85 Stepping 7 AT/AT COMPATIBLE - Software: Windows Version 6.3 (Build 17763 Multiprocessor Free)", oid: "1.3.6.1.4.1.311.1.1.3.1.3"}},
	{id: "fs-legacy-2008r2", profile: "windows-server-2008-r2", role: "fslegacy", category: "server",
		st: stSrv2008, ouis: []string{"005056"}, host: "FS-LEGACY%02d", zones: []string{zDC}},
	{id: "jump-win2022", profile: "windows-server-2022", role: "jump", category: "server",
		st: stSrv2022, ouis: []string{"005056"}, host: "SUPPLIER-JUMP%02d", zones: []string{zDC}, smb: true},
	{id: "pump-asm", profile: "bd-alaris-systems-manager", role: "pump:BD", category: "medical_server", maker: "BD", model: "Alaris Systems Manager",
		st: stSrv2016NoSMB, ouis: []string{"005056"}, host: "ASM-%02d", zones: []string{zDC},
		web: &webSpec{server: "Microsoft-IIS/10.0", title: "Alaris Systems Manager", port: 80}},
	{id: "mon-pic-ix", profile: "philips-pic-ix", role: "mon:Philips", category: "medical_server", maker: "Philips", model: "IntelliVue Information Center iX",
		st: stSrv2016NoSMB, ouis: []string{"98E743"}, host: "PIC-IX-%02d", zones: []string{zDC}},
	{id: "mon-carescape-gw", profile: "ge-carescape-gateway", role: "mon:GE HealthCare", category: "medical_server", maker: "GE HealthCare", model: "CARESCAPE Gateway",
		st: stSrv2016NoSMB, ouis: []string{"9C7BEF"}, host: "CARESCAPE-GW%02d", zones: []string{zDC}},
	{id: "mon-egateway", profile: "mindray-egateway", role: "mon:Mindray", category: "medical_server", maker: "Mindray", model: "eGateway",
		st: stSrv2016NoSMB, ouis: []string{"98E743"}, host: "EGATEWAY%02d", zones: []string{zDC}},
	{id: "pump-mednet", profile: "icu-medical-mednet", role: "pump:ICU Medical", category: "medical_server", maker: "ICU Medical", model: "MedNet",
		st: stSrv2016NoSMB, ouis: []string{"005056"}, host: "MEDNET%02d", zones: []string{zDC},
		web: &webSpec{server: "Apache-Coyote/1.1", title: "ICU Medical MedNet", port: 8080}},
	{id: "pump-onlinesuite", profile: "bbraun-onlinesuite", role: "pump:B. Braun", category: "medical_server", maker: "B. Braun", model: "OnlineSuite",
		st: stSrv2016NoSMB, ouis: dellOUIs, host: "ONLINESUITE%02d", zones: []string{zDC}},
	{id: "ecg-muse", profile: "ge-muse", role: "muse", category: "medical_server", maker: "GE HealthCare", model: "MUSE",
		st: stSrv2016NoSMB, ouis: []string{"005056"}, host: "MUSE%02d", zones: []string{zDC},
		hl7: &hl7Spec{app: "MUSE", to: "engine", kind: "ecg", version: "2.4", every: 20}},
	{id: "access-c2960x", profile: "cisco-catalyst-ios", role: "access", category: "network_infrastructure", maker: "Cisco", model: "Catalyst",
		st: stNetwork, ouis: []string{"F4BD9E", "084FA9"}, host: "acc-sw%02d", zones: []string{zDC},
		os:   &osInfo{"Cisco IOS", "15.2(4)E7"},
		cdp:  &cdpSpec{platform: "cisco WS-C2960X-48FPD-L", software: "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(4)E7, RELEASE SOFTWARE (fc2)", caps: 0x28},
		lldp: &lldpSpec{sysDescr: "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(4)E7, RELEASE SOFTWARE (fc2)", caps: 0x04},
		snmp: &snmpSpec{descr: "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(4)E7, RELEASE SOFTWARE (fc2)", oid: "1.3.6.1.4.1.9.1.1208"},
		ssh:  "SSH-2.0-Cisco-1.25"},
	{id: "ris-cris", profile: "ris-cris", role: "ris", category: "medical_server", maker: "Magentus", model: "CRIS",
		st: stSrv2016NoSMB, ouis: []string{"005056"}, host: "CRIS-APP%02d", zones: []string{zDC},
		hl7: &hl7Spec{app: "CRIS", to: "engine", kind: "adt", version: "2.4", every: 10}},
	{id: "esxi-host", profile: "vmware-esxi", role: "esxi", category: "server", maker: "VMware",
		st: stNetwork64, ouis: []string{"98E743", "6C2B59"}, host: "esxi%02d", zones: []string{zDC},
		os:   &osInfo{"VMware ESXi", "7.0.3"},
		snmp: &snmpSpec{descr: "VMware ESXi 7.0.3 build-21930508 VMware, Inc. x86_64", oid: "1.3.6.1.4.1.6876.4.1"},
		web:  &webSpec{server: "", title: "VMware ESXi", port: 80}},
	{id: "ps360", profile: "nuance-powerscribe", role: "ps360", category: "medical_server", maker: "Nuance", model: "PowerScribe 360",
		st: stSrv2016NoSMB, ouis: dellOUIs, host: "POWERSCRIBE%02d", zones: []string{zDC},
		sni: []string{"ps360.nuancehdp.com", "api.nuance.com"}},
}

// Stacks of servers that never show an NTLM version (they serve no SMB and
// log on to nothing over the capture), so the profile's OS stands.
var (
	stSrv2016NoSMB = &stack{name: "srv2016-nosmb", ttl: 128, windows: true, ver: winVersion{10, 0, 14393}}
	stSrv2019NoSMB = &stack{name: "srv2019-nosmb", ttl: 128, windows: true, ver: winVersion{10, 0, 17763}}
	stNetwork64    = &stack{name: "esxi", ttl: 64}
)

func iosXE(v string) string {
	return "Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version " + v + ", RELEASE SOFTWARE (fc3)"
}
