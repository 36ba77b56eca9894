// SPDX-License-Identifier: (MIT OR GPL-2.0)
/* ktriage kernel probes: per-(tgid, syscall) aggregation for every syscall and
 * a filtered ring-buffer stream of selected syscalls, exec, exit and fork.
 * The hot path is one program, at sys_exit (counts, errors, the stream); the
 * sys_enter program only takes entry times, and user space attaches it only
 * while syscall time is asked for. exit and exit_group never return: they are
 * counted at sched_process_exit.
 * Written in C for clang's CO-RE relocations (task_struct, mm_struct and
 * linux_binprm fields), which Rust/aya-ebpf cannot emit; see README. */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "ktriage.h"

#define NR_EXECVE 59
#define NR_EXIT 60
#define NR_EXIT_GROUP 231
#define NR_EXECVEAT 322
#define NR_CLONE 56
#define NR_FORK 57
#define NR_VFORK 58
#define NR_CLONE3 435
#define MAX_CGROUP_LEVELS 8

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024 * 1024);
} EVENTS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kt_event);
} SCRATCH SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kt_config);
} CONFIG SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KT_NR_SLOTS);
	__type(key, __u32);
	__type(value, struct kt_stream_spec);
} STREAM SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KT_CTR_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} COUNTERS SEC(".maps");

/* Syscall entry times, only while timing is on (flag KT_TIMING; the entry
 * program is attached only then), indexed by thread id modulo KT_ENTRY_SLOTS:
 * an inlined array lookup on both sides, where task-local storage costs two
 * calls on each. The record names its thread: a thread whose record another
 * thread (same index) took over meanwhile is counted untimed. A time older
 * than timed_since_ns is left over from an earlier timing period. */
#define KT_ENTRY_SLOTS 65536
struct kt_entry {
	__u64 ts;
	__u32 tid;
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KT_ENTRY_SLOTS);
	__type(key, __u32);
	__type(value, struct kt_entry);
} ENTER_TS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct kt_agg_key);
	__type(value, struct kt_agg_val);
} AGG SEC(".maps");

/* The fast path of the aggregation: a process owns slot tgid % KT_TGID_SLOTS
 * (claimed when free, freed by user space after the process exited) and its
 * counts are at slot * KT_NR_SLOTS + nr: two array lookups the verifier
 * inlines, where a hash lookup is a call (two on this kernel: the lookup and
 * its memcmp), each ~30 ns with the return-thunk mitigations of this CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KT_TGID_SLOTS);
	__type(key, __u32);
	__type(value, struct kt_slot_owner);
} SLOT_OWNERS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KT_TGID_SLOTS * KT_NR_SLOTS);
	__type(key, __u32);
	__type(value, struct kt_agg_val);
} SLOT_AGG SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} TGID_FILTER SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u8);
} PENDING SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} CGROUP_FILTER SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u8);
} CONTAINER_ROOTS SEC(".maps");

static __always_inline struct kt_config *config(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&CONFIG, &zero);
}

static __always_inline void count(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&COUNTERS, &idx);
	if (c)
		*c += 1;
}

static __always_inline int tgid_filtered_in(__u32 tgid)
{
	return bpf_map_lookup_elem(&TGID_FILTER, &tgid) != 0;
}

/* The slow path: processes whose slot another process owns. */
static __always_inline void agg_add_hash(__u32 tgid, __u32 nr, __u64 err, __u64 dur)
{
	struct kt_agg_key k = { .tgid = tgid, .nr = nr };
	struct kt_agg_val *v = bpf_map_lookup_elem(&AGG, &k);
	if (!v) {
		struct kt_agg_val nv = { .calls = 1, .errors = err, .time_ns = dur };
		if (bpf_map_update_elem(&AGG, &k, &nv, BPF_NOEXIST) == 0)
			return;
		v = bpf_map_lookup_elem(&AGG, &k);
		if (!v) {
			count(KT_CTR_AGG_FULL);
			return;
		}
	}
	v->calls += 1;
	v->errors += err;
	v->time_ns += dur;
}

/* One call of `nr` by `tgid` (nr < KT_NR_SLOTS): in the process's slot when it
 * owns (or can claim) it, else in the hash map. */
static __always_inline void agg_add(__u32 tgid, __u32 nr, long ret, __u64 dur)
{
	__u64 err = (ret < 0 && ret >= -4095) ? 1 : 0;
	__u32 slot = tgid % KT_TGID_SLOTS;
	struct kt_slot_owner *o = bpf_map_lookup_elem(&SLOT_OWNERS, &slot);
	if (o && tgid) {
		if (o->tgid != tgid && o->tgid == 0)
			__sync_val_compare_and_swap(&o->tgid, 0, (__u64)tgid);
		if (o->tgid == tgid) {
			__u32 n = nr & (KT_NR_SLOTS - 1);
			__u32 idx = slot * KT_NR_SLOTS + n;
			struct kt_agg_val *v = bpf_map_lookup_elem(&SLOT_AGG, &idx);
			if (v) {
				__u64 bit = 1ULL << (n & 63);
				if (!(o->seen[n >> 6] & bit))
					__sync_fetch_and_or(&o->seen[n >> 6], bit);
				v->calls += 1;
				v->errors += err;
				v->time_ns += dur;
				return;
			}
		}
	}
	agg_add_hash(tgid, nr, err, dur);
}

static __always_inline int is_fork_nr(__u64 nr)
{
	return nr == NR_CLONE || nr == NR_FORK || nr == NR_VFORK || nr == NR_CLONE3;
}

static __always_inline int agg_wanted(struct kt_config *cfg, __u32 tgid)
{
	return !(cfg->flags & KT_AGG_FILTERED) || tgid_filtered_in(tgid);
}

static __always_inline int cgroup_wanted(void)
{
	__u64 id = bpf_get_current_cgroup_id();
	if (bpf_map_lookup_elem(&CGROUP_FILTER, &id))
		return 1;
#pragma unroll
	for (int level = 1; level <= MAX_CGROUP_LEVELS; level++) {
		id = bpf_get_current_ancestor_cgroup_id(level);
		if (id && bpf_map_lookup_elem(&CGROUP_FILTER, &id))
			return 1;
	}
	return 0;
}

static __always_inline int in_container(struct kt_config *cfg)
{
	struct bpf_pidns_info ns = {};
	if (bpf_get_ns_current_pid_tgid(cfg->host_pidns_dev, cfg->host_pidns_ino, &ns, sizeof(ns)))
		return 1;
#pragma unroll
	for (int level = 1; level <= MAX_CGROUP_LEVELS; level++) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(level);
		if (id && bpf_map_lookup_elem(&CONTAINER_ROOTS, &id))
			return 1;
	}
	return 0;
}

static __always_inline int stream_wanted(struct kt_config *cfg, __u32 tgid)
{
	if ((cfg->flags & KT_FILTER_TGIDS) && !tgid_filtered_in(tgid))
		return 0;
	if ((cfg->flags & KT_FILTER_CGROUPS) && !cgroup_wanted())
		return 0;
	if ((cfg->flags & KT_CONTAINERS_ONLY) && !in_container(cfg))
		return 0;
	return 1;
}

static __always_inline struct kt_event *prep(__u32 kind, __u32 nr, __u64 pid_tgid)
{
	__u32 zero = 0;
	struct kt_event *e = bpf_map_lookup_elem(&SCRATCH, &zero);
	if (!e)
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 ug = bpf_get_current_uid_gid();
	e->h.ts_ns = bpf_ktime_get_boot_ns();
	e->h.cgroup_id = bpf_get_current_cgroup_id();
	e->h.duration_ns = 0;
	e->h.ret = 0;
	e->h.kind = kind;
	e->h.nr = nr;
	e->h.pid = pid_tgid >> 32;
	e->h.tid = (__u32)pid_tgid;
	e->h.ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->h.uid = (__u32)ug;
	e->h.gid = ug >> 32;
	e->h.buf_len[0] = 0;
	e->h.buf_len[1] = 0;
#pragma unroll
	for (int i = 0; i < 6; i++)
		e->h.args[i] = 0;
	bpf_get_current_comm(e->h.comm, sizeof(e->h.comm));
	return e;
}

static __always_inline void emit(struct kt_config *cfg, struct kt_event *e)
{
	__u64 size = sizeof(struct kt_header);
	__u64 l0 = e->h.buf_len[0] & (KT_BUF_MAX * 2 - 1);
	__u64 l1 = e->h.buf_len[1] & (KT_BUF_MAX * 2 - 1);
	if (l0 > KT_BUF_MAX)
		l0 = KT_BUF_MAX;
	if (l1 > KT_BUF_MAX)
		l1 = KT_BUF_MAX;
	size += l1 ? KT_BUF_MAX + l1 : l0;
	if (size > sizeof(struct kt_event))
		size = sizeof(struct kt_event);
	count(KT_CTR_ATTEMPTED);
	__u64 avail = bpf_ringbuf_query(&EVENTS, BPF_RB_AVAIL_DATA);
	__u64 flags = avail >= cfg->wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_output(&EVENTS, e, size, flags))
		count(KT_CTR_DROPPED);
}

static __always_inline __u16 clamp_len(long n)
{
	if (n <= 0)
		return 0;
	if (n >= KT_BUF_MAX)
		return KT_BUF_MAX | KT_BUF_TRUNCATED;
	return (__u16)n;
}

static __always_inline __u16 capture(__u8 kind, __u8 arg, struct kt_event *e, __u8 *dst)
{
	if (arg > 4)
		return 0;
	const void *ptr = (const void *)e->h.args[arg];
	__u64 len = 0;
	if (kind == KT_CAP_USER_STR) {
		long n = bpf_probe_read_user_str(dst, KT_BUF_MAX, ptr);
		if (n == KT_BUF_MAX)
			return KT_BUF_MAX | KT_BUF_TRUNCATED;
		return clamp_len(n);
	}
	if (kind == KT_CAP_SOCKADDR_LEN) {
		len = e->h.args[arg + 1];
	} else if (kind == KT_CAP_SOCKADDR_PLEN) {
		__u32 l = 0;
		if (bpf_probe_read_user(&l, sizeof(l), (const void *)e->h.args[arg + 1]))
			return 0;
		len = l;
	} else {
		return 0;
	}
	if (len == 0 || !ptr)
		return 0;
	if (len > KT_BUF_MAX)
		len = KT_BUF_MAX;
	if (bpf_probe_read_user(dst, len, ptr))
		return 0;
	return (__u16)len;
}

/* Attached only while timing is on: the entry time of the calls being timed. */
SEC("tp_btf/sys_enter")
int BPF_PROG(kt_sys_enter, struct pt_regs *regs, long id)
{
	struct kt_config *cfg = config();
	if (!cfg || !(cfg->flags & KT_TIMING))
		return 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	if (tgid == cfg->self_tgid || !agg_wanted(cfg, tgid))
		return 0;
	if ((cfg->flags & KT_FILTER_CGROUPS) && !cgroup_wanted())
		return 0;
	__u32 i = (__u32)pid_tgid & (KT_ENTRY_SLOTS - 1);
	struct kt_entry *e = bpf_map_lookup_elem(&ENTER_TS, &i);
	if (e) {
		e->ts = bpf_ktime_get_ns();
		e->tid = (__u32)pid_tgid;
		count(KT_CTR_ENTRIES);
	}
	return 0;
}

/* Entry-to-exit time of the current call: 0 when timing is off, and 0 counted
 * untimed when the thread has no entry time of this timing period (its call
 * began before timing was turned on, or another thread took its record). */
static __always_inline __u64 took(struct kt_config *cfg, __u64 pid_tgid)
{
	if (!(cfg->flags & KT_TIMING))
		return 0;
	__u32 i = (__u32)pid_tgid & (KT_ENTRY_SLOTS - 1);
	struct kt_entry *e = bpf_map_lookup_elem(&ENTER_TS, &i);
	if (!e)
		return 0;
	__u64 t0 = e->ts;
	if (e->tid == (__u32)pid_tgid && t0 && t0 >= cfg->timed_since_ns) {
		e->ts = 0;
		return bpf_ktime_get_ns() - t0;
	}
	count(KT_CTR_UNTIMED);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(kt_sys_exit, struct pt_regs *regs, long ret)
{
	struct kt_config *cfg = config();
	if (!cfg)
		return 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	if (tgid == cfg->self_tgid)
		return 0;
	__u64 nr = regs->orig_ax;
	if (nr >= KT_NR_SLOTS)
		return 0;
	__u64 dur = 0;
	if (agg_wanted(cfg, tgid)) {
		dur = took(cfg, pid_tgid);
		/* a new task's own return from clone/fork is not a call (strace
		 * counts the parent's only) */
		if (ret != 0 || !is_fork_nr(nr))
			agg_add(tgid, (__u32)nr, ret, dur);
	}

	__u32 key = (__u32)nr;
	struct kt_stream_spec *spec = bpf_map_lookup_elem(&STREAM, &key);
	if (!spec || !spec->enabled)
		return 0;
	/* a successful exec is reported by sched_process_exec (the old image's
	 * argument memory is gone by now) */
	if ((nr == NR_EXECVE || nr == NR_EXECVEAT) && ret == 0)
		return 0;
	if (!stream_wanted(cfg, tgid))
		return 0;
	struct kt_event *e = prep(KT_KIND_SYSCALL, (__u32)nr, pid_tgid);
	if (!e)
		return 0;
	e->h.ret = ret;
	e->h.duration_ns = dur;
	/* arguments are read here, at exit: the registers as the caller passed
	 * them, user memory (paths, sockaddrs) as it is now (see README) */
	e->h.args[0] = regs->di;
	e->h.args[1] = regs->si;
	e->h.args[2] = regs->dx;
	e->h.args[3] = regs->r10;
	e->h.args[4] = regs->r8;
	e->h.args[5] = regs->r9;
	__u8 cap0 = spec->cap0, arg0 = spec->arg0, cap1 = spec->cap1, arg1 = spec->arg1;
	if (cap0)
		e->h.buf_len[0] = capture(cap0, arg0, e, e->data);
	if (cap1)
		e->h.buf_len[1] = capture(cap1, arg1, e, e->data + KT_BUF_MAX);
	emit(cfg, e);
	return 0;
}

/* pid number of `pid` at namespace `level` (0: the host) */
static __always_inline __u32 pid_nr_at(struct pid *pid, __u32 level)
{
	struct upid up = {};
	if (!pid)
		return 0;
	__u64 off = bpf_core_field_offset(struct pid, numbers);
	bpf_probe_read_kernel(&up, sizeof(up), (void *)pid + off + (level & 31) * sizeof(struct upid));
	return (__u32)up.nr;
}

/* What the rules need and /proc may no longer show when the record is read:
 * controlling tty (as /proc/PID/stat's tty_nr), login uid, gid, session id,
 * pid in the task's own namespace, effective capabilities, memfd executable. */
static __always_inline void exec_facts(struct kt_event *e, struct task_struct *p,
				       struct linux_binprm *bprm)
{
	struct signal_struct *sig = BPF_CORE_READ(p, signal);
	struct tty_struct *tty = BPF_CORE_READ(sig, tty);
	__u64 tty_nr = 0;
	if (tty) {
		__u32 major = BPF_CORE_READ(tty, driver, major);
		__u32 minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
		tty_nr = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
	}
	e->h.args[1] = tty_nr;
	__u64 gid = e->h.gid;
	e->h.args[2] = (__u64)BPF_CORE_READ(p, loginuid.val) | (gid << 32);
	struct pid *tp = BPF_CORE_READ(p, thread_pid);
	__u32 level = BPF_CORE_READ(tp, level);
	struct pid *sp = BPF_CORE_READ(sig, pids[3]);
	e->h.args[3] = (__u64)pid_nr_at(sp, 0) | ((__u64)pid_nr_at(tp, level) << 32);
	e->h.args[4] = BPF_CORE_READ(p, cred, cap_effective.val);
	__u64 flags = KT_EXEC_EXT;
	char name[8] = {};
	const unsigned char *dn = BPF_CORE_READ(bprm, file, f_path.dentry, d_name.name);
	if (dn && bpf_probe_read_kernel(name, 6, dn) == 0 && name[0] == 'm' && name[1] == 'e' &&
	    name[2] == 'm' && name[3] == 'f' && name[4] == 'd' && name[5] == ':')
		flags |= KT_EXEC_MEMFD;
	e->h.args[5] = flags;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(kt_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct kt_config *cfg = config();
	if (!cfg)
		return 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	if (tgid == cfg->self_tgid)
		return 0;
	if (bpf_map_lookup_elem(&PENDING, &tgid)) {
		/* `count` arms its child at exec, so nothing before it is counted */
		__u8 one = 1;
		bpf_map_update_elem(&TGID_FILTER, &tgid, &one, BPF_ANY);
		bpf_map_delete_elem(&PENDING, &tgid);
	}
	if (!stream_wanted(cfg, tgid))
		return 0;
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);
	__u32 nr = regs ? (__u32)BPF_CORE_READ(regs, orig_ax) : NR_EXECVE;
	struct kt_event *e = prep(KT_KIND_EXEC, nr, pid_tgid);
	if (!e)
		return 0;
	e->h.args[0] = (__u64)old_pid;
	exec_facts(e, p, bprm);
	const char *filename = BPF_CORE_READ(bprm, filename);
	e->h.buf_len[0] = clamp_len(bpf_probe_read_kernel_str(e->data, KT_BUF_MAX, filename));
	struct mm_struct *mm = BPF_CORE_READ(p, mm);
	__u64 start = BPF_CORE_READ(mm, arg_start);
	__u64 end = BPF_CORE_READ(mm, arg_end);
	__u64 len = end > start ? end - start : 0;
	__u16 trunc = 0;
	if (len > KT_BUF_MAX) {
		len = KT_BUF_MAX;
		trunc = KT_BUF_TRUNCATED;
	}
	if (len && bpf_probe_read_user(e->data + KT_BUF_MAX, len, (const void *)start) == 0)
		e->h.buf_len[1] = (__u16)len | trunc;
	emit(cfg, e);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(kt_fork, struct task_struct *parent, struct task_struct *child)
{
	struct kt_config *cfg = config();
	if (!cfg)
		return 0;
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	if (ptgid == cfg->self_tgid)
		return 0;
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u32 ctid = BPF_CORE_READ(child, pid);
	if ((cfg->flags & KT_FOLLOW_CHILDREN) && ctgid != ptgid && tgid_filtered_in(ptgid)) {
		__u8 one = 1;
		bpf_map_update_elem(&TGID_FILTER, &ctgid, &one, BPF_ANY);
	}
	if (!stream_wanted(cfg, ptgid))
		return 0;
	struct kt_event *e = prep(KT_KIND_FORK, KT_NR_NONE, bpf_get_current_pid_tgid());
	if (!e)
		return 0;
	e->h.args[0] = ctgid;
	e->h.args[1] = ctid;
	emit(cfg, e);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(kt_exit, struct task_struct *p)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct kt_config *cfg = config();
	if (!cfg)
		return 0;
	__u32 tgid = pid_tgid >> 32;
	if (tgid == cfg->self_tgid)
		return 0;
	/* exit and exit_group never reach sys_exit: a thread leaving through one
	 * of them is counted here, once (as strace counts them at entry). A thread
	 * killed by a signal has the signal in the low bits of exit_code; one
	 * taken down by another thread's exit_group is in some other call. */
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);
	if (regs && agg_wanted(cfg, tgid)) {
		long nr = BPF_CORE_READ(regs, orig_ax);
		int code = BPF_CORE_READ(p, exit_code);
		if ((nr == NR_EXIT || nr == NR_EXIT_GROUP) && !(code & 0x7f))
			agg_add(tgid, (__u32)nr, 0, 0);
	}
	if (!stream_wanted(cfg, tgid))
		return 0;
	struct kt_event *e = prep(KT_KIND_EXIT, KT_NR_NONE, pid_tgid);
	if (!e)
		return 0;
	e->h.ret = BPF_CORE_READ(p, exit_code);
	e->h.args[0] = tid == tgid;
	emit(cfg, e);
	return 0;
}
