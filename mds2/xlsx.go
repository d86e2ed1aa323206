package mds2

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Limits on what a workbook may make the reader hold. A filled-in MDS2 form
// is a few hundred cells in parts of a few hundred kilobytes; the limits are
// generous for that and stop a zip bomb long before memory runs out.
const (
	maxPartSize  = 32 << 20 // uncompressed bytes of one XML part
	maxTotalSize = 64 << 20 // uncompressed bytes read from one workbook
	maxCells     = 500000   // cells (and shared strings) read from one workbook
)

// workbook is an opened .xlsx file: its parts, its sheets in tab order and
// its shared strings, read once.
type workbook struct {
	file     string
	parts    map[string]*zip.File // by lower-cased part name
	sheets   []sheetRef
	strings  []string
	date1904 bool
	cells    int
	read     int // uncompressed bytes read so far
}

type sheetRef struct{ name, part string }

// relationship is one entry of a .rels part.
type relationship struct {
	ID         string `xml:"Id,attr"`
	Type       string `xml:"Type,attr"`
	Target     string `xml:"Target,attr"`
	TargetMode string `xml:"TargetMode,attr"`
}

type relationships struct {
	Rels []relationship `xml:"Relationship"`
}

// openWorkbook reads the package structure of an .xlsx: the root
// relationships, the workbook part and its relationships, and the shared
// strings. Sheets are read later, one at a time, by sheet.
func openWorkbook(file string, data []byte) (*workbook, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errorf(file, "", "it starts like a zip archive (.xlsx) but the archive is damaged: %v", err)
	}
	wb := &workbook{file: file, parts: map[string]*zip.File{}}
	for _, f := range zr.File {
		wb.parts[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))] = f
	}
	if wb.parts["mimetype"] != nil && wb.parts["content.xml"] != nil {
		return nil, errorf(file, "", "it is an OpenDocument spreadsheet (.ods), which is not supported; save it as .xlsx or as CSV UTF-8")
	}

	// The root relationships name the workbook part; xl/workbook.xml is
	// where every writer puts it, so it serves when they are missing.
	wbPart := "xl/workbook.xml"
	if rels, err := wb.rels("_rels/.rels", ""); err != nil {
		return nil, err
	} else {
		for _, r := range rels {
			if strings.HasSuffix(r.Type, "/officeDocument") && r.TargetMode != "External" {
				wbPart = resolve("", r.Target)
				break
			}
		}
	}
	if wb.parts[strings.ToLower(wbPart)] == nil {
		return nil, errorf(file, "", "it is a zip archive but not an Excel workbook: it has no part %s", wbPart)
	}

	var doc struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"id,attr"` // r:id; any namespace, so Strict OOXML reads too
		} `xml:"sheets>sheet"`
	}
	if err := wb.decode(wbPart, &doc); err != nil {
		return nil, err
	}
	wb.date1904 = doc.Pr.Date1904 == "1" || doc.Pr.Date1904 == "true"

	dir := path.Dir(wbPart)
	rels, err := wb.rels(path.Join(dir, "_rels", path.Base(wbPart)+".rels"), wbPart)
	if err != nil {
		return nil, err
	}
	byID := map[string]relationship{}
	for _, r := range rels {
		byID[r.ID] = r
		if strings.HasSuffix(r.Type, "/sharedStrings") && wb.strings == nil {
			p := resolve(dir, r.Target)
			if wb.parts[strings.ToLower(p)] == nil {
				return nil, errorf(file, p, "the workbook names this shared-strings part but the archive does not hold it")
			}
			if wb.strings, err = wb.sharedStrings(p); err != nil {
				return nil, err
			}
		}
	}
	for _, s := range doc.Sheets {
		r, ok := byID[s.RID]
		if !ok {
			return nil, errorf(file, wbPart, "sheet %q refers to relationship %q, which the workbook does not define", s.Name, s.RID)
		}
		if !strings.HasSuffix(r.Type, "/worksheet") {
			continue // chartsheets and dialog sheets hold no cells
		}
		p := resolve(dir, r.Target)
		if wb.parts[strings.ToLower(p)] == nil {
			return nil, errorf(file, fmt.Sprintf("sheet %q", s.Name), "the workbook lists this sheet but the archive does not hold its part %s", p)
		}
		wb.sheets = append(wb.sheets, sheetRef{name: s.Name, part: p})
	}
	if len(wb.sheets) == 0 {
		return nil, errorf(file, wbPart, "the workbook has no worksheets")
	}
	return wb, nil
}

// resolve turns a relationship target into a part name: targets starting
// with "/" are from the package root, others relative to the source's folder.
func resolve(dir, target string) string {
	target = strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Join(dir, target), "/")
}

// open returns a reader of a part, refusing parts bigger than maxPartSize
// whether the archive admits their size or hides it.
func (wb *workbook) open(part string) ([]byte, error) {
	f := wb.parts[strings.ToLower(part)]
	if f == nil {
		return nil, errorf(wb.file, part, "the archive does not hold this part")
	}
	if f.UncompressedSize64 > maxPartSize {
		return nil, errorf(wb.file, part, "the part is larger than %d MiB uncompressed, far more than an MDS2 form needs", maxPartSize>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, errorf(wb.file, part, "cannot read the part: %v", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxPartSize+1))
	if err != nil {
		return nil, errorf(wb.file, part, "cannot read the part: %v", err)
	}
	if len(b) > maxPartSize {
		return nil, errorf(wb.file, part, "the part is larger than %d MiB uncompressed, far more than an MDS2 form needs", maxPartSize>>20)
	}
	if wb.read += len(b); wb.read > maxTotalSize {
		return nil, errorf(wb.file, part, "the workbook holds more than the %d MiB of XML an MDS2 form could need", maxTotalSize>>20)
	}
	return b, nil
}

func (wb *workbook) decode(part string, v any) error {
	b, err := wb.open(part)
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(b, v); err != nil {
		return xmlError(wb.file, part, err)
	}
	return nil
}

// rels reads a relationships part; a missing one is empty. source names the
// part the relationships belong to, for errors.
func (wb *workbook) rels(part, source string) ([]relationship, error) {
	if wb.parts[strings.ToLower(part)] == nil {
		if source != "" {
			return nil, errorf(wb.file, part, "the workbook %s has no relationships part, so its sheets cannot be found", source)
		}
		return nil, nil
	}
	var r relationships
	if err := wb.decode(part, &r); err != nil {
		return nil, err
	}
	return r.Rels, nil
}

// xmlError says where in a part its XML broke.
func xmlError(file, part string, err error) *Error {
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return errorf(file, fmt.Sprintf("%s line %d", part, syn.Line), "the XML is malformed: %s", syn.Msg)
	}
	return errorf(file, part, "the XML is malformed: %v", err)
}

// textCollector gathers the text of a string item (<si> or <is>): the <t>
// of plain text and of each rich-text run (<r><t>), but not the phonetic
// guides (<rPh>) Japanese workbooks add.
type textCollector struct {
	b     strings.Builder
	inT   int
	inRPh int
}

func (tc *textCollector) token(tok xml.Token) {
	switch t := tok.(type) {
	case xml.StartElement:
		switch t.Name.Local {
		case "t":
			tc.inT++
		case "rPh":
			tc.inRPh++
		}
	case xml.EndElement:
		switch t.Name.Local {
		case "t":
			tc.inT--
		case "rPh":
			tc.inRPh--
		}
	case xml.CharData:
		if tc.inT > 0 && tc.inRPh == 0 {
			tc.b.Write(t)
		}
	}
}

// sharedStrings reads the shared-strings table, which most writers use for
// every text cell.
func (wb *workbook) sharedStrings(part string) ([]string, error) {
	b, err := wb.open(part)
	if err != nil {
		return nil, err
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	var out []string
	var tc *textCollector
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlError(wb.file, part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "si" {
				tc = &textCollector{}
				continue
			}
		case xml.EndElement:
			if t.Name.Local == "si" && tc != nil {
				if len(out) >= maxCells {
					return nil, errorf(wb.file, part, "the workbook has more than %d shared strings, far more than an MDS2 form", maxCells)
				}
				out = append(out, tc.b.String())
				tc = nil
				continue
			}
		}
		if tc != nil {
			tc.token(tok)
		}
	}
	return out, nil
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
