/* event_test.c: the event table's contract and the bounds-checked decoder. */
#include "event.h"

#include "event_table.h"
#include "sk_test.h"

SK_TEST(table_covers_every_id)
{
	SK_CHECK_INT(sk_event_type_count(), SK_EVENT_TYPE_MAX);
	for (uint16_t i = 0; i < sk_event_type_count(); i++) {
		const sk_event_info *info = sk_event_info_get(i);
		SK_CHECK(info != NULL && info->name != NULL);
		SK_CHECK_INT(info->type, i);
		SK_CHECK(info->nparams <= SK_EVENT_MAX_PARAMS);
		SK_CHECK(info->nparams == 0 || info->params != NULL);
		for (int p = 0; p < info->nparams; p++) {
			const sk_param_info *pi = &info->params[p];
			SK_CHECK(pi->name != NULL && pi->name[0] != '\0');
			SK_CHECK(pi->type > SK_PT_NONE && pi->type < SK_PT_COUNT);
			SK_CHECK(pi->dirfd_param < info->nparams);
			SK_CHECK(pi->type != SK_PT_DYN || (pi->dyn != NULL && pi->ndyn > 0));
		}
		if ((info->flags & SK_EF_UNUSED) != 0 && info->kind == SK_EK_UNUSED) {
			SK_CHECK_STR(info->name, "NA");
		}
	}
}

SK_TEST(unknown_ids_get_a_placeholder)
{
	const sk_event_info *info = sk_event_info_get(SK_EVENT_TYPE_MAX);
	SK_CHECK(info != NULL);
	SK_CHECK_STR(info->name, "unknown");
	SK_CHECK_INT(info->nparams, 0);
	SK_CHECK(sk_event_info_get(UINT16_MAX) == info);
}

SK_TEST(well_known_ids)
{
	SK_CHECK_STR(sk_event_info_get(2)->name, "open");
	SK_CHECK_STR(sk_event_info_get(293)->name, "execve");
	SK_CHECK_STR(sk_event_info_get(307)->name, "openat");
	SK_CHECK_STR(sk_event_info_get(327)->name, "openat2");
	SK_CHECK_STR(sk_event_info_get(419)->name, "newfstatat");
	SK_CHECK_STR(sk_event_info_get(425)->name, "delete_module");
	SK_CHECK(!sk_event_is_exit(2) && sk_event_is_exit(3));
	SK_CHECK_INT(sk_event_info_get(146)->kind, SK_EK_TRACEPOINT); /* switch */
	SK_CHECK_INT(sk_event_info_get(402)->kind, SK_EK_META);       /* asyncevent */
	SK_CHECK_INT(sk_event_info_get(3)->kind, SK_EK_SYSCALL);
	SK_CHECK((sk_event_info_get(13)->flags & SK_EF_OLD_VERSION) != 0); /* execve v8 */
	SK_CHECK((sk_event_info_get(293)->flags & SK_EF_OLD_VERSION) == 0);
	SK_CHECK((sk_event_info_get(322)->flags & SK_EF_LARGE_PAYLOAD) != 0);
}

SK_TEST(types_by_name_lists_every_version)
{
	uint16_t ids[32];
	size_t n = sk_event_types_by_name("open", ids, 32);
	SK_CHECK_INT(n, 2);
	SK_CHECK(ids[0] == 2 && ids[1] == 3);

	n = sk_event_types_by_name("execve", ids, 32);
	SK_CHECK(n >= 16);
	SK_CHECK_INT(ids[0], 12);
	SK_CHECK_INT(ids[n - 1], 293);

	n = sk_event_types_by_name("openat", ids, 2);
	SK_CHECK_INT(n, 4); /* 102,103 and 306,307; only 2 written */
	SK_CHECK(ids[0] == 102 && ids[1] == 103);

	SK_CHECK_INT(sk_event_types_by_name("no_such_syscall", ids, 32), 0);
	SK_CHECK_INT(sk_event_types_by_name(NULL, ids, 32), 0);
}

SK_TEST(param_index)
{
	const sk_event_info *open_x = sk_event_info_get(3);
	SK_CHECK_INT(sk_event_param_index(open_x, "fd"), 0);
	SK_CHECK_INT(sk_event_param_index(open_x, "flags"), 2);
	SK_CHECK_INT(sk_event_param_index(open_x, "ino"), 5);
	SK_CHECK_INT(sk_event_param_index(open_x, "nope"), -1);
	SK_CHECK_INT(sk_event_param_index(NULL, "fd"), -1);
	const sk_event_info *execve = sk_event_info_get(293);
	SK_CHECK_INT(sk_event_param_index(execve, "trusted_exepath"), 27);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(307), "name"), 2);
	SK_CHECK_INT(sk_event_info_get(307)->params[2].type, SK_PT_FSRELPATH);
	SK_CHECK_INT(sk_event_info_get(307)->params[2].dirfd_param, 1);
}

static void check_render(uint16_t type, const char *param, uint32_t value, const char *want)
{
	const sk_event_info *info = sk_event_info_get(type);
	int idx = sk_event_param_index(info, param);
	sk_strbuf sb = SK_STRBUF_INIT;
	SK_CHECK(idx >= 0);
	if (idx < 0) {
		return;
	}
	bool ok = sk_event_render_flags(&info->params[idx], value, &sb);
	SK_CHECK(ok == (want != NULL));
	SK_CHECK_STR(sk_strbuf_str(&sb), want ? want : "");
	sk_strbuf_free(&sb);
}

SK_TEST(flags_render_like_falco)
{
	check_render(3, "flags", 4097, "O_RDONLY|O_CLOEXEC");
	check_render(3, "flags", 3, "O_RDWR");
	check_render(3, "flags", 0, "O_NONE");
	check_render(3, "flags", 1 | 4 | 256, "O_TRUNC|O_CREAT|O_RDONLY");
	check_render(160, "prot", 3, "PROT_READ|PROT_WRITE");
	check_render(18, "domain", 2, "AF_INET"); /* enum, not bits */
	check_render(18, "domain", 10, "AF_INET6");
	/* Values off the enum are named by their bits, as sysdig 0.29 does. */
	check_render(18, "domain", 12345, "AF_RXRPC|AF_PPPOX");
	check_render(18, "domain", 4096 | 2, "AF_INET");
	check_render(18, "domain", 0, "AF_UNSPEC");
	check_render(64, "op", 129, "FUTEX_PRIVATE_FLAG|FUTEX_WAKE");
	check_render(64, "op", 128, "FUTEX_PRIVATE_FLAG");
	check_render(64, "op", 0, "FUTEX_WAIT");
	check_render(64, "op", 393, "FUTEX_CLOCK_REALTIME|FUTEX_PRIVATE_FLAG|FUTEX_WAIT_BITSET");
	check_render(64, "op", 1000, "FUTEX_CLOCK_REALTIME|FUTEX_PRIVATE_FLAG|FUTEX_TRYLOCK_PI");
	check_render(3, "fd", 1, NULL); /* no symbol table */
}

SK_TEST(type_and_category_names)
{
	SK_CHECK_STR(sk_ptype_name(SK_PT_FD), "FD");
	SK_CHECK_STR(sk_ptype_name(SK_PT_DYN), "DYNAMIC");
	SK_CHECK_STR(sk_ptype_name(SK_PT_COUNT), "UNKNOWN");
	SK_CHECK_STR(sk_event_category_name(SK_EC_FILE), "file");
	SK_CHECK_STR(sk_event_category_name(999), "unknown");
}

/* Builds an event with nparams into buf; returns its length. */
static size_t build(uint8_t *buf, uint16_t type, int legacy, int n, const char *const *vals)
{
	size_t hdr = legacy ? SK_EVENT_LEGACY_HEADER_LEN : SK_EVENT_HEADER_LEN;
	size_t off = hdr + 2 * (size_t)n;
	uint64_t ts = 1700000000123456789ull, tid = 4242;
	memcpy(buf, &ts, 8);
	memcpy(buf + 8, &tid, 8);
	memcpy(buf + 20, &type, 2);
	if (!legacy) {
		uint32_t np = (uint32_t)n;
		memcpy(buf + 22, &np, 4);
	}
	for (int i = 0; i < n; i++) {
		uint16_t l = (uint16_t)(strlen(vals[i]) + 1);
		memcpy(buf + hdr + 2 * (size_t)i, &l, 2);
		memcpy(buf + off, vals[i], l);
		off += l;
	}
	uint32_t len = (uint32_t)off;
	memcpy(buf + 16, &len, 4);
	return off;
}

SK_TEST(decode_checks_every_length)
{
	uint8_t buf[256];
	const char *vals[] = {"/etc/passwd", "x", "y"};
	size_t len = build(buf, 2, 0, 3, vals);
	sk_event e;

	SK_CHECK_INT(sk_event_decode(buf, len, &e), SK_OK);
	SK_CHECK_INT(e.type, 2);
	SK_CHECK_INT(e.tid, 4242);
	SK_CHECK(e.ts == 1700000000123456789ull);
	SK_CHECK_INT(e.nparams, 3);
	SK_CHECK_STR((const char *)e.param[0], "/etc/passwd");
	SK_CHECK_INT(e.param_len[0], 12);
	SK_CHECK_STR(e.info->name, "open");
	SK_CHECK_INT(sk_event_param_by_name(&e, "mode"), 2);
	SK_CHECK_INT(sk_event_param_by_name(&e, "fd"), -1);

	for (size_t cut = 0; cut < len; cut++) {
		SK_CHECK(sk_event_decode(buf, cut, &e) != SK_OK);
	}
	/* A parameter length running past the end. */
	uint16_t bad = 200;
	memcpy(buf + SK_EVENT_HEADER_LEN, &bad, 2);
	SK_CHECK_INT(sk_event_decode(buf, len, &e), SK_EINVAL);
	/* Too many parameters. */
	len = build(buf, 2, 0, 3, vals);
	uint32_t many = 1000;
	memcpy(buf + 22, &many, 4);
	SK_CHECK_INT(sk_event_decode(buf, len, &e), SK_EINVAL);
	/* A length field shorter than the header. */
	len = build(buf, 2, 0, 3, vals);
	uint32_t tiny = 10;
	memcpy(buf + 16, &tiny, 4);
	SK_CHECK_INT(sk_event_decode(buf, len, &e), SK_EINVAL);
	SK_CHECK_INT(sk_event_decode(NULL, 0, &e), SK_EINVAL);
}

SK_TEST(legacy_decode_infers_param_count)
{
	uint8_t buf[256];
	const char *five[] = {"a", "b", "c", "d", "e"};
	sk_event e;
	/* open_x has 6 parameters today; a 5-parameter one comes from an older capture. */
	size_t len = build(buf, 3, 1, 5, five);
	SK_CHECK_INT(sk_event_decode_legacy(buf, len, &e), SK_OK);
	SK_CHECK_INT(e.nparams, 5);
	SK_CHECK_STR((const char *)e.param[4], "e");
	len = build(buf, 3, 1, 0, five);
	SK_CHECK_INT(sk_event_decode_legacy(buf, len, &e), SK_OK);
	SK_CHECK_INT(e.nparams, 0);
	/* Trailing garbage that no parameter count explains. */
	len = build(buf, 3, 1, 5, five);
	uint32_t longer = (uint32_t)len + 1;
	memcpy(buf + 16, &longer, 4);
	SK_CHECK_INT(sk_event_decode_legacy(buf, len + 1, &e), SK_EINVAL);
}

SK_TEST(integer_params)
{
	uint8_t buf[128];
	sk_event e;
	const char *vals[] = {"x"};
	size_t len = build(buf, 5, 0, 1, vals); /* close_x(res) with a 2-byte param */
	SK_CHECK_INT(sk_event_decode(buf, len, &e), SK_OK);
	uint64_t u = 0;
	int64_t s = 0;
	SK_CHECK_INT(sk_event_param_u64(&e, 0, &u), SK_OK);
	SK_CHECK_INT(u, 'x');
	SK_CHECK_INT(sk_event_param_u64(&e, 1, &u), SK_ENOENT);
	int64_t minus = -2;
	e.param[0] = (const uint8_t *)&minus;
	e.param_len[0] = 8;
	SK_CHECK_INT(sk_event_param_i64(&e, 0, &s), SK_OK);
	SK_CHECK_INT(s, -2);
	int32_t m32 = -13;
	e.param[0] = (const uint8_t *)&m32;
	e.param_len[0] = 4;
	SK_CHECK_INT(sk_event_param_i64(&e, 0, &s), SK_OK);
	SK_CHECK_INT(s, -13);
	e.param_len[0] = 3;
	SK_CHECK_INT(sk_event_param_u64(&e, 0, &u), SK_EINVAL);
}

/* saker-capture writes exits in the current layout, with the enter
 * parameters appended: rules read them as evt.arg.request, .uid, .domain... */
SK_TEST(exit_events_carry_enter_parameters)
{
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(169), "request"), 3);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(169), "pid"), 4);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(199), "uid"), 1);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(201), "gid"), 1);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(193), "euid"), 2);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(195), "sgid"), 3);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(19), "domain"), 1);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(21), "fd"), 2);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(25), "backlog"), 2);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(97), "fd"), 1);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(129), "sig"), 2);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(151), "cmd"), 2);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(241), "nstype"), 2);
	SK_CHECK_INT(sk_event_param_index(sk_event_info_get(285), "flags"), 1);
}

SK_TEST_MAIN()
