#!/usr/bin/env bash
# Rebuilds ebpf/probes/ktriage.bpf.o reproducibly (same bytes on any checkout).
# Needs: apt-get install -y clang-14 llvm-14 libbpf-dev
# Usage: ebpf/probes/build.sh [OUT]   (default: ebpf/probes/ktriage.bpf.o)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/ktriage.bpf.o}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here"
clang-14 -target bpf -O2 -g -Wall -Werror \
	-D__TARGET_ARCH_x86 \
	-fdebug-prefix-map="$here"=. -ffile-prefix-map="$here"=. \
	-I. -I/usr/include/x86_64-linux-gnu \
	-c ktriage.bpf.c -o "$tmp/ktriage.bpf.o"
llvm-objcopy-14 --strip-debug "$tmp/ktriage.bpf.o" "$out"
