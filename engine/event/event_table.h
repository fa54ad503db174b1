/* event_table.h: Saker's table of scap event types.
 *
 * One entry per event type id of the public scap format (ids, names,
 * parameter names, types and layouts are facts of that format; the table
 * itself is Saker's). Even ids are enter events, odd ids exit events.
 * Several ids share a name (old versions of the same syscall, e.g. every
 * "execve" layout since 2014): a rule on `evt.type = execve` matches all of
 * them, sk_event_types_by_name() lists them.
 *
 * Parameters carry a type (how the bytes are laid out), a print format and,
 * for flag/enum parameters, a symbol table so `evt.arg.flags` renders
 * "O_RDONLY|O_CLOEXEC" as Falco does (sk_event_render_flags()). */
#ifndef SK_EVENT_TABLE_H
#define SK_EVENT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_strbuf.h"

/* Number of event type ids Saker knows (ids 0 .. SK_EVENT_TYPE_MAX-1). */
#define SK_EVENT_TYPE_MAX 426u

/* Parameter types; the numbering is the scap format's. */
typedef enum sk_ptype {
	SK_PT_NONE = 0,
	SK_PT_INT8 = 1,
	SK_PT_INT16 = 2,
	SK_PT_INT32 = 3,
	SK_PT_INT64 = 4,
	SK_PT_UINT8 = 5,
	SK_PT_UINT16 = 6,
	SK_PT_UINT32 = 7,
	SK_PT_UINT64 = 8,
	SK_PT_CHARBUF = 9,   /* NUL-terminated string */
	SK_PT_BYTEBUF = 10,  /* raw bytes */
	SK_PT_ERRNO = 11,    /* int64: >= 0 result, < 0 -errno */
	SK_PT_SOCKADDR = 12, /* u8 family, then address */
	SK_PT_SOCKTUPLE = 13,
	SK_PT_FD = 14,      /* int64 */
	SK_PT_PID = 15,     /* int64 */
	SK_PT_FDLIST = 16,  /* u16 count, then (u64 fd, u16 flags) */
	SK_PT_FSPATH = 17,  /* path string */
	SK_PT_SYSCALLID = 18, /* u16 */
	SK_PT_SIGTYPE = 19, /* u8 */
	SK_PT_RELTIME = 20, /* u64 ns */
	SK_PT_ABSTIME = 21, /* u64 ns since the epoch */
	SK_PT_PORT = 22,
	SK_PT_L4PROTO = 23,
	SK_PT_SOCKFAMILY = 24,
	SK_PT_BOOL = 25,
	SK_PT_IPV4ADDR = 26,
	SK_PT_DYN = 27,     /* u8 index into the parameter's dyn list, then that type */
	SK_PT_FLAGS8 = 28,  /* bit flags */
	SK_PT_FLAGS16 = 29,
	SK_PT_FLAGS32 = 30,
	SK_PT_UID = 31,     /* u32 */
	SK_PT_GID = 32,     /* u32 */
	SK_PT_DOUBLE = 33,
	SK_PT_SIGSET = 34,  /* u32 */
	SK_PT_CHARBUFARRAY = 35,
	SK_PT_CHARBUF_PAIR_ARRAY = 36,
	SK_PT_IPV4NET = 37,
	SK_PT_IPV6ADDR = 38,
	SK_PT_IPV6NET = 39,
	SK_PT_IPADDR = 40,
	SK_PT_IPNET = 41,
	SK_PT_MODE = 42,      /* u32 file mode */
	SK_PT_FSRELPATH = 43, /* path relative to the dirfd parameter */
	SK_PT_ENUMFLAGS8 = 44, /* one value out of a symbol table */
	SK_PT_ENUMFLAGS16 = 45,
	SK_PT_ENUMFLAGS32 = 46,
	SK_PT_COUNT
} sk_ptype;

/* How a numeric parameter prints. */
typedef enum sk_pformat {
	SK_PF_NA = 0,
	SK_PF_DEC = 1,
	SK_PF_HEX = 2,
	SK_PF_10_PADDED_DEC = 3,
	SK_PF_ID = 4,
	SK_PF_DIR = 5,
	SK_PF_OCT = 6,
} sk_pformat;

/* Category of an event (evt.category); numbering is the scap format's. */
typedef enum sk_event_category {
	SK_EC_UNKNOWN = 0,
	SK_EC_OTHER = 1,
	SK_EC_FILE = 2,
	SK_EC_NET = 3,
	SK_EC_IPC = 4,
	SK_EC_MEMORY = 5,
	SK_EC_PROCESS = 6,
	SK_EC_SLEEP = 7,
	SK_EC_SYSTEM = 8,
	SK_EC_SIGNAL = 9,
	SK_EC_USER = 10,
	SK_EC_TIME = 11,
	SK_EC_PROCESSING = 12,
	SK_EC_IO_READ = 32,
	SK_EC_IO_WRITE = 33,
	SK_EC_IO_OTHER = 34,
	SK_EC_WAIT = 64,
	SK_EC_SCHEDULER = 128,
	SK_EC_INTERNAL = 256,
} sk_event_category;

/* Where an event comes from. */
typedef enum sk_event_kind {
	SK_EK_SYSCALL = 0,  /* a system call enter/exit */
	SK_EK_TRACEPOINT,   /* a kernel tracepoint (procexit, switch, signaldeliver, page_fault) */
	SK_EK_META,         /* written by the capture or userspace (container, drop, useradded...) */
	SK_EK_PLUGIN,       /* plugin event */
	SK_EK_UNUSED,       /* reserved id never emitted */
} sk_event_kind;

/* Event flags; bit values are the scap format's. */
enum {
	SK_EF_NONE = 0,
	SK_EF_CREATES_FD = 1 << 0,
	SK_EF_DESTROYS_FD = 1 << 1,
	SK_EF_USES_FD = 1 << 2,       /* first parameter is the fd */
	SK_EF_READS_FROM_FD = 1 << 3,
	SK_EF_WRITES_TO_FD = 1 << 4,
	SK_EF_MODIFIES_STATE = 1 << 5,
	SK_EF_UNUSED = 1 << 6,
	SK_EF_WAITS = 1 << 7,
	SK_EF_SKIPPARSERESET = 1 << 8,
	SK_EF_OLD_VERSION = 1 << 9,   /* an older layout, still decoded from captures */
	SK_EF_DROP_SIMPLE_CONS = 1 << 10,
	SK_EF_LARGE_PAYLOAD = 1 << 11, /* parameter lengths are u32, not u16 */
};

typedef struct sk_symbol {
	const char *name;
	uint32_t value;
} sk_symbol;

typedef struct sk_symtab {
	const char *name; /* "file_flags" */
	bool is_enum;     /* one value (enum) rather than OR-ed bits */
	uint16_t count;
	const sk_symbol *syms;
} sk_symtab;

typedef struct sk_param_info {
	const char *name;
	uint8_t type;   /* sk_ptype */
	uint8_t format; /* sk_pformat */
	int8_t dirfd_param; /* FSRELPATH: index of the dirfd parameter, else -1 */
	uint8_t ndyn;       /* DYN: entries in dyn */
	const sk_symtab *symbols;          /* FLAGS/ENUMFLAGS/MODE: NULL when none */
	const struct sk_param_info *dyn;   /* DYN: layouts by index byte */
} sk_param_info;

typedef struct sk_event_info {
	const char *name;  /* evt.type ("open"); "NA" for unused ids */
	uint16_t type;     /* the id itself */
	uint16_t category; /* sk_event_category */
	uint8_t kind;      /* sk_event_kind */
	uint8_t nparams;
	uint32_t flags;    /* SK_EF_* */
	const sk_param_info *params;
} sk_event_info;

/* Returns the entry for type; never NULL: ids outside the table get a
 * shared placeholder named "unknown" with no parameters (kind UNUSED). */
const sk_event_info *sk_event_info_get(uint16_t type);

/* Writes up to max ids whose name is name into out (ascending) and returns
 * how many ids have that name (may exceed max; 0 when unknown). */
size_t sk_event_types_by_name(const char *name, uint16_t *out, size_t max);

/* Returns the number of ids in the table (SK_EVENT_TYPE_MAX). */
uint16_t sk_event_type_count(void);

/* Returns the index of param_name in info's parameters, or -1. */
int sk_event_param_index(const sk_event_info *info, const char *param_name);

/* True for exit events ("<" in sysdig's output): odd ids. */
static inline bool sk_event_is_exit(uint16_t type)
{
	return (type & 1u) != 0;
}

/* Number of syscall ids (the ID parameter of generic events, types 0/1). */
#define SK_SYSCALL_ID_MAX 329u

/* Name of a syscall id ("mprotect"), or NULL when unknown. Generic events
 * (types 0 and 1) report it as their evt.type, as Falco does. */
const char *sk_syscall_name(uint16_t id);

/* Returns the syscall id named name, or -1. */
int sk_syscall_id(const char *name);

/* evt.type of an event: the table name, or the syscall name for generic
 * events whose first parameter (ID, u16) is known. */
const char *sk_event_type_name(uint16_t type, const uint8_t *id_param, uint32_t id_len);

/* Name of a parameter type ("FD", "CHARBUF", ...) as `sysdig -L` prints it. */
const char *sk_ptype_name(sk_ptype type);

/* Name of a category as evt.category prints it ("file", "net", "IO_READ"...). */
const char *sk_event_category_name(uint16_t category);

/* Renders value with the parameter's symbol table the way Falco does:
 * bit flags as "A|B" (an exact match wins; zero only matches a zero-valued
 * symbol), enums as the one matching name. Appends nothing when no symbol
 * matches (or the parameter has no table) and returns false then. */
bool sk_event_render_flags(const sk_param_info *param, uint32_t value, sk_strbuf *out);

#endif
