// Package cpe parses and formats CPE 2.3 formatted strings, decides the
// name-matching relations of NIST IR 7696 as far as NVD's applicability
// statements need them, and orders version strings for NVD's version ranges.
//
// A Name holds each of the eleven attributes in the canonical form of the
// formatted-string binding: lower case, with reserved characters quoted by a
// backslash ("16.10.3\(3794\)"), "*" for ANY and "-" for NA. An unquoted "*"
// or "?" inside a value is a wildcard, as in NVD's criteria; a device's own
// name normally has none.
//
// Versions are ordered by Compare, whose rule is documented there; it is a
// total order, so sorting and range checks are consistent.
package cpe
