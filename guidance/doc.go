// Package guidance verifies, per device, the checks of steps 3 and 4 of the
// NHS guidance on connected medical devices (PRODUCT.md): is untrusted
// content kept away from it (no email, no web browsing, no file shares of
// external origin, no inbound remote access, no removable media) and is
// what it can reach limited (a zone, few peers reaching it, no internet).
//
// Each check has a state: pass, fail or unknown, and the evidence behind
// it. Traffic checks read the device's conversations over a window (30
// days by default) and cite peer, port, application, when and how often;
// a check that traffic cannot settle (removable media) reads the records:
// the controls of the device's active exceptions. A device with no traffic
// in the window is unknown on the traffic checks rather than passing, since
// silence proves nothing.
//
// Verify is pure: it takes one device, its conversations, the addresses of
// its peers and its controls. Service gathers those for one device or a
// whole table of devices with one read of the conversations per request,
// not one per device and check.
package guidance
