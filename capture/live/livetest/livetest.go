//go:build linux

// Package livetest builds the isolated network the live-capture tests
// replay into: a network namespace of their own holding a veth pair, so
// that no packet reaches a real interface and no address outside the
// namespace is used.
package livetest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Veth names the two ends of the pair: packets replayed into Send arrive
// on Recv.
const (
	Send = "cordsend0"
	Recv = "cordrecv0"
)

// Namespace creates a namespace with a veth pair up and quiet (IPv6 off,
// so the kernel sends no router or neighbour solicitations of its own),
// deleted when the test ends. It skips the test, saying why, without the
// ip tool or the privilege to create namespaces (root or CAP_NET_ADMIN +
// CAP_SYS_ADMIN).
func Namespace(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("live capture test skipped: the ip tool (iproute2) is not installed")
	}
	var b [4]byte
	rand.Read(b[:])
	ns := "cordon-test-" + hex.EncodeToString(b[:])
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Skipf("live capture test skipped: cannot create a network namespace (needs root or CAP_NET_ADMIN and CAP_SYS_ADMIN): %v: %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", ns, err, out)
		}
	})
	for _, args := range [][]string{
		{"ip", "link", "add", Send, "type", "veth", "peer", "name", Recv},
		{"sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"},
		{"sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"},
		{"ip", "link", "set", Send, "mtu", "9000", "up"},
		{"ip", "link", "set", Recv, "mtu", "9000", "up"},
	} {
		cmd := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	return ns
}

// NeedTcpreplay skips the test without tcpreplay.
func NeedTcpreplay(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("tcpreplay"); err != nil {
		t.Skip("live capture test skipped: tcpreplay is not installed (apt-get install tcpreplay)")
	}
}

// Replay sends a capture into Send inside ns at mbps megabits a second (0:
// as fast as possible) and returns tcpreplay's report.
func Replay(ns, file string, mbps int) (string, error) {
	rate := "--topspeed"
	if mbps > 0 {
		rate = fmt.Sprintf("--mbps=%d", mbps)
	}
	out, err := exec.Command("ip", "netns", "exec", ns, "tcpreplay", "-q", "-i", Send, rate, file).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("tcpreplay: %v: %s", err, out)
	}
	return string(out), nil
}

// In runs fn on an OS thread inside ns: sockets it opens stay in ns after
// it returns.
func In(ns string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// The thread is not unlocked if it cannot be restored: Go then
		// ends it with the goroutine instead of reusing it.
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			errc <- err
			return
		}
		defer orig.Close()
		target, err := os.Open("/var/run/netns/" + ns)
		if err != nil {
			errc <- err
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns %s: %w", ns, err)
			return
		}
		ferr := fn()
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("leaving %s: %w", ns, err)
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}
