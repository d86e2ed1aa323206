package auth

import (
	"container/list"
	"sync"
	"time"
)

// Throttle limits failed attempts per key (a user name, a client address)
// over a sliding window: after Max failures within Window, Allow refuses the
// key until the oldest of those failures leaves the window. Memory is
// bounded by MaxKeys: when full, the key whose last failure is oldest is
// forgotten first, which is the key least likely to be throttled anyway.
//
// The zero value is not ready; use NewThrottle. A Throttle is safe for
// concurrent use.
type Throttle struct {
	max     int
	window  time.Duration
	maxKeys int
	now     func() time.Time

	mu   sync.Mutex
	keys map[string]*list.Element
	lru  list.List // of *throttleEntry, most recent failure first
}

type throttleEntry struct {
	key string
	// fails holds the times of the last max failures, a ring buffer.
	fails []time.Time
	next  int
	n     int
}

// NewThrottle returns a throttle allowing max failures per window per key,
// remembering at most maxKeys keys, with time read from now (time.Now when
// nil).
func NewThrottle(max int, window time.Duration, maxKeys int, now func() time.Time) *Throttle {
	if max < 1 {
		max = 1
	}
	if maxKeys < 1 {
		maxKeys = 1
	}
	if now == nil {
		now = time.Now
	}
	return &Throttle{max: max, window: window, maxKeys: maxKeys, now: now, keys: make(map[string]*list.Element)}
}

// Allow reports whether another attempt for key may proceed and, when it
// may not, how long until it may.
func (t *Throttle) Allow(key string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	el, ok := t.keys[key]
	if !ok {
		return true, 0
	}
	e := el.Value.(*throttleEntry)
	now := t.now()
	if e.n < t.max {
		return true, 0
	}
	// The ring is full: the slot to be overwritten next holds the oldest
	// of the last max failures.
	oldest := e.fails[e.next]
	wait := oldest.Add(t.window).Sub(now)
	if wait <= 0 {
		return true, 0
	}
	return false, wait
}

// Fail records a failed attempt for key.
func (t *Throttle) Fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.prune(now)
	el, ok := t.keys[key]
	if !ok {
		for len(t.keys) >= t.maxKeys {
			t.remove(t.lru.Back())
		}
		el = t.lru.PushFront(&throttleEntry{key: key, fails: make([]time.Time, t.max)})
		t.keys[key] = el
	}
	t.lru.MoveToFront(el)
	e := el.Value.(*throttleEntry)
	e.fails[e.next] = now
	e.next = (e.next + 1) % t.max
	if e.n < t.max {
		e.n++
	}
}

// Reset forgets key's failures, as after a successful sign-in.
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if el, ok := t.keys[key]; ok {
		t.remove(el)
	}
}

// Len returns the number of keys remembered.
func (t *Throttle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.keys)
}

// prune drops keys whose last failure left the window; they sit at the back.
func (t *Throttle) prune(now time.Time) {
	for el := t.lru.Back(); el != nil; el = t.lru.Back() {
		e := el.Value.(*throttleEntry)
		last := e.fails[(e.next+t.max-1)%t.max]
		if now.Sub(last) < t.window {
			return
		}
		t.remove(el)
	}
}

func (t *Throttle) remove(el *list.Element) {
	delete(t.keys, el.Value.(*throttleEntry).key)
	t.lru.Remove(el)
}
