package mds2

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// header is the table header found in a grid: the row it is on and the
// columns each kind of value sits in.
type header struct {
	row                        int // index into grid.rows
	id, question, answer, note span
}

// Column labels, compared after lower-casing, collapsing spaces and dropping
// a trailing colon or full stop. HN 1-2019 heads its columns "Question ID",
// "Question", "Yes, No, N/A, or See Note" and "Note #"; the others are what
// manufacturers' own layouts and CSV exports use.
var (
	idLabels = set("question id", "question-id", "questionid", "question #", "question no",
		"question number", "id", "#", "item", "item #", "item id", "ref", "ref #", "reference", "qid")
	questionLabels = set("question", "questions", "question text", "text", "description",
		"requirement", "item description")
	answerLabels = set("answer", "answers", "response", "responses", "manufacturer response",
		"manufacturer answer", "reply", "value", "yes/no", "yes/no/n/a")
	noteLabels = set("note", "notes", "note #", "note#", "note no", "note number", "note ref",
		"see note", "comment", "comments", "remarks", "explanation", "notes/comments",
		"comments/notes", "manufacturer notes", "additional information")
)

func set(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

// label normalises a header cell for comparison with the label sets.
func label(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.TrimRight(s, ":. ")
}

func isAnswerLabel(l string) bool {
	// "Yes, No, N/A, or See Note" and its variants.
	return answerLabels[l] || strings.HasPrefix(l, "yes, no") || strings.HasPrefix(l, "yes/no") ||
		strings.HasPrefix(l, "yes / no")
}

// findHeader returns the first row holding both a question-ID column and an
// answer column. When a row has an ID column but no answer column, hint
// says so, for the error if no row qualifies.
func findHeader(g *grid) (h header, hint string, ok bool) {
	for i := range g.rows {
		r := &g.rows[i]
		id, q, a, n := -1, -1, -1, -1
		var idCell cell
		for _, c := range r.cells {
			l := label(c.text)
			switch {
			case id < 0 && idLabels[l]:
				id, idCell = c.col, c
			case a < 0 && isAnswerLabel(l):
				a = c.col
			case q < 0 && questionLabels[l]:
				q = c.col
			case n < 0 && noteLabels[l]:
				n = c.col
			}
		}
		if id < 0 {
			continue
		}
		if a < 0 {
			if hint == "" {
				hint = fmt.Sprintf("%s looks like a question-ID column header but its row has no answer column (\"Yes, No, N/A, or See Note\", \"Answer\" or \"Response\")", g.where(r, idCell))
			}
			continue
		}
		h = header{row: i, id: spanOf(r, id), question: spanOf(r, q), answer: spanOf(r, a), note: spanOf(r, n)}
		return h, "", true
	}
	return header{}, hint, false
}

// spanOf returns the columns a header cell at col governs: its own and the
// blank ones to its right up to the next labelled column. A value in a
// blank-headed column belongs to the labelled one on its left, which is how
// a header merged across columns looks once the merge is ignored.
func spanOf(r *row, col int) span {
	if col < 0 {
		return noSpan
	}
	s := span{col, maxCols}
	for _, c := range r.cells {
		if c.col > col && strings.TrimSpace(c.text) != "" {
			s.to = c.col
			break
		}
	}
	return s
}

// idPattern matches a question ID such as "AUTH-1.1" at the start of a
// cell, with whatever question text follows it in the same cell.
var idPattern = regexp.MustCompile(`^([A-Z]{3,4})\s*-\s*([0-9]{1,3}(?:\.[0-9]{1,3}){0,3})[.:]?(?:\s+(.*))?$`)

// parseID reads a question ID, tolerating the dash variants word processors
// substitute and spaces around the dash. rest is any text after the ID in
// the same cell, which some layouts use for the question.
func parseID(s string) (id, section, rest string, ok bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
			return '-'
		case '\u00a0':
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	// Upper case only: a lower-case "note-1" is prose, not a question ID.
	m := idPattern.FindStringSubmatch(s)
	if m == nil {
		return "", "", "", false
	}
	return m[1] + "-" + m[2], m[1], strings.TrimSpace(m[3]), true
}

// freeText lists the DOC questions whose answer is text, not Yes/No.
var freeText = set("DOC-1", "DOC-2", "DOC-3", "DOC-4", "DOC-5", "DOC-6", "DOC-7")

// readTable turns the rows below the header into answers and fills the
// form's header fields.
func readTable(file string, g *grid, h header, date1904 bool) (*Form, error) {
	f := &Form{Format: "xlsx", Sheet: g.sheet}
	if g.csv {
		f.Format = "csv"
	}
	seen := map[string]string{}
	var unanswered []string
	var dateCell *cell
	var dateWhere string
	for i := h.row + 1; i < len(g.rows); i++ {
		r := &g.rows[i]
		idc, ok := r.first(h.id)
		if !ok {
			continue
		}
		id, section, rest, ok := parseID(idc.text)
		if !ok {
			continue // section titles, note rows, repeated headers
		}
		where := g.where(r, idc)
		if prev, dup := seen[id]; dup {
			return nil, errorf(file, where, "question %s appears a second time (first at %s); a form answers each question once", id, prev)
		}
		seen[id] = where
		a := Answer{ID: id, Section: section, Question: rest, Where: g.where(r, cell{col: h.answer.from})}
		if q, ok := r.first(h.question); ok && q.col != idc.col {
			a.Question = clean(q.text)
		}
		if n, ok := r.first(h.note); ok {
			a.Note = clean(n.text)
		}
		ac, answered := r.first(h.answer)
		if answered {
			a.Where = g.where(r, ac)
			a.Raw = clean(ac.text)
		}
		if SectionTitle(section) == "" {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s at %s: section code %s is not one of the HN 1-2019 form's; the answer is kept", id, where, section))
		}
		switch {
		case freeText[id]:
			if id == "DOC-7" && answered {
				c := ac
				dateCell, dateWhere = &c, a.Where
				if ac.num {
					if t, ok := excelDate(ac.text, date1904); ok {
						a.Raw = t.Format("2006-01-02")
					}
				}
			}
		case a.Raw == "":
			unanswered = append(unanswered, id)
		default:
			v, ok := parseValue(a.Raw)
			a.Value = v
			if !ok {
				f.Warnings = append(f.Warnings, fmt.Sprintf("%s at %s: answer %q is not Yes, No, N/A or See Note; it is kept as written", id, a.Where, shorten(a.Raw)))
			}
		}
		f.Answers = append(f.Answers, a)
	}
	if len(f.Answers) == 0 {
		return nil, errorf(file, g.whereRow(&g.rows[h.row]), "the table under this header has no question IDs such as \"DOC-1\" or \"AUTH-1.1\" in its ID column")
	}
	if len(unanswered) > 0 {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%d questions have no answer: %s", len(unanswered), listSome(unanswered, 10)))
	}

	byID := func(id string) string {
		a, _ := f.Answer(id)
		return a.Raw
	}
	f.Manufacturer, f.Description, f.Model, f.DocumentID = byID("DOC-1"), byID("DOC-2"), byID("DOC-3"), byID("DOC-4")
	above := labelsAbove(g, h.row)
	fill := func(dst *string, key string) {
		if *dst == "" {
			*dst = above[key].value
		}
	}
	fill(&f.Manufacturer, "manufacturer")
	fill(&f.Description, "description")
	fill(&f.Model, "model")
	fill(&f.DocumentID, "document")
	if dateCell == nil {
		if c, ok := above["date"]; ok {
			dateCell, dateWhere = &c.cell, c.where
		}
	}
	if dateCell != nil {
		t, ok := excelDate(dateCell.text, date1904)
		if !dateCell.num || !ok {
			t, ok = parseDate(dateCell.text)
		}
		if ok {
			f.Date = t
		} else {
			f.Warnings = append(f.Warnings, fmt.Sprintf("release date %q at %s is not a date that reads one way only (use 2020-03-31); the form's date is left empty", shorten(dateCell.text), dateWhere))
		}
	}
	return f, nil
}

// labelled is a value found beside a label above the table.
type labelled struct {
	cell         // the value's cell, for a numeric date
	value, where string
}

// headLabels are the header fields HN 1-2019 prints above the table in
// some layouts (and manufacturers' own cover blocks), keyed by what they
// fill.
var headLabels = map[string]string{
	"manufacturer name": "manufacturer", "manufacturer": "manufacturer",
	"device description": "description",
	"device model":       "model", "model": "model", "model number": "model",
	"document id": "document", "document number": "document", "document no": "document",
	"document release date": "date", "release date": "date", "date": "date",
}

// labelsAbove reads "Label | value" pairs from the rows above the header:
// the value is the next non-empty cell to the right of the label.
func labelsAbove(g *grid, headerRow int) map[string]labelled {
	out := map[string]labelled{}
	for i := 0; i < headerRow; i++ {
		r := &g.rows[i]
		for j, c := range r.cells {
			key, ok := headLabels[label(c.text)]
			if !ok || j+1 >= len(r.cells) {
				continue
			}
			if _, done := out[key]; done {
				continue
			}
			v := r.cells[j+1]
			if _, isLabel := headLabels[label(v.text)]; isLabel {
				continue
			}
			out[key] = labelled{cell: v, value: clean(v.text), where: g.where(r, v)}
		}
	}
	return out
}

// clean trims a cell and folds its internal runs of blanks, leaving line
// breaks, which notes use for lists.
func clean(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return s
}

// listSome joins up to n items, saying how many more there are.
func listSome(items []string, n int) string {
	items = append([]string(nil), items...)
	sort.Strings(items)
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}
