package auth

import (
	"fmt"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *fakeClock               { return &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }
func allowed(t *Throttle, k string) bool { ok, _ := t.Allow(k); return ok }
func failN(t *Throttle, k string, n int) {
	for range n {
		t.Fail(k)
	}
}
func wait(t *Throttle, k string) time.Duration { _, d := t.Allow(k); return d }

func TestThrottle(t *testing.T) {
	tests := []struct {
		name  string
		steps func(th *Throttle, c *fakeClock)
		key   string
		want  bool
		wait  time.Duration
	}{
		{"Unknown", func(th *Throttle, c *fakeClock) {}, "alice", true, 0},
		{"BelowLimit", func(th *Throttle, c *fakeClock) { failN(th, "alice", 4) }, "alice", true, 0},
		{"AtLimit", func(th *Throttle, c *fakeClock) { failN(th, "alice", 5) }, "alice", false, 15 * time.Minute},
		{"OtherKey", func(th *Throttle, c *fakeClock) { failN(th, "alice", 5) }, "bob", true, 0},
		{"Sliding", func(th *Throttle, c *fakeClock) {
			th.Fail("alice")
			c.add(10 * time.Minute)
			failN(th, "alice", 4)
			c.add(time.Minute)
		}, "alice", false, 4 * time.Minute},
		{"OldestLeavesWindow", func(th *Throttle, c *fakeClock) {
			th.Fail("alice")
			c.add(10 * time.Minute)
			failN(th, "alice", 4)
			c.add(5 * time.Minute)
		}, "alice", true, 0},
		{"Reset", func(th *Throttle, c *fakeClock) { failN(th, "alice", 5); th.Reset("alice") }, "alice", true, 0},
		{"ManyFailuresStillOneWindow", func(th *Throttle, c *fakeClock) {
			failN(th, "alice", 50)
			c.add(14 * time.Minute)
		}, "alice", false, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			th := NewThrottle(5, 15*time.Minute, 100, c.now)
			tt.steps(th, c)
			if got := allowed(th, tt.key); got != tt.want {
				t.Errorf("Allow = %v, want %v", got, tt.want)
			}
			if got := wait(th, tt.key); got != tt.wait {
				t.Errorf("retry after %v, want %v", got, tt.wait)
			}
		})
	}
}

func TestThrottleBounded(t *testing.T) {
	c := newClock()
	th := NewThrottle(5, 15*time.Minute, 100, c.now)
	failN(th, "victim", 5)
	// Spraying more keys than fit keeps memory bounded; the key failed
	// longest ago goes first.
	for i := range 1000 {
		c.add(time.Millisecond)
		th.Fail(fmt.Sprint("10.0.0.", i))
	}
	if n := th.Len(); n != 100 {
		t.Errorf("Len = %d, want 100", n)
	}
	if !allowed(th, "victim") {
		t.Error("evicted key still throttled")
	}
	// Keys whose failures left the window are pruned on the next failure.
	c.add(time.Hour)
	th.Fail("x")
	if n := th.Len(); n != 1 {
		t.Errorf("Len after window = %d, want 1", n)
	}
}
