package mds2

import (
	"strings"
	"time"
)

// Form is one manufacturer's MDS2 form for one device model, as read from
// its workbook or CSV export. It holds what the manufacturer declares and
// nothing about patients.
type Form struct {
	Manufacturer string    // DOC-1, or "Manufacturer Name" above the table
	Description  string    // DOC-2
	Model        string    // DOC-3, or "Device Model" above the table
	DocumentID   string    // DOC-4, or "Document ID" above the table
	Date         time.Time // DOC-7 release date, UTC midnight; zero when absent or unreadable
	Format       string    // "xlsx" or "csv"
	Sheet        string    // the worksheet the answers came from; "" for CSV
	Answers      []Answer  // in form order, one per question ID
	Warnings     []string  // problems that did not stop the import, each naming its cell
}

// Answer is the manufacturer's answer to one question of the form.
type Answer struct {
	ID       string // "AUTH-1.1", upper case, as the form numbers it
	Section  string // "AUTH", the ID's prefix; see SectionTitle
	Question string // the question text as the form states it
	Value    Value  // the answer normalised; "" when it is free text or unrecognised
	Raw      string // the answer exactly as written (trimmed)
	Note     string // the note column: a note number ("Note 3") or the note itself
	Where    string // the answer's cell (`sheet "MDS2" cell C40`) or CSV line, for evidence
}

// Value is a normalised answer. The form allows Yes, No, N/A and See Note;
// other text (the DOC-* header answers, or an answer the manufacturer wrote
// as a sentence) is kept in Answer.Raw with an empty Value.
type Value string

// The answers the form allows.
const (
	Yes     Value = "yes"
	No      Value = "no"
	NA      Value = "n/a"
	SeeNote Value = "see_note"
	Unknown Value = ""
)

// Answer returns the answer to question id ("rmot-1" and "RMOT-1" are the
// same), and whether the form has it.
func (f *Form) Answer(id string) (Answer, bool) {
	id = strings.ToUpper(strings.TrimSpace(id))
	for _, a := range f.Answers {
		if a.ID == id {
			return a, true
		}
	}
	return Answer{}, false
}

// parseValue normalises an answer cell. It accepts the form's own words and
// the spellings manufacturers use in practice ("Y", "NA", "Not applicable",
// "Yes, see note 3", "No*", a TRUE/FALSE cell). ok is false for anything
// else, which the caller keeps as written and warns about.
func parseValue(raw string) (v Value, ok bool) {
	s := strings.ToLower(strings.Join(strings.Fields(raw), " "))
	s = strings.TrimRight(s, ".*: ")
	switch s {
	case "":
		return Unknown, true
	case "yes", "y", "true":
		return Yes, true
	case "no", "n", "false":
		return No, true
	case "n/a", "na", "n.a", "n / a", "not applicable":
		return NA, true
	}
	if strings.HasPrefix(s, "see note") {
		return SeeNote, true
	}
	// "Yes, see note 2", "No (optional module)", "N/A - software only": the
	// leading word decides, provided a separator, not a letter, follows it
	// ("none" and "nasty" are not answers).
	for _, p := range []struct {
		word string
		v    Value
	}{{"yes", Yes}, {"no", No}, {"n/a", NA}, {"not applicable", NA}} {
		if rest, found := strings.CutPrefix(s, p.word); found && rest != "" && strings.ContainsRune(" ,;-–(", []rune(rest)[0]) {
			return p.v, true
		}
	}
	return Unknown, false
}
