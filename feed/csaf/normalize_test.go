package csaf

import "testing"

func TestNormalizeVendor(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"PhilipsMisspelt", "Phillips", "Philips"},
		{"Philips", "Philips", "Philips"},
		{"GEHealthcare", "GE Healthcare", "GE HealthCare"},
		{"GeneralElectric", "General Electric (GE)", "GE HealthCare"},
		{"GEHealthCare", "GE HealthCare", "GE HealthCare"},
		{"BaxterInternational", "Baxter International", "Baxter"},
		{"BaxterHealthcare", "Baxter Healthcare", "Baxter"},
		{"HillromBaxter", "Hillrom and ELI, Baxter International Inc.", "Baxter"},
		{"BD", "BD", "BD"},
		{"BectonDickinson", "Becton, Dickinson and Company (BD)", "BD"},
		{"Siemens", "Siemens", "Siemens"},
		{"SiemensHealthineers", "Siemens Healthineers", "Siemens Healthineers"},
		{"TrailingSpace", "Medtronic ", "Medtronic"},
		{"LegalForm", "B. Braun Melsungen AG", "B. Braun"},
		{"Mojibake", "Innokas YhtymÃ¤ Oy", "Innokas Yhtymä"},
		{"Accent", "Draeger", "Dräger"},
		{"UnknownLegalForm", "Acme Medical, Inc.", "Acme Medical"},
		{"UnknownLegalFormAlias", "Hamilton Medical, AG", "Hamilton Medical"},
		{"Empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NormalizeVendor(tc.in); got != tc.want {
				t.Errorf("NormalizeVendor(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if VendorKey("Phillips") != VendorKey("philips") || VendorKey("Acme Medical, Inc.") != VendorKey("ACME medical") {
		t.Error("VendorKey does not fold spellings together")
	}
}

func TestResolveVendor(t *testing.T) {
	for _, tc := range []struct{ name, vendor, product, want string }{
		// ICSMA-17-215-01 files Siemens Healthineers' molecular imaging
		// systems under "Siemens".
		{"SiemensSPECT", "Siemens", "Siemens SPECT/CT Systems Windows XP-Based", "Siemens Healthineers"},
		{"SiemensSomatom", "Siemens", "SOMATOM go.Up", "Siemens Healthineers"},
		{"SiemensIndustrial", "Siemens", "SIMATIC S7-1500", "Siemens"},
		{"SilexGE", "Silex Technology and GE Healthcare", "GEH-500", "GE HealthCare"},
		{"Plain", "Phillips", "IntelliVue MX40", "Philips"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ResolveVendor(tc.vendor, tc.product); got != tc.want {
				t.Errorf("ResolveVendor(%q, %q) = %q, want %q", tc.vendor, tc.product, got, tc.want)
			}
		})
	}
}

func TestNormalizeProduct(t *testing.T) {
	for _, tc := range []struct{ name, vendor, product, want string }{
		{"VendorPrefix", "Becton, Dickinson and Company (BD)", "BD Pyxis MedStation ES", "Pyxis MedStation ES"},
		{"AliasPrefix", "General Electric (GE)", "GE Aespire", "Aespire"},
		{"CanonicalPrefix", "Baxter", "Baxter Spectrum IQ", "Spectrum IQ"},
		{"NoPrefix", "Baxter", "Sigma Spectrum", "Sigma Spectrum"},
		{"WordBoundary", "GE Healthcare", "GEMINI LXL", "GEMINI LXL"},
		{"Siemens", "Siemens", "Siemens PET/CT Systems Windows 7-Based", "PET/CT Systems Windows 7-Based"},
		{"OnlyVendor", "BD", "BD", "BD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NormalizeProduct(tc.vendor, tc.product); got != tc.want {
				t.Errorf("NormalizeProduct(%q, %q) = %q, want %q", tc.vendor, tc.product, got, tc.want)
			}
		})
	}
	if ProductKey("BD", "BD Pyxis MedStation ES") != ProductKey("Becton, Dickinson and Company (BD)", "Pyxis  MedStation ES") {
		t.Error("ProductKey differs for the same product")
	}
}
