#!/usr/bin/env bash
# The server's benchmarks: ingest throughput of `cordon ingest`, and the
# latency of the device-list API over a register of many devices. See the
# "Server" section of docs/benchmarks.md.
#
#   scripts/bench-server.sh [INGEST_DEVICES] [API_DEVICES]
#
# INGEST_DEVICES (default 2000) sizes the simulated hospital ingested;
# API_DEVICES (default 50000) the register the API is measured on. Writes
# its captures and data directories under bench/out/server/ (up to 1 GB
# for the defaults). The server listens on 127.0.0.1 only ($BENCH_PORT,
# default 18080), and every run is bounded in requests and time.
set -euo pipefail
cd "$(dirname "$0")/.."
ingest_devices="${1:-2000}"
api_devices="${2:-50000}"
port="${BENCH_PORT:-18080}"
out=bench/out/server
mkdir -p "$out"
CGO_ENABLED=0 go build -o "$out/cordon" ./cmd/cordon
go build -o "$out/apibench" ./scripts/apibench
cordon="$out/cordon"

echo "--- ingest: cordon ingest of a simulated hospital of $ingest_devices devices"
# The same capture as scripts/bench.sh, if it made one.
pcap="bench/out/hospital-$ingest_devices.pcap"
[ -f "$pcap" ] || "$cordon" simulate --seed 1 --devices "$ingest_devices" --out "$pcap" >/dev/null
echo "capture: $pcap, $(du -h "$pcap" | cut -f1)"
cat "$pcap" >/dev/null # from the page cache, as the other benchmarks
rm -rf "$out/ingest-data"
/usr/bin/time -f "%e %M" -o "$out/time" "$cordon" ingest --data "$out/ingest-data" "$pcap" | tee "$out/ingest.log"
read -r secs kb <"$out/time"
# "PATH: done, N devices (N new), P packets"
read -r devices packets < <(sed -E 's/.*done, ([0-9]+) devices.*, ([0-9]+) packets.*/\1 \2/' "$out/ingest.log")
awk -v s="$secs" -v d="$devices" -v p="$packets" -v kb="$kb" \
	'BEGIN { printf "wall %.2f s, %.0f devices/s, %.0f packets/s, peak %d MB\n", s, d / s, p / s, kb / 1024 }'
rm -rf "$out/ingest-data"
echo
echo "Go benchmark (observations/s; the database part alone in commit/*):"
CORDON_BENCH_PCAP="$PWD/$pcap" go test -run='^$' -bench=Ingest -benchtime=3x ./cmd/cordon/ | grep Benchmark

echo
echo "--- API: GET /api/v1/devices over $api_devices devices"
data="$out/api-data"
rm -rf "$data"
"$out/apibench" populate --data "$data" --devices "$api_devices"
echo "bench-password-not-secret" | "$cordon" user add bench --role viewer --data "$data" >/dev/null
APIBENCH_TOKEN=$("$cordon" token create --user bench --name apibench --data "$data")
export APIBENCH_TOKEN
"$cordon" serve --data "$data" --addr "127.0.0.1:$port" >"$out/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for c in 1 4; do
	echo
	echo "concurrency $c (server and load generator share the machine's cores):"
	echo
	"$out/apibench" load --url "http://127.0.0.1:$port" --requests 300 --concurrency "$c" --timeout 5m
done
kill "$server"
wait "$server" 2>/dev/null || true
trap - EXIT
