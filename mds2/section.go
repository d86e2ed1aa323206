package mds2

// sectionTitles names the sections of the ANSI/NEMA HN 1-2019 form by the
// code that prefixes their question IDs, written from the published form
// (MDS2 2019 workbook, "Question ID" column), from memory of that form
// rather than a copy of the standard at hand. The one code the 2019 form
// does not have comes from the 2013 edition, whose section abbreviations
// some manufacturers still use, so that older forms group sensibly.
var sectionTitles = map[string]string{
	"DOC":  "Device description and document information",
	"MPII": "Management of personally identifiable information",
	"ALOF": "Automatic logoff",
	"AUDT": "Audit controls",
	"AUTH": "Authorization",
	"CSUP": "Cybersecurity product upgrades",
	"DIDT": "Health data de-identification",
	"DTBK": "Data backup and disaster recovery",
	"EMRG": "Emergency access",
	"IGAU": "Health data integrity and authenticity",
	"MLDP": "Malware detection/protection",
	"NAUT": "Node authentication",
	"CONN": "Connectivity capabilities",
	"PAUT": "Person authentication",
	"PLOK": "Physical locks",
	"RDMP": "Roadmap for third-party components in device life cycle",
	"SBOM": "Software bill of materials",
	"SAHD": "System and application hardening",
	"SGUD": "Security guidance",
	"STCF": "Health data storage confidentiality",
	"TXCF": "Transmission confidentiality",
	"TXIG": "Transmission integrity",
	"RMOT": "Remote service",
	"OTHR": "Other security considerations",

	// HN 1-2013 only.
	"CNFS": "Configuration of security features",
}

// SectionTitle returns the title of the form section whose question IDs
// start with code ("AUTH" → "Authorization", "PAUT" → "Person
// authentication"), for grouping answers on screen. It returns "" for a code
// the HN 1-2019 form (or its 2013 predecessor) does not define.
func SectionTitle(code string) string {
	return sectionTitles[code]
}

// Section is the answers of one section of a form, in form order.
type Section struct {
	Code    string // "AUTH"
	Title   string // "Authorization"; "" for a code SectionTitle does not know
	Answers []Answer
}

// Sections groups the answers by section, in the order each section first
// appears in the form, which is the order the manufacturer wrote them in.
func (f *Form) Sections() []Section {
	var out []Section
	at := map[string]int{}
	for _, a := range f.Answers {
		i, ok := at[a.Section]
		if !ok {
			i = len(out)
			at[a.Section] = i
			out = append(out, Section{Code: a.Section, Title: SectionTitle(a.Section)})
		}
		out[i].Answers = append(out[i].Answers, a)
	}
	return out
}
