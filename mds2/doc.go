// Package mds2 reads the Manufacturer Disclosure Statement for Medical
// Device Security (MDS2, ANSI/NEMA HN 1-2019) that a manufacturer supplies
// for a device model, and compares what it declares with what the network
// shows.
//
// Parse reads the form from the manufacturer's .xlsx workbook or a CSV
// export of it, with the standard library alone (archive/zip, encoding/xml,
// encoding/csv): workbook relationships, shared strings with rich-text runs,
// inline strings, numeric and boolean cells; styles are ignored. The answer
// table is found by its header, not by fixed positions, since manufacturers
// reorder, merge and rename the NEMA columns. The result, a Form, holds the
// answers by question ID and section (Form.Sections groups them for
// display) and the header fields of the DOC section.
//
// Form.Declared picks out the answers traffic can confirm or contradict
// (remote service, connectivity, patient data and its encryption in transit,
// authentication, hardening, the operating system), each tied to its
// question. Contradictions holds them against an Observation the caller
// fills from traffic and returns each disagreement with its severity and a
// readable explanation, to be raised as a finding.
//
// # Section codes
//
// The codes come from the HN 1-2019 form as remembered, not from a copy of
// the standard at hand; see sectionTitles. Two departures from the brief
// this package was written to: remote service is section RMOT in HN 1-2019
// (RDMP is the roadmap for third-party components), and AUTH is
// "Authorization" while "Person authentication" is PAUT. The brief also
// listed HIPA and SSOP, which the 2019 form does not have to my knowledge;
// answers under any code the package does not know are kept, with a
// warning, so nothing a manufacturer wrote is lost.
//
// # Not handled
//
// Legacy .xls, password-protected and OpenDocument workbooks are refused
// with a message saying how to save the form instead. Notes written as
// "Note 3" in the note column are kept as written; the note texts, which
// the NEMA layout lists at the end of each section, are not joined to them.
// The 2013 edition's layout, which numbers questions differently, is read
// only where it uses HN 1-2019-style IDs.
package mds2
