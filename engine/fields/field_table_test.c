/* field_table_test: the registry resolves every field the upstream rules use
 * and the deprecated k8s ones, names are unique, the lookup agrees with the
 * table, and fields sharing an extractor carry distinct subs. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "field.h"
#include "sk_test.h"

/* Resolves a rule token ("proc.aname[2]", "evt.arg.flags") the way the
 * rules compiler does: exact name first, then a [N]/[key] suffix, then a
 * trailing ".key" on a field that accepts keys. */
static const sk_field_def *resolve_token(const char *token)
{
	size_t len = strcspn(token, "[");
	const sk_field_def *def = sk_field_lookup(token, len);
	if (def != NULL) {
		return def;
	}
	for (size_t cut = len; cut > 0; cut--) {
		if (token[cut - 1] != '.') {
			continue;
		}
		def = sk_field_lookup(token, cut - 1);
		if (def != NULL && (def->flags & SK_FF_ARG_KEY) != 0) {
			return def;
		}
	}
	return NULL;
}

static int check_fields_file(const char *path)
{
	FILE *f = fopen(path, "r");
	SK_CHECK(f != NULL);
	if (f == NULL) {
		return 0;
	}
	char line[512];
	int checked = 0;
	while (fgets(line, sizeof(line), f) != NULL && checked < 10000) {
		if (line[0] == '#' || !islower((unsigned char)line[0])) {
			continue;
		}
		char token[256];
		if (sscanf(line, "%255s", token) != 1) {
			continue;
		}
		const sk_field_def *def = resolve_token(token);
		if (def == NULL) {
			fprintf(stderr, "%s: unknown field %s\n", path, token);
		}
		SK_CHECK(def != NULL);
		checked++;
	}
	fclose(f);
	return checked;
}

SK_TEST(upstream_rule_fields_resolve)
{
	int n = check_fields_file("../shared/upstream/rules/fields_used.txt");
	SK_CHECK(n >= 60);
	n = check_fields_file("../shared/upstream/rules/fields_used_all_three_files.txt");
	SK_CHECK(n >= 80);
}

SK_TEST(names_unique_and_lookup_consistent)
{
	size_t count = 0;
	const sk_field_def *table = sk_field_table(&count);
	SK_CHECK(count > 200);
	for (size_t i = 0; i < count; i++) {
		const sk_field_def *def = sk_field_lookup(table[i].name, strlen(table[i].name));
		SK_CHECK(def == &table[i]);
		SK_CHECK(table[i].desc != NULL && table[i].desc[0] != '\0');
		SK_CHECK(strcmp(sk_ftype_name(table[i].type), "UNKNOWN") != 0);
	}
}

/* An extractor that serves several fields tells them apart by sub: when one
 * of its fields names a sub, all must, each a different one. */
SK_TEST(shared_extractors_have_distinct_subs)
{
	size_t count = 0;
	const sk_field_def *table = sk_field_table(&count);
	size_t with_sub = 0;
	for (size_t i = 0; i < count; i++) {
		if (table[i].sub == 0) {
			continue;
		}
		with_sub++;
		for (size_t j = 0; j < count; j++) {
			if (j == i || table[j].extract != table[i].extract) {
				continue;
			}
			if (table[j].sub == 0 || table[j].sub == table[i].sub) {
				fprintf(stderr, "%s and %s share an extractor but not distinct subs\n", table[i].name,
					table[j].name);
			}
			SK_CHECK(table[j].sub != 0 && table[j].sub != table[i].sub);
		}
	}
	SK_CHECK(with_sub >= 40);
	SK_CHECK(sk_field_lookup("fd.name", 7)->sub != 0);
}

SK_TEST(lookup_misses)
{
	SK_CHECK(sk_field_lookup("proc.nam", 8) == NULL);
	SK_CHECK(sk_field_lookup("proc.namex", 10) == NULL);
	SK_CHECK(sk_field_lookup("", 0) == NULL);
	SK_CHECK(sk_field_lookup(NULL, 3) == NULL);
	/* Not NUL-terminated: only name_len bytes count. */
	SK_CHECK(sk_field_lookup("proc.name[1]", 9) != NULL);
	const sk_field_def *t = sk_field_lookup("evt.type", 8);
	SK_CHECK(t != NULL && (t->flags & SK_FF_EVTTYPE) != 0);
	const sk_field_def *a = sk_field_lookup("proc.aname", 10);
	SK_CHECK(a != NULL && (a->flags & SK_FF_ARG_INDEX) != 0);
	SK_CHECK_STR(sk_ftype_name(SK_FT_STRING), "CHARBUF");
	SK_CHECK_STR(sk_ftype_name(SK_FT_COUNT), "UNKNOWN");
}

/* The k8s fields Falco deprecated (its container plugin keeps the names,
 * extracting nothing) resolve, keyed ones by key, and have no extractor:
 * older rules naming them load and print <NA>. */
SK_TEST(deprecated_k8s_fields_resolve_without_value)
{
	static const char *const names[] = {"k8s.rc.name", "k8s.svc.labels", "k8s.ns.id", "k8s.rs.label[app]",
					    "k8s.deployment.name", "k8s.deployment.label.team"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const sk_field_def *d = resolve_token(names[i]);
		SK_CHECK(d != NULL && d->extract == NULL && d->type == SK_FT_STRING);
	}
	const sk_field_def *label = sk_field_lookup("k8s.ns.label", 12);
	SK_CHECK(label != NULL && (label->flags & SK_FF_ARG_REQUIRED) != 0);
}

SK_TEST_MAIN()
