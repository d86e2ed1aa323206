package simulate

// IT families: desktops, printers, phones, building systems and mobiles.

var (
	hpIncOUIs = []string{"040E3C", "F80DAC", "508140"}
	ciscoOUIs = []string{"F4BD9E", "084FA9", "084FF9"}
	allZones  = []string{zED, zICU, zTheatres, zWards, zRadiology, zPathology, zPharmacy, zOutpatient, zCorporate}
)

var workstationFamilies = []*family{
	{id: "dell-optiplex-win10", makerByNIC: true, profile: "dell-workstation", category: "workstation", maker: "Dell",
		st: stWin10, ouis: dellOUIs, host: "RXH-PC-%05d", zones: allZones, weight: 120, remote: true, smb: true, print: true, winUpdate: true,
		sni: []string{"login.microsoftonline.com", "outlook.office365.com", "nhs.sharepoint.com"}},
	{id: "hp-elitedesk-win11", makerByNIC: true, profile: "hp-workstation", category: "workstation", maker: "HP",
		st: stWin11, ouis: hpIncOUIs, host: "RXH-HP-%05d", zones: []string{zCorporate, zOutpatient, zWards}, weight: 50, remote: true, smb: true, print: true, winUpdate: true,
		sni: []string{"login.microsoftonline.com", "teams.microsoft.com"}},
	{id: "lenovo-thinkpad-win10", makerByNIC: true, profile: "lenovo-workstation", category: "workstation", maker: "Lenovo",
		st: stWin10, ouis: []string{"10C595"}, host: "RXH-LT-%05d", zones: []string{zCorporate, zOutpatient}, weight: 30, smb: true, print: true,
		sni: []string{"login.microsoftonline.com", "outlook.office365.com"}},
	{id: "dell-legacy-win7", makerByNIC: true, profile: "dell-workstation", category: "workstation", maker: "Dell",
		st: stWin7, ouis: dellOUIs, host: "RXH-PC-%05d", zones: []string{zWards, zPathology, zPharmacy}, weight: 8, smb: true, print: true},
	{id: "surface-pro-win11", makerByNIC: true, profile: "microsoft-surface", category: "workstation", maker: "Microsoft", model: "Surface",
		st: stWin11, ouis: []string{"70BC10"}, host: "RXH-SURF-%04d", zones: []string{zCorporate}, weight: 6, smb: true,
		sni: []string{"login.microsoftonline.com"}},
	{id: "apple-macbook", profile: "apple-mac", category: "workstation", maker: "Apple", model: "Mac",
		st: stApple, ouis: []string{"608B0E", "88B291"}, host: "MacBook-Pro-%03d", zones: []string{zCorporate}, weight: 4,
		os:   &osInfo{"macOS", ""},
		mdns: []mdnsService{{typ: "_device-info._tcp", port: 0, txt: []string{"model=MacBookPro18,3", "osxvers=23"}}, {typ: "_companion-link._tcp", port: 49154, txt: []string{"rpMd=MacBookPro18,3", "rpVr=510.5.1"}}},
		sni:  []string{"gateway.icloud.com"}},
}

func printer(id, profile, maker, model string, ouis []string, host, descr, oid, ty string, extra func(*family)) *family {
	f := &family{id: id, profile: profile, category: "printer", maker: maker, model: model,
		st: stEmbedDHCP, ouis: ouis, host: host, zones: []string{zCorporate, zWards, zOutpatient, zED, zPathology, zPharmacy}, weight: 6,
		snmp: &snmpSpec{descr: descr, oid: oid},
		mdns: []mdnsService{{typ: "_ipp._tcp", port: 631, txt: []string{"txtvers=1", "ty=" + ty, "usb_MFG=" + maker, "usb_MDL=" + model, "product=(" + ty + ")", "pdl=application/pdf,image/urf"}}},
	}
	if extra != nil {
		extra(f)
	}
	return f
}

var printerFamilies = []*family{
	printer("hp-laserjet-m607", "hp-printer", "HP", "", hpIncOUIs, "NPI%06X",
		"HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI23900036,CIDATE 02/19/2021", "1.3.6.1.4.1.11.2.3.9.1", "HP LaserJet Enterprise M607",
		func(f *family) {
			f.vendorClass = "Hewlett-Packard JetDirect"
			f.web = &webSpec{server: "HP HTTP Server; HP LaserJet Enterprise M607 - E6B67A; Serial Number: PHBLM12345", title: "HP LaserJet Enterprise M607", port: 80}
			f.weight = 14
			f.mdns[0].txt[3] = "usb_MDL=HP LaserJet Enterprise M607"
		}),
	printer("ricoh-im-c3000", "ricoh-mfd", "Ricoh", "", []string{"583879", "002673"}, "RNP%06X",
		"RICOH IM C3000 1.07 / RICOH Network Printer C model / RICOH Network Scanner C model / RICOH Network Facsimile C model", "1.3.6.1.4.1.367.1.1", "RICOH IM C3000",
		func(f *family) {
			f.ftp = "220 RICOH IM C3000 FTP server (6.06) ready."
			f.mdns[0].txt[3] = "usb_MDL=IM C3000"
		}),
	printer("xerox-altalink-c8145", "xerox-mfd", "Xerox", "", []string{"9C934E"}, "XRX%06X",
		"Xerox AltaLink C8145; SS 103.008.031.24700, NC 103.031.24700, UI 103.031.24700", "1.3.6.1.4.1.253.8.62.1.21.1.2.1", "Xerox AltaLink C8145",
		func(f *family) { f.mdns[0].txt[3] = "usb_MDL=AltaLink C8145" }),
	printer("canon-iradv-c5535", "canon-mfd", "Canon", "", []string{"84BA3B", "60128B"}, "CANON%06X",
		"Canon iR-ADV C5535 /P", "1.3.6.1.4.1.1602.4.7", "Canon iR-ADV C5535",
		func(f *family) { f.mdns[0].txt[3] = "usb_MDL=iR-ADV C5535" }),
	printer("brother-hl-l6400", "brother-printer", "Brother", "", []string{"3C2AF4"}, "BRN%06X",
		"Brother NC-8300h, Firmware Ver.1.10  (19.10.15),MID 8CE-F21,FID 2", "1.3.6.1.4.1.2435.2.3.9.1", "Brother HL-L6400DW series",
		func(f *family) { f.mdns[0].txt[3] = "usb_MDL=HL-L6400DW series" }),
	printer("lexmark-ms621", "lexmark-printer", "Lexmark", "", []string{"788C77", "0021B7"}, "ET%06X",
		"Lexmark MS621 version MSNGM.240.024", "1.3.6.1.4.1.641.6.1.2", "Lexmark MS621",
		func(f *family) { f.mdns[0].txt[3] = "usb_MDL=MS621" }),
	printer("kyocera-ecosys-m3655", "kyocera-mfd", "Kyocera", "", []string{"D4F0C9"}, "KM%06X",
		"KYOCERA Document Solutions Printing System", "1.3.6.1.4.1.1347.41", "Kyocera ECOSYS M3655idn",
		func(f *family) { f.mdns[0].txt[3] = "usb_MDL=ECOSYS M3655idn" }),
	printer("konica-bizhub-c300i", "konica-minolta-bizhub", "Konica Minolta", "bizhub", []string{"0050AA"}, "KMBT%06X",
		"KONICA MINOLTA bizhub C300i", "1.3.6.1.4.1.18334.1.1.1.2.1.48.1.1", "KONICA MINOLTA bizhub C300i",
		func(f *family) { f.mdns[0].txt[3] = "usb_MDL=bizhub C300i" }),
	{id: "zebra-zd621", profile: "zebra-label-printer", category: "printer", maker: "Zebra",
		st: stEmbedDHCP, ouis: []string{"002368", "84248D"}, host: "zd621-%04d", zones: []string{zPathology, zPharmacy, zWards, zED}, weight: 6,
		snmp: &snmpSpec{descr: "ZebraNet Wired PS 2.0.8 ZD621", oid: "1.3.6.1.4.1.10642.1.1"}},
}

var networkFamilies = []*family{
	{id: "aruba-ap-515", profile: "aruba-ap", category: "network_infrastructure", maker: "Aruba",
		st: stUdhcpc, ouis: []string{"000B86", "D8C7C8"}, host: "ap515-%03d", zones: []string{zCorporate, zWards, zED, zICU, zOutpatient}, weight: 12, vendorClass: "ArubaAP",
		os:   &osInfo{"ArubaOS", "8.10.0.6"},
		snmp: &snmpSpec{descr: "ArubaOS (MODEL: 515), Version 8.10.0.6", oid: "1.3.6.1.4.1.14823.1.2.111"}},
	{id: "juniper-ex4300", profile: "juniper", category: "network_infrastructure", maker: "Juniper",
		st: stNetwork64, ouis: []string{"94F7AD"}, host: "dc-ex%02d", zones: []string{zDC}, weight: 1,
		os:   &osInfo{"Junos", "21.4R3-S4.9"},
		lldp: &lldpSpec{sysDescr: "Juniper Networks, Inc. ex4300-48t Ethernet Switch, kernel JUNOS 21.4R3-S4.9, Build date: 2023-04-21 04:25:19 UTC", caps: 0x14},
		snmp: &snmpSpec{descr: "Juniper Networks, Inc. ex4300-48t Ethernet Switch, kernel JUNOS 21.4R3-S4.9, Build date: 2023-04-21 04:25:19 UTC", oid: "1.3.6.1.4.1.2636.1.1.1.2.63"},
		ssh:  "SSH-2.0-OpenSSH_7.5"},
}

var phoneFamilies = []*family{
	{id: "cisco-cp-8841", profile: "cisco-ip-phone", category: "voip_phone", maker: "Cisco",
		st: stPhone, ouis: ciscoOUIs, host: "SEP%012X", zones: allZones, weight: 45, vendorClass: "Cisco Systems, Inc. IP Phone CP-8841",
		cdp:  &cdpSpec{platform: "Cisco IP Phone 8841", software: "sip88xx.14-1-1-0001-136", caps: 0x490},
		lldp: &lldpSpec{sysDescr: "Cisco IP Phone CP-8841, V3, sip88xx.14-1-1-0001-136", caps: 0x24, med: &lldpMED{hw: "3", fw: "8841", sw: "sip88xx.14-1-1-0001-136", serial: "FCH2231A1BC", mfr: "Cisco Systems, Inc.", model: "CP-8841"}}},
	{id: "poly-vvx-450", profile: "poly-phone", category: "voip_phone", maker: "Poly", model: "VVX",
		st: stUdhcpc, ouis: []string{"64167F", "0004F2"}, host: "vvx450-%04d", zones: []string{zCorporate, zOutpatient}, weight: 15,
		lldp: &lldpSpec{sysDescr: "Polycom;VVX-VVX_450;3111-48450-001,6;SIP/6.4.3.5013/01-Jun-22 10:15;UP/6.4.3.5013/01-Jun-22 10:15;", caps: 0x24, med: &lldpMED{hw: "3111-48450-001 Rev:6", fw: "6.4.3.5013", sw: "6.4.3.5013", serial: "64167F123456", mfr: "Polycom", model: "VVX 450"}}},
	{id: "yealink-t54w", profile: "yealink-phone", category: "voip_phone", maker: "Yealink", model: "T5 Series",
		st: stUdhcpc, ouis: []string{"805EC0", "249AD8"}, host: "t54w-%04d", zones: []string{zCorporate, zWards}, weight: 10,
		lldp: &lldpSpec{sysDescr: "SIP-T54W 96.86.0.70", caps: 0x24, med: &lldpMED{hw: "96.0.0.128.0.0.0", fw: "96.86.0.70", sw: "96.86.0.70", serial: "8050201234567890", mfr: "Yealink", model: "SIP-T54W"}}},
	{id: "avaya-j179", profile: "avaya-phone", category: "voip_phone", maker: "Avaya", model: "9600 Series",
		st: stUdhcpc, ouis: []string{"C81FEA", "BCADAB"}, host: "avaya-%04d", zones: []string{zCorporate}, weight: 6, vendorClass: "ccp.avaya.com"},
	{id: "vocera-b3000n", profile: "vocera-badge", category: "voip_phone", maker: "Vocera", model: "Vocera Badge",
		st: stRTOS, ouis: []string{"0009EF"}, host: "vocera-%04d", zones: []string{zWards, zED, zICU}, weight: 12},
}

// stPhone is a Cisco phone's DHCP client (option 150 TFTP, 66 boot server).
var stPhone = &stack{name: "cisco-phone", ttl: 64,
	dhcp: &dhcpStyle{params: []byte{1, 3, 6, 12, 15, 42, 66, 150}, clientID: true, hostname: true}}

var iotFamilies = []*family{
	{id: "axis-p3245", profile: "axis-camera", category: "iot", maker: "Axis",
		st: stUdhcpc, ouis: []string{"ACCC8E", "B8A44F"}, host: "axis-%012x", zones: []string{zBMS}, weight: 14,
		mdns: []mdnsService{{typ: "_axis-video._tcp", port: 80, txt: []string{"macaddress=ACCC8E000000"}}, {typ: "_http._tcp", port: 80, txt: []string{"path=/"}}}},
	{id: "hikvision-ds2cd", profile: "hikvision-camera", category: "iot", maker: "Hikvision",
		st: stUdhcpc, ouis: []string{"4447CC", "5803FB"}, host: "", zones: []string{zBMS}, weight: 10,
		web:  &webSpec{server: "Hikvision-Webs", title: "Hikvision", port: 80},
		ssdp: "Linux/3.10 UPnP/1.0 Hikvision-Webs/1.0"},
	{id: "jci-metasys-nae", profile: "johnson-controls-metasys", category: "iot", maker: "Johnson Controls", model: "Metasys",
		st: stRTOSStatic, ouis: []string{"00108D"}, host: "", zones: []string{zBMS}, weight: 3,
		web: &webSpec{server: "Microsoft-IIS/8.5", title: "Metasys Site Management Portal", port: 80}},
	{id: "siemens-desigo-pxc", profile: "siemens-desigo", category: "iot", maker: "Siemens", model: "Desigo",
		st: stRTOSStatic, ouis: []string{"00C0E4"}, host: "", zones: []string{zBMS}, weight: 3,
		web: &webSpec{server: "", title: "Desigo PXC Web", port: 80}},
	{id: "honeywell-niagara-jace", profile: "honeywell-niagara", category: "iot", maker: "Honeywell", model: "Niagara",
		st: stRTOSStatic, ouis: []string{"0001F0"}, host: "", zones: []string{zBMS}, weight: 2,
		web: &webSpec{server: "Niagara Web Server/4.10.5.22", title: "Niagara", port: 80}},
	{id: "apc-smart-ups", profile: "apc-ups", category: "iot", maker: "APC", model: "Smart-UPS",
		st: stRTOSStatic, ouis: []string{"00C0B7"}, host: "", zones: []string{zDC, zBMS}, weight: 4,
		snmp: &snmpSpec{descr: "APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.8.2 PN:apc_hw05_aos_682.bin AF1:v6.8.2 AN1:apc_hw05_sumx_682.bin MN:AP9630 HR:05 SN: ZA1234567890 MD:01/01/2019)", oid: "1.3.6.1.4.1.318.1.3.27"},
		tel:  "American Power Conversion               Network Management Card AOS      v6.8.2"},
	{id: "hillrom-navicare", profile: "hillrom-navicare-nurse-call", category: "iot", maker: "Baxter", model: "NaviCare",
		st: stWin10Static, ouis: dellOUIs, host: "NAVICARE-%02d", zones: []string{zBMS, zWards}, weight: 2},
	{id: "raspberry-pi-4", profile: "raspberry-pi", category: "iot", maker: "Raspberry Pi",
		st: stLinux, ouis: []string{"DCA632", "E45F01"}, host: "raspberrypi-%02d", zones: []string{zBMS, zCorporate}, weight: 2,
		vendorClass: "dhcpcd-9.4.1:Linux-6.1.21-v8+:aarch64:BCM2835", os: &osInfo{"Linux", "6.1.21"}},
}

var mobileFamilies = []*family{
	{id: "apple-iphone", profile: "apple-iphone", category: "mobile", maker: "Apple", model: "iPhone",
		st: stApple, ouis: []string{"608B0E", "C42AD0"}, host: "iPhone-%03d", zones: []string{zGuest}, weight: 30,
		os:   &osInfo{"iOS", ""},
		mdns: []mdnsService{{typ: "_companion-link._tcp", port: 49152, txt: []string{"rpMd=iPhone14,5", "rpVr=510.5.1"}}},
		sni:  []string{"gateway.icloud.com", "api.apple-cloudkit.com"},
		ua:   "CaptiveNetworkSupport-443.0.3 wispr", uaURL: "captive.apple.com/hotspot-detect.html"},
	{id: "apple-ipad", profile: "apple-ipad", category: "mobile", maker: "Apple", model: "iPad",
		st: stApple, ouis: []string{"88B291", "C42AD0"}, host: "iPad-%03d", zones: []string{zWards, zGuest}, weight: 10,
		os:   &osInfo{"iOS", ""},
		mdns: []mdnsService{{typ: "_companion-link._tcp", port: 49152, txt: []string{"rpMd=iPad13,18", "rpVr=510.5.1"}}},
		sni:  []string{"gateway.icloud.com"}},
	{id: "samsung-galaxy-s23", profile: "samsung-galaxy", category: "mobile", maker: "Samsung", model: "Galaxy",
		st: stAndroid, ouis: []string{"7C8956", "D0D003"}, host: "Galaxy-S23-%03d", zones: []string{zGuest}, weight: 25,
		sni: []string{"android.googleapis.com", "www.google.com"},
		ua:  "Dalvik/2.1.0 (Linux; U; Android 13; SM-S911B Build/TP1A.220624.014)", uaURL: "connectivitycheck.gstatic.com/generate_204"},
	{id: "zebra-tc52", profile: "zebra-android-handheld", category: "mobile", maker: "Zebra", model: "TC52",
		st: stAndroid, ouis: []string{"94FB29"}, host: "TC52-%04d", zones: []string{zWards, zPharmacy}, weight: 8,
		ua: "Dalvik/2.1.0 (Linux; U; Android 13; TC52 Build/13-28-01.00-TG-U00-STD)", uaURL: "connectivitycheck.gstatic.com/generate_204"},
}
