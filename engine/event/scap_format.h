/* scap_format.h: the block layouts of .scap files (and of the live stream,
 * docs/protocol.md), as facts of the public format.
 *
 * A file is a sequence of blocks, little-endian:
 *     u32 block_type, u32 block_total_length, body, pad to 4, u32 block_total_length
 * block_total_length counts everything (header, body, padding, trailer).
 *
 * Bodies:
 *   SHB   u32 magic 0x1A2B3C4D, u16 major, u16 minor, u64 section_length
 *   MI    u32 num_cpus, u64 memory_bytes, u64 max_cpu_freq, char hostname[128], then
 *         (newer) u64 boot_ts_epoch, u64 flags, ...
 *   PL    V1..V8: records back to back; V9: each record starts with u32 record_len.
 *         Record: u64 tid, pid, ptid, [sid V6+], [vpgid V8+], str comm, str exe,
 *         [str exepath V7+], str args, str cwd, u64 fdlimit, u32 flags, uid, gid,
 *         [V2+: u32 vmsize_kb, vmrss_kb, vmswap_kb, u64 pfmajor, pfminor],
 *         [V3+: str env], [V4+: i64 vtid, vpid, str cgroups], [V5+: str root],
 *         V9 only, while record_len allows: [u64 pidns_init_start_ts, u32 tty]
 *         (absent in pre-0.10 writers), u32 loginuid, u8 exe_writable,
 *         u64 cap_inheritable, cap_permitted, cap_effective, u8 exe_upper_layer,
 *         u64 exe_ino, exe_ino_ctime, exe_ino_mtime, u8 exe_from_memfd,
 *         u8 exe_lower_layer, i64 pgid.   (str = u16 length + bytes, no NUL)
 *   FDL   u64 tid, then fd records (V2: each prefixed by u32 record_len):
 *         u64 fd, u64 ino, u8 fd_type, then by type (SK_SCAP_FD_*).
 *   EV    u16 cpu, event (22-byte header without nparams; nparams inferred)
 *   EVF   u16 cpu, u32 flags, event (same)
 *   EV2   u16 cpu, event with nparams (26-byte header); EVF2: u16 cpu, u32 flags, event
 *   *_LARGE  as EV2/EVF2 with u32 parameter lengths
 *   IL    records: u16 type (1 IPv4, 2 IPv6, 3/4 the same without linkspeed),
 *         u16 name_len, addr, netmask, bcast (4 or 16 bytes each), [u64 linkspeed], name.
 *         V2: each record prefixed by u32 record_len.
 *   UL    records: u8 kind (0 user, 1 group); user: u32 uid, u32 gid, str name,
 *         str home, str shell; group: u32 gid, str name. V2: u32 record_len prefix.
 *   SAKER_STATS  u32 version = 1, u32 ncpus, per CPU u64 events, drops_full, drops_oversize.
 */
#ifndef SK_SCAP_FORMAT_H
#define SK_SCAP_FORMAT_H

#include <stdint.h>

#define SK_SCAP_SHB 0x0A0D0D0Au
#define SK_SCAP_SHB_MAGIC 0x1A2B3C4Du
#define SK_SCAP_MI 0x201u
#define SK_SCAP_MI_INT 0x8002ABCDu
#define SK_SCAP_PL_V1 0x202u
#define SK_SCAP_PL_V1_INT 0x8000ABCDu
#define SK_SCAP_PL_V2 0x207u
#define SK_SCAP_PL_V2_INT 0x8013ABCDu
#define SK_SCAP_PL_V3 0x209u
#define SK_SCAP_PL_V3_INT 0x8014ABCDu
#define SK_SCAP_PL_V4 0x210u
#define SK_SCAP_PL_V5 0x211u
#define SK_SCAP_PL_V6 0x212u
#define SK_SCAP_PL_V7 0x213u
#define SK_SCAP_PL_V8 0x214u
#define SK_SCAP_PL_V9 0x215u
#define SK_SCAP_FDL 0x203u
#define SK_SCAP_FDL_INT 0x8001ABCDu
#define SK_SCAP_FDL_V2 0x218u
#define SK_SCAP_EV 0x204u
#define SK_SCAP_EV_INT 0x8010ABCDu
#define SK_SCAP_EV_V2 0x216u
#define SK_SCAP_EV_V2_LARGE 0x221u
#define SK_SCAP_EVF 0x208u
#define SK_SCAP_EVF_V2 0x217u
#define SK_SCAP_EVF_V2_LARGE 0x222u
#define SK_SCAP_IL 0x205u
#define SK_SCAP_IL_INT 0x8011ABCDu
#define SK_SCAP_IL_V2 0x219u
#define SK_SCAP_UL 0x206u
#define SK_SCAP_UL_INT 0x8012ABCDu
#define SK_SCAP_UL_V2 0x220u
/* Saker's capture statistics block (docs/protocol.md); others skip it. */
#define SK_SCAP_SAKER_STATS 0x53410001u

/* Block header (type + total length) and trailer sizes. */
#define SK_SCAP_BLOCK_HEADER 8u
#define SK_SCAP_BLOCK_TRAILER 4u
/* Largest block Saker accepts: bounds memory on hostile input. */
#define SK_SCAP_MAX_BLOCK (64u * 1024u * 1024u)

/* Hostname bytes in the machine-info block. */
#define SK_SCAP_HOSTNAME_LEN 128u
/* Body of the machine-info block as Saker writes it (1.2 layout). */
#define SK_SCAP_MI_BODY 180u

/* File descriptor types in fd-list records. */
enum {
	SK_SCAP_FD_UNKNOWN = 0,
	SK_SCAP_FD_FILE = 1,
	SK_SCAP_FD_DIRECTORY = 2,
	SK_SCAP_FD_IPV4_SOCK = 3,
	SK_SCAP_FD_IPV6_SOCK = 4,
	SK_SCAP_FD_IPV4_SERVSOCK = 5,
	SK_SCAP_FD_IPV6_SERVSOCK = 6,
	SK_SCAP_FD_FIFO = 7,
	SK_SCAP_FD_UNIX_SOCK = 8,
	SK_SCAP_FD_EVENT = 9,
	SK_SCAP_FD_UNSUPPORTED = 10,
	SK_SCAP_FD_SIGNALFD = 11,
	SK_SCAP_FD_EVENTPOLL = 12,
	SK_SCAP_FD_INOTIFY = 13,
	SK_SCAP_FD_TIMERFD = 14,
	SK_SCAP_FD_NETLINK = 15,
	SK_SCAP_FD_FILE_V2 = 16,
	SK_SCAP_FD_BPF = 17,
	SK_SCAP_FD_USERFAULTFD = 18,
	SK_SCAP_FD_IOURING = 19,
	SK_SCAP_FD_MEMFD = 20,
	SK_SCAP_FD_PIDFD = 21,
};

/* Interface-list record types. */
enum {
	SK_SCAP_IF_IPV4 = 1,
	SK_SCAP_IF_IPV6 = 2,
	SK_SCAP_IF_IPV4_NOLINKSPEED = 3,
	SK_SCAP_IF_IPV6_NOLINKSPEED = 4,
};

/* User-list record kinds. */
enum {
	SK_SCAP_UL_USER = 0,
	SK_SCAP_UL_GROUP = 1,
};

#endif
