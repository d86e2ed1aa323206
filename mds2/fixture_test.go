package mds2

import (
	"fmt"
	"testing"
)

// nemaBook is a filled-in form laid out as the ANSI/NEMA HN 1-2019 MDS2
// workbook is: an instructions sheet first, then the form sheet with a
// title merged across the top, a header block (manufacturer, model,
// document ID, release date as a numeric date cell), the column header
// "Question ID | Question | Yes, No, N/A, or See Note (merged over two
// columns) | Note # | standards references", section title rows, a
// repeated header, note rows and answers typed into either half of the
// merged answer column. Question texts are worded as in HN 1-2019; the
// manufacturer, device and answers are invented.
func nemaBook() *testBook {
	b := &testBook{}
	ins := b.sheet("Instructions")
	b.table(ins, 1,
		[]string{"Instructions for completing the MDS2 form"},
		[]string{"Question ID", "Each question is identified by its section code and number."},
	)

	s := b.sheet("MDS2")
	s.row(1, b.s("A1", "Manufacturer Disclosure Statement for Medical Device Security – MDS2"))
	s.row(2, b.s("A2", "Manufacturer Name"), b.s("C2", "Acme Medical"), b.s("E2", "Document ID"), b.s("G2", "ACM-MDS2-0042"))
	s.row(3, b.s("A3", "Device Model"), b.s("C3", "InfuPro 3000"), b.s("E3", "Document Release Date"), num("G3", "43905"))
	s.row(5, b.s("A5", "Question ID"), b.s("B5", "Question"), b.s("C5", "Yes, No, N/A, or See Note"), b.s("E5", "Note #"),
		b.s("F5", "IEC TR 80001-2-2:2012"), b.s("G5", "NIST SP 800-53 Rev. 4"), b.s("H5", "ISO 27002:2013"))
	qa := func(n int, id, q, a string, more ...string) {
		cells := []string{b.s(fmt.Sprintf("A%d", n), id), b.s(fmt.Sprintf("B%d", n), q)}
		if a != "" {
			cells = append(cells, b.s(fmt.Sprintf("C%d", n), a))
		}
		s.row(n, append(cells, more...)...)
	}
	qa(6, "DOC-1", "Manufacturer Name", "Acme Medical")
	qa(7, "DOC-2", "Device Description", "Large-volume infusion pump with drug library")
	qa(8, "DOC-3", "Device Model", "InfuPro 3000")
	qa(9, "DOC-4", "Document ID", "ACM-MDS2-0042")
	qa(10, "DOC-5", "Manufacturer Contact Information", "psirt@acme.example")
	qa(11, "DOC-6", "Intended use of device in network-connected environment:", "Receives drug libraries; sends infusion status to the EMR over HL7.")
	s.row(12, b.s("A12", "DOC-7"), b.s("B12", "Document Release Date"), num("C12", "43905"))
	qa(13, "DOC-8", "Coordinated Vulnerability Disclosure: Does the manufacturer have a vulnerability disclosure program for this device?", "Yes")
	s.row(14, b.s("A14", "MANAGEMENT OF PERSONALLY IDENTIFIABLE INFORMATION"))
	qa(15, "MPII-1", "Can this device display, transmit, store, or modify personally identifiable information (e.g. electronic Protected Health Information (ePHI))?", "Yes", num("E15", "1"))
	qa(16, "MPII-2", "Does the device maintain personally identifiable information?", "Yes", b.s("E16", "Note 1"))
	// The answer typed into the right half of the merged answer column.
	s.row(17, b.s("A17", "MPII-3.7"), b.s("B17", "Does the device transmit/receive personally identifiable information over an external network (e.g., Internet)?"), b.s("D17", "No"),
		b.s("F17", "N/A"), b.s("G17", "AC-17"))
	// A wrapped question continued on a row with no ID.
	s.row(18, b.s("B18", "(continued from the row above)"))
	s.row(19, b.s("A19", "CONNECTIVITY CAPABILITIES (CONN)"))
	s.row(20, b.s("A20", "CONN-3"), b.s("B20", "Can the device communicate with other systems within the customer environment?"), formula("C20", `IF(TRUE,"Yes","No")`, "Yes"))
	qa(21, "CONN-4", "Can the device communicate with other systems external to the customer environment (e.g., a service host)?", "No")
	qa(22, "CONN-7", "Does the device support Transport Layer Security (TLS)?", "Yes")
	// The header repeated at a page break.
	b.table(s, 23, []string{"Question ID", "Question", "Yes, No, N/A, or See Note", "", "Note #"})
	s.row(24, b.s("A24", "CSUP-2"), b.s("B24", "Does the device contain an Operating System? If yes, complete 2.1-2.4."), inline("C24", "Yes"), inline("E24", "Windows 10 IoT Enterprise LTSC 2019"))
	s.row(25, b.s("A25", "AUTH-1"),
		b.rich("B25", "Does the device prevent access to ", "unauthorized users", " through user login requirements or other mechanism?"),
		inline("C25", "Yes"))
	qa(26, "MLDP-2", "Does the device support the use of anti-malware software (or other anti-malware mechanism)? Provide details or reference in notes.", "Yes, see note 2", b.s("E26", "Note 2"))
	qa(27, "RMOT-1", "Does the device permit remote service connections for device analysis or repair?", "No")
	qa(28, "SAHD-9", "Are all services (e.g., telnet, file transfer protocol [FTP], internet information server [IIS], etc.), which are not required for the intended use of the device deleted/disabled?", "Yes")
	qa(29, "TXCF-2", "Is personally identifiable information encrypted prior to transmission via a network or removable media?", "Yes")
	qa(30, "TXIG-1", "Does the device support any mechanism (e.g., digital signatures) intended to ensure data is not modified during transmission?", "N/A")
	qa(31, "SBOM-1", "Is the SBOM for this product available?", "See Note", b.s("E31", "Available on request from psirt@acme.example"))
	qa(32, "PAUT-8", "Does the device support multi-factor authentication?", "")
	qa(33, "AUTH-2", "Can users be assigned different privilege levels based on 'role' (e.g., user, administrator, and/or service, etc.)?", "Maybe")
	// A transposed section code, as hand-typed forms have.
	qa(34, "SHAD-15", "Can the system prevent access to BIOS or other bootloaders during boot?", "Yes")
	// An en dash where the hyphen belongs.
	qa(35, "TXCF–5", "Are secure transmission methods supported/implemented (DICOM, HL7, IEEE 11073)?", "Yes")
	// Cells without references follow one another from column A.
	s.rows = append(s.rows, fmt.Sprintf(`<row r="36"><c t="s"><v>%d</v></c><c t="s"><v>%d</v></c><c t="s"><v>%d</v></c></row>`,
		b.str("STCF-1"), b.str("Can the device encrypt data at rest?"), b.str("N/A")))
	s.row(38, b.s("A38", "Management of Private Data notes:"), b.s("B38", "Note 1: Patient name and MRN are held until the infusion ends."))
	s.row(39, b.s("A39", "Note 2"), b.s("B39", "Application allow-listing replaces anti-malware."))
	return b
}

// nemaCSV is the same kind of form as a CSV UTF-8 export: byte-order mark,
// title and header block above the table, quoted fields with commas,
// quotes and a line break.
const nemaCSV = "\ufeffManufacturer Disclosure Statement for Medical Device Security – MDS2,,,,\r\n" +
	"Manufacturer Name,Acme Medical,,Document ID,ACM-MDS2-0042\r\n" +
	",,,,\r\n" +
	"Question ID,Question,\"Yes, No, N/A, or See Note\",Note #,IEC TR 80001-2-2:2012\r\n" +
	"DOC-1,Manufacturer Name,Acme Medical,,\r\n" +
	"DOC-3,Device Model,InfuPro 3000,,\r\n" +
	"DOC-7,Document Release Date,2020-03-15,,\r\n" +
	"MANAGEMENT OF PERSONALLY IDENTIFIABLE INFORMATION,,,,\r\n" +
	"MPII-1,\"Can this device display, transmit, store, or modify personally identifiable information (e.g. electronic Protected Health Information (ePHI))?\",Yes,1,\r\n" +
	"RMOT-1,Does the device permit remote service connections for device analysis or repair?,No,\"Service is on site only;\nno \"\"remote\"\" tools are installed.\",\r\n" +
	"TXCF-2,Is personally identifiable information encrypted prior to transmission via a network or removable media?,Yes,,\r\n"

func mustParse(tb testing.TB, name string, data []byte) *Form {
	tb.Helper()
	f, err := Parse(name, data)
	if err != nil {
		tb.Fatalf("Parse(%s): %v", name, err)
	}
	return f
}
