/* field.h: the contract between the rules compiler and the field extractors.
 *
 * The registry (field_table.c) lists every field Saker knows: name, type,
 * flags, description and the function that extracts it from an event plus
 * the engine's state. The rules compiler looks fields up by name at compile
 * time and keeps an sk_field_ref; the evaluator calls the extractor with an
 * opaque sk_eval_ctx it never looks inside.
 *
 * Extractors never allocate per call: values point into the event, into the
 * state, or into ctx's per-event scratch arena. */
#ifndef SK_FIELD_H
#define SK_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sk_err.h"

/* Value types. Operators are checked against them at compile time and JSON
 * output renders them (numbers unquoted, bools as true/false). */
typedef enum sk_ftype {
	SK_FT_STRING = 0, /* text; compared bytewise */
	SK_FT_BYTES,      /* raw buffer (evt.buffer); bcontains/bstartswith */
	SK_FT_INT64,      /* signed integer (evt.res, fd.num, proc.pid) */
	SK_FT_UINT64,     /* unsigned integer (evt.num, user.uid, ports) */
	SK_FT_BOOL,       /* true/false */
	SK_FT_DOUBLE,     /* floating point (rates) */
	SK_FT_IPADDR,     /* IPv4/IPv6 address; compares against CIDRs too */
	SK_FT_IPNET,      /* IPv4/IPv6 network (fd.net) */
	SK_FT_ABSTIME,    /* ns since the epoch; rendered as a number */
	SK_FT_RELTIME,    /* ns duration */
	SK_FT_COUNT
} sk_ftype;

/* Field flags. */
enum {
	SK_FF_ARG_NONE = 0,
	SK_FF_ARG_INDEX = 1 << 0,    /* takes [N] (proc.aname[2], evt.arg[1]) */
	SK_FF_ARG_KEY = 1 << 1,      /* takes [key] or .key (proc.env[HOME], evt.arg.name) */
	SK_FF_ARG_REQUIRED = 1 << 2, /* the argument is mandatory */
	SK_FF_LIST = 1 << 3,         /* may yield several values (proc.aname, container.mounts) */
	SK_FF_HIDDEN = 1 << 4,       /* accepted but not shown in --list */
	SK_FF_EVTTYPE = 1 << 5,      /* evt.type: drives the event-type index */
	SK_FF_COSTLY = 1 << 6,       /* renders text or walks the state: conditions test
				      * it after their cheaper checks */
};

typedef struct sk_ip {
	uint8_t family; /* 4 or 6 (0 = unset) */
	uint8_t bytes[16]; /* v4 uses bytes[0..3], network order */
} sk_ip;

typedef struct sk_ipnet {
	sk_ip addr;
	uint8_t prefix_len;
} sk_ipnet;

typedef struct sk_value {
	sk_ftype type;
	union {
		struct {
			const char *ptr; /* not necessarily NUL-terminated */
			uint32_t len;
		} str; /* STRING, BYTES */
		int64_t i64;  /* INT64 */
		uint64_t u64; /* UINT64, ABSTIME, RELTIME */
		bool b;       /* BOOL */
		double f64;   /* DOUBLE */
		sk_ip ip;     /* IPADDR */
		sk_ipnet net; /* IPNET */
	} u;
} sk_value;

/* Up to SK_VALUES_INLINE values without allocation; list fields beyond that
 * are truncated (ancestor chains are bounded by the state anyway). */
#define SK_VALUES_INLINE 32
typedef struct sk_values {
	uint32_t count; /* 0 means the field has no value here (<NA>) */
	sk_value v[SK_VALUES_INLINE];
} sk_values;

/* Opaque per-event context (event, thread, fd, scratch arena); defined by
 * the engine's event/state modules, passed through by the evaluator. */
struct sk_eval_ctx;

struct sk_field_def;

/* A field as written in a condition or output, resolved at compile time. */
typedef struct sk_field_ref {
	const struct sk_field_def *def;
	int32_t arg_index;   /* [N] argument, -1 when none */
	const char *arg_key; /* [key] or .key argument (owned by the compiled rule), NULL when none */
	uint32_t arg_key_len;
	uint32_t cache;      /* free for the extractor (e.g. a resolved parameter slot) */
} sk_field_ref;

/* Fills out with the field's value(s) for the current event. Sets
 * out->count = 0 when the value is missing. Returns SK_OK, or an error only
 * for a bug or an allocation failure (a missing value is not an error). */
typedef sk_err (*sk_extract_fn)(struct sk_eval_ctx *ctx, const sk_field_ref *ref, sk_values *out);

typedef struct sk_field_def {
	const char *name;  /* "proc.name" */
	sk_ftype type;
	uint32_t flags;    /* SK_FF_* */
	const char *desc;  /* one line, Saker's own words */
	sk_extract_fn extract; /* NULL: known field, value not available yet (<NA>) */
	uint16_t sub;      /* which of the fields sharing one extractor this is
			    * (SK_SUB_*; 0 where the extractor serves one field),
			    * so evaluation switches on a number, not the name */
} sk_field_def;

/* Looks a field up by name (without its argument: "proc.aname", not
 * "proc.aname[2]"). For "evt.arg.x"-style names pass "evt.arg" and treat
 * the rest as the key. Returns NULL when unknown. */
const sk_field_def *sk_field_lookup(const char *name, size_t name_len);

/* Iterates the registry in display order: *count receives its size. */
const sk_field_def *sk_field_table(size_t *count);

/* Name of a type as `--list` prints it ("CHARBUF", "INT64", ...). */
const char *sk_ftype_name(sk_ftype type);

#endif
