/* event_table.c: lookups over Saker's scap event table. */
#include "event_table.h"

#include <string.h>

#include "event_table_data.inc"

static const sk_event_info unknown_event = {
	"unknown", 0, SK_EC_UNKNOWN, SK_EK_UNUSED, 0, SK_EF_UNUSED, NULL,
};

const sk_event_info *sk_event_info_get(uint16_t type)
{
	if (type >= SK_EVENT_TYPE_MAX) {
		return &unknown_event;
	}
	return &event_table[type];
}

size_t sk_event_types_by_name(const char *name, uint16_t *out, size_t max)
{
	size_t found = 0;

	if (name == NULL) {
		return 0;
	}
	for (uint16_t i = 0; i < SK_EVENT_TYPE_MAX; i++) {
		if (strcmp(event_table[i].name, name) != 0) {
			continue;
		}
		if (found < max && out != NULL) {
			out[found] = i;
		}
		found++;
	}
	return found;
}

uint16_t sk_event_type_count(void)
{
	return (uint16_t)SK_EVENT_TYPE_MAX;
}

int sk_event_param_index(const sk_event_info *info, const char *param_name)
{
	if (info == NULL || param_name == NULL) {
		return -1;
	}
	for (int i = 0; i < info->nparams; i++) {
		if (strcmp(info->params[i].name, param_name) == 0) {
			return i;
		}
	}
	return -1;
}

const char *sk_syscall_name(uint16_t id)
{
	if (id == 0 || id >= SK_SYSCALL_ID_MAX) {
		return NULL;
	}
	return syscall_names[id];
}

int sk_syscall_id(const char *name)
{
	if (name == NULL || name[0] == '\0') {
		return -1;
	}
	for (int i = 1; i < (int)SK_SYSCALL_ID_MAX; i++) {
		if (strcmp(syscall_names[i], name) == 0) {
			return i;
		}
	}
	return -1;
}

const char *sk_event_type_name(uint16_t type, const uint8_t *id_param, uint32_t id_len)
{
	if (type <= 1 && id_param != NULL && id_len == 2) {
		const char *name = sk_syscall_name((uint16_t)(id_param[0] | id_param[1] << 8));
		return name != NULL ? name : "<unknown>";
	}
	return sk_event_info_get(type)->name;
}

const char *sk_ptype_name(sk_ptype type)
{
	static const char *const names[SK_PT_COUNT] = {
		"NONE", "INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64",
		"CHARBUF", "BYTEBUF", "ERRNO", "SOCKADDR", "SOCKTUPLE", "FD", "PID", "FDLIST",
		"FSPATH", "SYSCALLID", "SIGTYPE", "RELTIME", "ABSTIME", "PORT", "L4PROTO",
		"SOCKFAMILY", "BOOL", "IPV4ADDR", "DYNAMIC", "FLAGS8", "FLAGS16", "FLAGS32", "UID",
		"GID", "DOUBLE", "SIGSET", "CHARBUFARRAY", "CHARBUF_PAIR_ARRAY", "IPV4NET",
		"IPV6ADDR", "IPV6NET", "IPADDR", "IPNET", "MODE", "FSRELPATH", "ENUMFLAGS8",
		"ENUMFLAGS16", "ENUMFLAGS32",
	};
	if ((unsigned)type >= SK_PT_COUNT) {
		return "UNKNOWN";
	}
	return names[type];
}

const char *sk_event_category_name(uint16_t category)
{
	switch (category) {
	case SK_EC_OTHER:
		return "other";
	case SK_EC_FILE:
		return "file";
	case SK_EC_NET:
		return "net";
	case SK_EC_IPC:
		return "IPC";
	case SK_EC_MEMORY:
		return "memory";
	case SK_EC_PROCESS:
		return "process";
	case SK_EC_SLEEP:
		return "sleep";
	case SK_EC_SYSTEM:
		return "system";
	case SK_EC_SIGNAL:
		return "signal";
	case SK_EC_USER:
		return "user";
	case SK_EC_TIME:
		return "time";
	case SK_EC_PROCESSING:
		return "processing";
	case SK_EC_IO_READ:
		return "IO_READ";
	case SK_EC_IO_WRITE:
		return "IO_WRITE";
	case SK_EC_IO_OTHER:
		return "IO_OTHER";
	case SK_EC_WAIT:
		return "wait";
	case SK_EC_SCHEDULER:
		return "scheduler";
	case SK_EC_INTERNAL:
		return "internal";
	default:
		return "unknown";
	}
}

/* Falco's rule for bit flags: walk the table in order; a symbol whose value
 * equals the whole value wins alone; otherwise every symbol whose bits are
 * all set is printed and its bits are removed, so O_RDWR hides O_RDONLY and
 * O_WRONLY; a zero-valued symbol only names a zero value. */
static bool render_bits(const sk_symtab *tab, uint32_t value, sk_strbuf *out)
{
	uint32_t rest = value;
	bool any = false;

	for (uint16_t i = 0; i < tab->count; i++) {
		if (tab->syms[i].value == value) {
			sk_strbuf_puts(out, tab->syms[i].name);
			return true;
		}
	}
	for (uint16_t i = 0; i < tab->count; i++) {
		uint32_t bits = tab->syms[i].value;
		if (bits == 0 || (rest & bits) != bits) {
			continue;
		}
		if (any) {
			sk_strbuf_putc(out, '|');
		}
		sk_strbuf_puts(out, tab->syms[i].name);
		rest &= ~bits;
		any = true;
	}
	return any;
}

bool sk_event_render_flags(const sk_param_info *param, uint32_t value, sk_strbuf *out)
{
	const sk_symtab *tab;

	if (param == NULL || param->symbols == NULL || out == NULL) {
		return false;
	}
	tab = param->symbols;
	/* Enums too: Falco names an enum value with flag bits (futex's
	 * FUTEX_PRIVATE_FLAG|FUTEX_WAKE) by the same walk as bit flags. */
	return render_bits(tab, value, out);
}
