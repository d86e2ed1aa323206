// Package mock holds hand-written test doubles of the cordon service
// interfaces. Each method calls the function field of the same name, so a
// test sets only the behaviour it needs; calling an unset one panics with a
// message naming it, which fails the test loudly rather than returning zero
// values that look like success.
package mock

import "fmt"

func unset(method string) string {
	return fmt.Sprintf("mock: %s called but its function field is not set", method)
}
