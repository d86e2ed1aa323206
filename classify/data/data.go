// Package data holds the knowledge Cordon classifies devices with, as data
// files embedded in the binary: device profiles (profiles.json, the schema of
// classify.Profile), the DICOM UID roots of imaging manufacturers and toolkits
// (dicom_roots.json) and the DICOM SOP classes with the modality each implies
// (dicom_sop.json).
package data

import "embed"

// FS holds every JSON file of this directory.
//
//go:embed *.json
var FS embed.FS
