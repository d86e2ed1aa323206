package classify

import (
	"testing"

	"github.com/cordonsec/cordon"
)

func TestInferOS(t *testing.T) {
	dc := &cordon.Device{Services: []cordon.Service{{Proto: "tcp", Port: 88, Role: "server"}}}
	tests := []struct {
		name     string
		device   *cordon.Device
		facts    map[string]string
		wantName string
		wantVer  string
	}{
		{"NativeOS", nil, map[string]string{"smb.native_os": "Windows 7 Professional 7601 Service Pack 1"}, "Windows 7", "6.1.7601"},
		{"NativeOSServer", nil, map[string]string{"smb.native_os": "Windows Server 2008 R2 Standard 7601 Service Pack 1"}, "Windows Server 2008 R2", "6.1.7601"},
		{"NativeOSXP", nil, map[string]string{"smb.native_os": "Windows 5.1"}, "Windows XP", "5.1.2600"},
		{"NTLMClient", nil, map[string]string{"ntlm.os_version": "6.1.7601"}, "Windows 7", "6.1.7601"},
		{"NTLMDomainController", dc, map[string]string{"ntlm.os_version": "6.1.7601"}, "Windows Server 2008 R2", "6.1.7601"},
		{"NTLMServer2022", nil, map[string]string{"ntlm.os_version": "10.0.20348"}, "Windows Server 2022", "10.0.20348"},
		{"NTLMWin11", nil, map[string]string{"ntlm.os_version": "10.0.22631"}, "Windows 11", "10.0.22631"},
		{"SpecificBeatsGeneric", nil, map[string]string{"dhcp.vendor_class": "MSFT 5.0", "ntlm.os_version": "10.0.19045"}, "Windows 10", "10.0.19045"},
		{"UserAgent", nil, map[string]string{"http.user_agent": "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)"}, "Windows 7", "6.1"},
		{"Android", nil, map[string]string{"dhcp.vendor_class": "android-dhcp-13"}, "Android", "13"},
		{"IOS", nil, map[string]string{"snmp.sys_descr": "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(4)E7, RELEASE SOFTWARE (fc2)"}, "Cisco IOS", "15.2(4)E7"},
		{"LinuxSNMP", nil, map[string]string{"snmp.sys_descr": "Linux pacs01 4.19.0-21-amd64 #1 SMP Debian 4.19.249-2 x86_64"}, "Linux", "4.19.0"},
		{"Nothing", nil, map[string]string{"dhcp.hostname": "PUMP-1"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.device
			if d == nil {
				d = &cordon.Device{}
			}
			var ev []cordon.Evidence
			for f, v := range tt.facts {
				ev = append(ev, cordon.Evidence{Fact: f, Value: v})
			}
			got, reason := inferOS(ev, d)
			if got.Name != tt.wantName || got.Version != tt.wantVer {
				t.Errorf("OS = %+v, want %s %s", got, tt.wantName, tt.wantVer)
			}
			if got.Name != "" && len(reason.Facts) == 0 {
				t.Error("OS conclusion has no facts behind it")
			}
		})
	}
}

func TestOSCPE(t *testing.T) {
	tests := []struct {
		os   cordon.OS
		want string
	}{
		{cordon.OS{Name: "Windows 7", Version: "6.1.7601"}, "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"},
		{cordon.OS{Name: "Windows 10", Version: "10.0.19045"}, "cpe:2.3:o:microsoft:windows_10_22h2:-:*:*:*:*:*:*:*"},
		{cordon.OS{Name: "Windows Server 2008 R2", Version: "6.1.7601"}, "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*"},
		{cordon.OS{Name: "Cisco IOS", Version: "15.2(4)E7"}, `cpe:2.3:o:cisco:ios:15.2\(4\)e7:*:*:*:*:*:*:*`},
		{cordon.OS{Name: "VxWorks"}, ""},
	}
	for _, tt := range tests {
		if got := osCPE(tt.os); got != tt.want {
			t.Errorf("osCPE(%+v) = %q, want %q", tt.os, got, tt.want)
		}
	}
}

func TestSoftwareCPE(t *testing.T) {
	tests := []struct {
		fn       func(string) string
		in, want string
	}{
		{sshCPE, "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7", "cpe:2.3:a:openbsd:openssh:7.4:p1:*:*:*:*:*:*"},
		{sshCPE, "SSH-2.0-dropbear_2019.78", "cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2019.78:*:*:*:*:*:*:*"},
		{httpServerCPE, "Apache/2.4.41 (Ubuntu)", "cpe:2.3:a:apache:http_server:2.4.41:*:*:*:*:*:*:*"},
		{httpServerCPE, "Microsoft-IIS/7.5", "cpe:2.3:a:microsoft:internet_information_services:7.5:*:*:*:*:*:*:*"},
		{httpServerCPE, "Apache", ""},
		{dicomToolkitCPE, "OFFIS_DCMTK_367", "cpe:2.3:a:offis:dcmtk:3.6.7:*:*:*:*:*:*:*"},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("cpe(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
