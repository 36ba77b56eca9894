#!/usr/bin/env bash
# Rebuilds the committed probe objects reproducibly (same bytes on any checkout):
#   ktriage.bpf.o      the collector's probes (embedded by src/collector/probes.rs)
#   bench_floor.bpf.o  a count-only sys_enter program, the floor of benches/syscall_overhead.rs
# Needs: apt-get install -y clang-14 llvm-14 libbpf-dev
# Usage: ebpf/probes/build.sh                 both, next to this script
#        ebpf/probes/build.sh OUT             ktriage.bpf.o only, written to OUT
#        ebpf/probes/build.sh OUT FLOOR_OUT   both, written to OUT and FLOOR_OUT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -eq 0 ]; then
	out=$here/ktriage.bpf.o
	floor_out=$here/bench_floor.bpf.o
else
	out=$1
	floor_out=${2:-}
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here"

# build SRC_BASENAME DEST: one object, same flags for every probe.
build() {
	clang-14 -target bpf -O2 -g -Wall -Werror \
		-D__TARGET_ARCH_x86 \
		-fdebug-prefix-map="$here"=. -ffile-prefix-map="$here"=. \
		-I. -I/usr/include/x86_64-linux-gnu \
		-c "$1.bpf.c" -o "$tmp/$1.bpf.o"
	llvm-objcopy-14 --strip-debug "$tmp/$1.bpf.o" "$2"
}

build ktriage "$out"
if [ -n "$floor_out" ]; then
	build bench_floor "$floor_out"
fi
