// Package nvd imports CVE records published by NIST's National Vulnerability
// Database in the CVE API 2.0 JSON format into cordon.Vulnerability values.
//
// Decode accepts, detected by content rather than by file name:
//
//   - a single record: the "cve" object of the API (the per-CVE files of the
//     fkie-cad/nvd-json-data-feeds repository), or that object wrapped as
//     {"cve":{…}};
//   - an API response page, {"resultsPerPage":…, "vulnerabilities":[{"cve":{…}}, …]},
//     which is also the shape of NVD's own yearly 2.0 feed files
//     (nvdcve-2.0-YYYY.json.gz);
//   - a fkie-cad release bundle, {"timestamp":…, "cve_count":…,
//     "feed_name":…, "source":…, "cve_items":[{…}, …]}, whose items are bare
//     "cve" objects (the CVE-YYYY.json.xz release assets);
//
// each plain, gzip- or xz-compressed. Bundles are walked token by token, one
// record in memory at a time, so a 300,000-record feed never sits in memory
// whole.
//
// # Contract
//
// Decode calls fn once per record, in file order, with a freshly allocated
// *cordon.Vulnerability that fn may keep. A record that is malformed (bad
// JSON, wrong types, an id that is not CVE-YYYY-NNNN…, unparseable dates,
// scores outside 0–10, unknown CVSS versions or severities, configuration
// nodes without a valid operator, criteria that are not CPE 2.3 names) stops
// the import: Decode returns an *Error naming the file, the record's JSON
// location and CVE id (or the byte offset in the decompressed JSON) and the
// problem, and calls fn for no later record. Records before it have already
// been passed to fn, so a caller that must leave its previous data intact
// stages what fn receives (a transaction, a temporary table) and commits only
// when Decode returns nil. The errors wrap a *cordon.Error with code
// EINVALID, except I/O errors from r and errors returned by fn, which are
// wrapped as they are.
//
// Records NVD has rejected (vulnStatus "Rejected") are passed to fn like
// any other: they carry no scores and no configurations, so storing them
// by ID erases what an earlier import said about them. Stats counts them.
package nvd
