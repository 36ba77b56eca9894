/* C mirror of ebpf/common/src/lib.rs: keep the two in step. The _Static_asserts
 * below and the const asserts there pin the same sizes and offsets. */
#ifndef KTRIAGE_H
#define KTRIAGE_H

#define KT_BUF_MAX 256
#define KT_BUF_TRUNCATED 0x8000
#define KT_NR_SLOTS 512
#define KT_NR_NONE 0xffffffffu
/* direct-mapped process slots of the fast aggregation path (see lib.rs TGID_SLOTS) */
#define KT_TGID_SLOTS 64

#define KT_KIND_SYSCALL 1
#define KT_KIND_EXEC 2
#define KT_KIND_EXIT 3
#define KT_KIND_FORK 4

/* exec records: args[5] flags (args[1..4] hold tty, loginuid|gid, sid|vpid, caps) */
#define KT_EXEC_EXT (1ULL << 63)
#define KT_EXEC_MEMFD 1ULL

#define KT_FILTER_TGIDS 1
#define KT_FILTER_CGROUPS 2
#define KT_CONTAINERS_ONLY 4
#define KT_FOLLOW_CHILDREN 8
#define KT_AGG_FILTERED 16
#define KT_TIMING 32

#define KT_CTR_ATTEMPTED 0
#define KT_CTR_DROPPED 1
#define KT_CTR_AGG_FULL 2
#define KT_CTR_UNTIMED 3
#define KT_CTR_ENTRIES 4
#define KT_CTR_COUNT 5

#define KT_CAP_NONE 0
#define KT_CAP_USER_STR 1
#define KT_CAP_SOCKADDR_LEN 2
#define KT_CAP_SOCKADDR_PLEN 3

struct kt_config {
	__u32 self_tgid;
	__u32 flags;
	__u64 host_pidns_dev;
	__u64 host_pidns_ino;
	__u64 wakeup_bytes;
	__u64 timed_since_ns;
};

struct kt_stream_spec {
	__u8 enabled;
	__u8 cap0;
	__u8 arg0;
	__u8 cap1;
	__u8 arg1;
	__u8 _pad[3];
};

struct kt_agg_key {
	__u32 tgid;
	__u32 nr;
};

struct kt_agg_val {
	__u64 calls;
	__u64 errors;
	__u64 time_ns;
};

struct kt_slot_owner {
	__u64 tgid;
	__u64 seen[KT_NR_SLOTS / 64];
};

struct kt_header {
	__u64 ts_ns;
	__u64 cgroup_id;
	__u64 duration_ns;
	__s64 ret;
	__u64 args[6];
	__u32 kind;
	__u32 nr;
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u16 buf_len[2];
	char comm[16];
};

struct kt_event {
	struct kt_header h;
	__u8 data[2 * KT_BUF_MAX];
};

_Static_assert(sizeof(struct kt_header) == 128, "header size");
_Static_assert(sizeof(struct kt_config) == 40, "config size");
_Static_assert(__builtin_offsetof(struct kt_config, timed_since_ns) == 32, "timed_since offset");
_Static_assert(sizeof(struct kt_stream_spec) == 8, "spec size");
_Static_assert(sizeof(struct kt_agg_val) == 24, "agg val size");
_Static_assert(sizeof(struct kt_slot_owner) == 72, "slot owner size");
_Static_assert(__builtin_offsetof(struct kt_header, kind) == 80, "kind offset");
_Static_assert(__builtin_offsetof(struct kt_header, buf_len) == 108, "buf_len offset");
_Static_assert(__builtin_offsetof(struct kt_header, comm) == 112, "comm offset");

#endif
