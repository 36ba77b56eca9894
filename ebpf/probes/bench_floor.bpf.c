// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* The overhead floor for benches/syscall_overhead.rs: the cheapest useful
 * syscall tracer, one tp_btf/sys_enter program that counts calls per syscall
 * number in a per-CPU array. Nothing else: no filtering, no timestamps, no ring
 * buffer. Built by build.sh next to ktriage.bpf.o, with the same flags. */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, __u64);
} FLOOR_COUNTS SEC(".maps");

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_sys_enter, struct pt_regs *regs, long id)
{
	__u32 key = (__u32)id;
	__u64 *c = bpf_map_lookup_elem(&FLOOR_COUNTS, &key);
	if (c)
		*c += 1;
	return 0;
}
