#!/usr/bin/env bash
# Side-by-side speed and memory of `cordon analyze` against reading the file
# and against tshark and p0f on the same capture. See docs/benchmarks.md.
#
#   scripts/bench.sh [DEVICES] [BULK]
#
# Needs tshark and p0f (Debian packages) for the peers; skips a peer that is
# missing. Writes its capture and outputs under bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
devices="${1:-2000}"
bulk="${2:-1}"
out=bench/out
mkdir -p "$out"
CGO_ENABLED=0 go build -o "$out/cordon" ./cmd/cordon
pcap="$out/hospital-$devices.pcap"
[ -f "$pcap" ] || "$out/cordon" simulate --seed 1 --devices "$devices" --bulk "$bulk" --out "$pcap" --truth "$out/truth-$devices.json" >/dev/null
packets=$(capinfos -Mc "$pcap" 2>/dev/null | awk -F'\t|: +' '/Number of packets/ {print $NF}' || true)
echo "capture: $pcap, $(du -h "$pcap" | cut -f1), ${packets:-?} packets"
cat "$pcap" >/dev/null # warm the page cache so every tool reads from memory

# measure NAME CMD...: wall time and peak memory of one run
measure() {
	local name=$1; shift
	local log="$out/${name%% *}.stderr"
	if ! /usr/bin/time -f "%e %M" -o "$out/time" "$@" >/dev/null 2>"$log"; then
		printf "%-28s failed: see %s\n" "$name" "$log"
		return
	fi
	read -r secs kb <"$out/time"
	local pps="-"
	[ -n "${packets:-}" ] && pps=$(awk -v p="$packets" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", p / s }')
	printf "%-28s %8s s %10s pkts/s %8d MB\n" "$name" "$secs" "$pps" $((kb / 1024))
}

measure "read floor (dd, 1 MiB reads)" dd if="$pcap" of=/dev/null bs=1M
measure "cordon analyze (json)" "$out/cordon" analyze --format json "$pcap"
if command -v tshark >/dev/null; then
	measure "tshark (same fields)" tshark -r "$pcap" -n -T fields \
		-d tcp.port==104,dicom -d tcp.port==2575,hl7 \
		-e eth.src -e ip.src -e dhcp.option.hostname -e dhcp.option.vendor_class_id \
		-e http.user_agent -e http.server -e tls.handshake.extensions_server_name \
		-e smb.native_os -e ntlmssp.version.build_number -e dicom.assoc.item.type \
		-e hl7.message.type -e snmp.value.octets -e lldp.tlv.system.desc -e cdp.platform
fi
if command -v p0f >/dev/null; then
	measure "p0f -r" p0f -r "$pcap" -o "$out/p0f.log"
fi
echo
echo "Go benchmarks on the same capture (reader floor, decode, full analysis):"
CORDON_BENCH_PCAP="$PWD/$pcap" go test -run='^$' -bench=. -benchtime=3x ./analysis/ | grep Benchmark
