#!/usr/bin/env bash
# Drops of the live capture path at fixed replay rates: TestLiveRate
# (cmd/cordon) replays a simulated hospital (300 devices, one hour, bulk
# ×4) with tcpreplay into one end of a veth pair in a private network
# namespace and captures on the other end through `cordon sensor`'s whole
# path (ring, decode, sensor, detections, batches written to SQLite). See
# the "Live capture" section of docs/benchmarks.md.
#
#   scripts/bench-live.sh [MBPS ...]     (default: 200 500 1000 2000 top)
#
# Needs root (or CAP_NET_ADMIN, CAP_SYS_ADMIN and CAP_NET_RAW), ip and
# tcpreplay. Each rate runs the test once on its own, so that the kernel's
# backlog drops (/proc/net/softnet_stat, packets lost before any socket
# sees them) can be told apart per rate. Logs go to bench/out/live/.
set -euo pipefail
cd "$(dirname "$0")/.."
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(200 500 1000 2000 top)
for tool in ip tcpreplay; do
	command -v "$tool" >/dev/null || { echo "bench-live: $tool is not installed" >&2; exit 1; }
done
out=bench/out/live
mkdir -p "$out"
go test -c -o "$out/cordon.test" ./cmd/cordon

# backlog_drops: packets the kernel's per-CPU input queues dropped, all CPUs
backlog_drops() {
	local total=0 _p drop _rest
	while read -r _p drop _rest; do
		total=$((total + 16#$drop))
	done </proc/net/softnet_stat
	echo "$total"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| requested | tcpreplay reached | packets/s sent | captured | ring drops | backlog drops | not accounted |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for rate in "${rates[@]}"; do
	log="$out/rate-$rate.log"
	before=$(backlog_drops)
	if ! (cd cmd/cordon && CORDON_LIVE_RATE=1 CORDON_LIVE_MBPS="$rate" ../../"$out/cordon.test" \
		-test.run '^TestLiveRate$' -test.v -test.count 1 -test.timeout 20m) >"$log" 2>&1; then
		echo "bench-live: the test failed at $rate; see $log" >&2
		exit 1
	fi
	backlog=$(($(backlog_drops) - before))
	# "sensor_test.go:N: RATE: CAPTURED of TOTAL packets, DROPS dropped (Rated: B Bps, M Mbps, P pps)"
	line=$(grep -m1 -E ': [0-9]+ of [0-9]+ packets, [0-9]+ dropped' "$log") || {
		echo "bench-live: no result line in $log" >&2
		exit 1
	}
	read -r captured total drops mbps pps < <(sed -E \
		's/.*: ([0-9]+) of ([0-9]+) packets, ([0-9]+) dropped \(Rated: [0-9.]+ Bps, ([0-9.]+) Mbps, ([0-9.]+) pps\).*/\1 \2 \3 \4 \5/' <<<"$line")
	label="--mbps=$rate"
	if [ "$rate" = top ] || [ "$rate" = 0 ]; then label="--topspeed"; fi
	printf '| `%s` | %s Mbit/s | %.0f | %d of %d | %d | %d | %d |\n' \
		"$label" "$mbps" "$pps" "$captured" "$total" "$drops" "$backlog" $((total - captured - drops - backlog))
done
echo
echo "ring drops: the capture ring was full (the packet path fell behind); backlog drops: the"
echo "kernel's input queue overflowed before any socket saw the packet (the sender outran the"
echo "receiving softirq); not accounted: still unread when the capture closed, or lost elsewhere."
