// Package deliver sends alerts to the systems people watch: syslog
// receivers (RFC 5424 over UDP, TCP with octet counting per RFC 6587, or
// TLS per RFC 5425) carrying a CEF payload a SIEM parses, and JSON
// webhooks signed with HMAC-SHA256.
//
// Alerts reach it through the store's outbox (cordon.OutboxService), which
// RaiseAlert fills in the same transaction as the alert: the Worker drains
// it with retries, exponential back-off and jitter, so a receiver that is
// down delays delivery but loses nothing, even across restarts. An entry
// that keeps failing is set aside after MaxAttempts rather than holding
// back the ones behind it.
package deliver
