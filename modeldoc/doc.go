// Package modeldoc joins the manufacturer documents of a device model to
// the rest of Cordon: it reads an uploaded file with the sbom, vex and
// mds2 readers (telling which it is from the content), turns it into the
// domain's ModelDocument and DocumentContent, stores it, and acts on it.
// A new SBOM or VEX re-assesses the model's devices, so that the SBOM's
// components are matched against vulnerabilities and the VEX statements
// set their findings; a new MDS2 is held against the traffic of the
// model's devices and each contradiction is stored and raised as an alert.
//
// The HTTP API, the pages and the command line all import documents
// through Service, so that they behave the same.
package modeldoc
