// Package cordon holds the domain of Cordon: the types every other package
// shares (devices, observations, flows, errors) and the service interfaces that
// adapters implement. It imports only the standard library, so that the
// dissectors, the classifier, the stores and the HTTP layer can all depend on
// it without depending on each other.
package cordon
