package cordon_test

import (
	"reflect"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestDifferencesTable(t *testing.T) {
	mac, _ := cordon.ParseMAC("00:09:fb:01:02:03")
	obs := &cordon.Device{
		MAC: mac, IPs: []string{"10.1.2.3", "10.1.9.9"}, Hostnames: []string{"CT01.radiology.example.nhs.uk"},
		Manufacturer: "Siemens Healthineers", Model: "SOMATOM go.Up", Category: cordon.CategoryImagingModality,
		OS: cordon.OS{Name: "Windows 7", Version: "6.1.7601"},
	}
	tests := []struct {
		name string
		obs  *cordon.Device
		rec  cordon.Recorded
		want []cordon.Difference
	}{
		{"NothingRecorded", obs, cordon.Recorded{}, nil},
		{"NothingObserved", nil, cordon.Recorded{OS: "Windows 10"}, nil},
		{"AllAgree", obs, cordon.Recorded{OS: "windows 7", Manufacturer: "SIEMENS HEALTHINEERS", Model: "Somatom go.Up",
			Category: cordon.CategoryImagingModality, Hostname: "ct01", IP: "10.1.9.9", MAC: "00-09-FB-01-02-03"}, nil},
		{"OS", obs, cordon.Recorded{OS: "Windows 10"}, []cordon.Difference{{Field: "os", Recorded: "Windows 10", Observed: "Windows 7"}}},
		{"OSLessSpecific", obs, cordon.Recorded{OS: "Windows"}, nil},
		{"ManufacturerShortForm", obs, cordon.Recorded{Manufacturer: "Siemens"}, nil},
		{"Manufacturer", obs, cordon.Recorded{Manufacturer: "GE Healthcare"}, []cordon.Difference{{Field: "manufacturer", Recorded: "GE Healthcare", Observed: "Siemens Healthineers"}}},
		{"ManufacturerPunctuation", &cordon.Device{Manufacturer: "B. Braun"}, cordon.Recorded{Manufacturer: "B Braun"}, nil},
		{"Model", obs, cordon.Recorded{Model: "SOMATOM Force"}, []cordon.Difference{{Field: "model", Recorded: "SOMATOM Force", Observed: "SOMATOM go.Up"}}},
		{"Category", obs, cordon.Recorded{Category: cordon.CategoryWorkstation}, []cordon.Difference{{Field: "category", Recorded: "workstation", Observed: "imaging_modality"}}},
		{"CategoryUnknownObserved", &cordon.Device{Category: cordon.CategoryUnknown}, cordon.Recorded{Category: cordon.CategoryPrinter}, nil},
		{"HostnameFQDN", obs, cordon.Recorded{Hostname: "ct01.radiology.example.nhs.uk."}, nil},
		{"Hostname", obs, cordon.Recorded{Hostname: "ct02"}, []cordon.Difference{{Field: "hostname", Recorded: "ct02", Observed: "CT01.radiology.example.nhs.uk"}}},
		{"HostnameOtherDomain", obs, cordon.Recorded{Hostname: "ct01.cardiology.example.nhs.uk"}, []cordon.Difference{{Field: "hostname", Recorded: "ct01.cardiology.example.nhs.uk", Observed: "CT01.radiology.example.nhs.uk"}}},
		{"IP", obs, cordon.Recorded{IP: "10.1.2.4"}, []cordon.Difference{{Field: "ip", Recorded: "10.1.2.4", Observed: "10.1.2.3, 10.1.9.9"}}},
		{"IPv4Mapped", obs, cordon.Recorded{IP: "::ffff:10.1.2.3"}, nil},
		{"IPNotAnAddress", obs, cordon.Recorded{IP: "dhcp"}, []cordon.Difference{{Field: "ip", Recorded: "dhcp", Observed: "10.1.2.3, 10.1.9.9"}}},
		{"MAC", obs, cordon.Recorded{MAC: "00:09:fb:01:02:04"}, []cordon.Difference{{Field: "mac", Recorded: "00:09:fb:01:02:04", Observed: "00:09:fb:01:02:03"}}},
		{"MACNotObserved", &cordon.Device{IPs: []string{"10.1.2.3"}}, cordon.Recorded{MAC: "00:09:fb:01:02:04"}, nil},
		{"Several", obs, cordon.Recorded{OS: "Windows XP", MAC: "00:09:fb:01:02:04"},
			[]cordon.Difference{{"os", "Windows XP", "Windows 7"}, {"mac", "00:09:fb:01:02:04", "00:09:fb:01:02:03"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cordon.Differences(&cordon.DeviceRecord{Observed: tt.obs, Recorded: tt.rec}); len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
				t.Errorf("Differences = %+v, want %+v", got, tt.want)
			}
		})
	}
}
