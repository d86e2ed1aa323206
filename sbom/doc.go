// Package sbom reads software bills of materials: the list of software,
// firmware and hardware parts a manufacturer declares for a device model.
// Cordon matches those parts against vulnerabilities like any other
// software, and keeps the support period the FDA asks manufacturers to
// declare for each of them.
//
// # Formats
//
// Parse detects the format from the bytes, not the file name:
//
//   - CycloneDX JSON, specVersion 1.4, 1.5 and 1.6; 1.2 and 1.3 are read
//     the same way, since they differ only in fields Cordon ignores.
//   - CycloneDX XML in namespace http://cyclonedx.org/schema/bom/1.x, the
//     same versions.
//   - SPDX 2.3 JSON (and 2.2, whose JSON has the same shape).
//
// SPDX 3.0 JSON-LD and SPDX tag-value are refused with an error that names
// them, rather than read wrongly: SPDX 3 is a graph of typed elements with
// no "packages" list, and reading it needs its own reader.
//
// # What is kept
//
// Subject is the product the SBOM describes: CycloneDX metadata.component,
// or the one package an SPDX document DESCRIBES. Components are its parts;
// the SPDX subject is removed from them so that both formats give the same
// shape. Nested CycloneDX components are flattened depth first, each with
// Parent set to the bom-ref of the component that holds it; SPDX CONTAINS
// (and CONTAINED_BY) relationships set Parent the same way, except that
// being contained by the subject leaves Parent empty, as for a top-level
// CycloneDX component. CycloneDX dependencies and SPDX DEPENDS_ON (and
// DEPENDENCY_OF) fill DependsOn.
//
// A component's Supplier is the first present of supplier, manufacturer
// (1.6), publisher and author: the medical-device SBOMs of the FDA era
// name only a publisher.
//
// # Support period
//
// FDA premarket guidance asks for each component's level of support and
// end-of-support date. The real device SBOMs carry them as CycloneDX
// properties named "End-of-Support" and "Level of Support"; other tools
// spell them differently, so property names are compared on their letters
// after the last ':' ("End of Support Date", "cdx:device:eos",
// "support level" all count). Properties are kept as written in
// Properties; EndOfSupportRaw holds the text and EndOfSupport the date when
// the text is one (RFC 3339, 2006-01-02, 2006-01, 2006, "January 2, 2006";
// a month or year alone means its first day). Texts such as "Unknown" or
// "Open source" leave EndOfSupport zero. SPDX 2.3's validUntilDate, which
// the specification defines as the end of the supplier's support, fills
// the same fields.
//
// # Validation
//
// Errors are *cordon.Error with code EINVALID, and no SBOM is returned
// with one: malformed JSON or XML (with line and column), an unknown
// format or version, a component with no name, a bom-ref or SPDXID used
// twice, a file over MaxSize or with more than MaxComponents components
// once flattened. A CPE that is not a CPE 2.3 formatted string (checked
// with cpe.Parse), a purl without the pkg:type/name shape, and a bad
// timestamp are not worth refusing a whole SBOM for: the value is left out
// and a warning naming the component is added to SBOM.Warnings.
//
// Parse does no I/O and keeps nothing from one call to the next.
package sbom
