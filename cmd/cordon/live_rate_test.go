package main

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// defaultLiveRates are the tcpreplay rates TestLiveRate steps through, in
// Mbit/s; 0 is tcpreplay's top speed.
var defaultLiveRates = []int{100, 200, 400, 800, 1600, 0}

// liveRates returns the rates TestLiveRate replays at:
// $CORDON_LIVE_MBPS, a comma-separated list of Mbit/s where 0 or "top"
// is tcpreplay's top speed (scripts/bench-live.sh sets it), else
// defaultLiveRates.
func liveRates(t *testing.T) []int {
	t.Helper()
	v := os.Getenv("CORDON_LIVE_MBPS")
	if v == "" {
		return defaultLiveRates
	}
	var rates []int
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "top" {
			rates = append(rates, 0)
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			t.Fatalf("CORDON_LIVE_MBPS=%q: %q is not a rate in Mbit/s (a whole number, 0 or top for top speed)", v, f)
		}
		rates = append(rates, n)
	}
	return rates
}
