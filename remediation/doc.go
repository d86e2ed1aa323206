// Package remediation measures the wait between a fix's publication and
// its deployment on medical devices: the clocks of each remediation record
// (the attacker's head start, the manufacturer's validation, the trust's
// deployment against the supplier contract), the manufacturer scorecard,
// whether the network confirms a device has the approved version, and the
// alerts raised when a clock passes its limit.
//
// It holds no state and touches no database: every function takes the
// time it computes at, so that tests pin the clock and serve, the API and
// the CLI agree on the numbers.
package remediation
