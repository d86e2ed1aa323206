// Package feeds loads vulnerability and lifecycle intelligence into a
// cordon.IntelService: it recognises a file by its content (Detect), streams
// its records into one store transaction (Import, ImportPaths), and fetches
// the public feeds over HTTP to do the same (Syncer).
//
// The formats are those of the feed/* packages: NVD CVE API 2.0 records,
// pages and fkie-cad bundles (feed/nvd), the CISA KEV catalogue (feed/kev),
// FIRST EPSS score files (feed/epss), CSAF 2.0 advisories (feed/csaf),
// endoflife.date product pages and Cordon's device lifecycle files
// (feed/lifecycle); each plain, gzip- or xz-compressed. docs/feeds.md
// describes them, how they are told apart and the sync configuration.
//
// Every file is one import: it is kept whole or not at all, and the same
// bytes imported twice are recognised (ErrAlreadyImported) so that a
// scheduled re-run reports "unchanged" rather than doing the work again.
package feeds
