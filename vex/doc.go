// Package vex reads VEX (Vulnerability Exploitability eXchange) documents:
// a supplier's statements on whether its products are affected by
// vulnerabilities. Cordon uses them to set the findings of a device
// model's devices to not affected (with the justification), affected,
// fixed or under investigation, so that a hospital stops chasing
// vulnerabilities the manufacturer has shown do not apply.
//
// # Formats
//
// Parse detects the format from the JSON itself:
//
//   - CycloneDX 1.4 to 1.6 JSON with "vulnerabilities": one statement per
//     vulnerability that has an analysis.state. A vulnerability without
//     one is a scanner's report, not a statement, and is skipped with a
//     warning. affects[].ref names a bom-ref of the document's own
//     components (nested ones included) or a BOM-Link
//     "urn:cdx:serial/version#bom-ref" (percent-encoded). A BOM-Link into
//     the same document resolves like a plain ref; one into another BOM is
//     kept in Product.BOMLink with Ref set to the bom-ref, for the caller
//     to resolve against the SBOM it has stored. Each affects[].versions
//     entry becomes its own Product with Version or Range (a vers: range)
//     and VersionStatus.
//   - CSAF 2.0 with document.category "csaf_vex". Each product_status list
//     gives a status (known_not_affected; known_affected, first_affected,
//     last_affected; fixed, first_fixed; under_investigation);
//     "recommended" says nothing about a status and is not read. Flags
//     give the justification, threats of category "impact" the Impact,
//     remediations the Action ("vendor_fix: details url"), and
//     vulnerability notes the Detail, per product directly or through
//     product groups. Products of one status with the same justification,
//     impact and action share a statement. Product IDs are resolved against
//     the product tree: branches give the vendor (Supplier), the version
//     or version range and the helper's CPE and purl; a relationship's
//     product takes its name from full_product_name and its identifiers
//     from product_reference, the component that a device's software
//     matches. Other CSAF categories (security advisories such as ICSMA)
//     are refused: they are intelligence feeds, not VEX.
//   - OpenVEX (@context https://openvex.dev/ns/v0.2.0, and v0.0.1's plain
//     strings for vulnerability, products and subcomponents). Products are
//     IRIs; a purl or CPE 2.3 @id or identifiers fill PURL or CPE.
//
// # Status
//
//	CycloneDX analysis.state   Status
//	not_affected               not_affected
//	false_positive             not_affected (component_not_present when no justification is given)
//	exploitable                affected
//	resolved                   fixed
//	resolved_with_pedigree     fixed
//	in_triage                  under_investigation
//
// # Justification
//
// Justifications are normalised to the CISA set that CSAF flags and
// OpenVEX use. CycloneDX has a finer set, mapped to the closest; the raw
// value stays in RawJustification.
//
//	CycloneDX justification          CISA justification                                  Why
//	code_not_present                 vulnerable_code_not_present                         same meaning
//	code_not_reachable               vulnerable_code_not_in_execute_path                 same meaning
//	requires_configuration           vulnerable_code_not_in_execute_path                 the product's configuration never runs the code
//	requires_dependency              vulnerable_code_not_in_execute_path                 without the dependency the code is never reached
//	requires_environment             vulnerable_code_cannot_be_controlled_by_adversary   the code runs, but not in an environment an attacker reaches
//	protected_by_compiler            inline_mitigations_already_exist                    a built-in protection (stack canaries, bounds checks) stops the exploit
//	protected_at_runtime             inline_mitigations_already_exist                    a built-in runtime protection stops the exploit
//	protected_at_perimeter           vulnerable_code_cannot_be_controlled_by_adversary   the attacker cannot reach the input that controls the code
//	protected_by_mitigating_control  inline_mitigations_already_exist                    a control within the product stops the exploit
//
// CSAF flag labels and OpenVEX justifications are already in the CISA set
// and are checked against it.
//
// # Validation
//
// Errors are *cordon.Error with code EINVALID, and no Document is returned
// with one: malformed JSON (with line and column), an unknown format,
// version, status or justification (with the field's path, such as
// "vulnerabilities[3].analysis.state"), a vulnerability with no ID, a
// product with no ID, a file over MaxSize, more than MaxStatements
// statements or MaxProducts products. An unresolvable product ID, a bad
// timestamp or a CPE that cpe.Parse refuses is a warning in
// Document.Warnings; the CPE is left out so that it never reaches the
// matcher.
//
// Parse does no I/O and keeps nothing from one call to the next.
package vex
