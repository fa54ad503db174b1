#include "gen_name.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

sk_err gen_action_name(const char *rule, char *out, size_t cap)
{
	size_t prefix = strlen(GEN_ACTION_PREFIX);
	size_t n = prefix;
	bool word_start = true;

	if (rule == NULL || cap <= prefix) {
		return rule == NULL ? SK_EINVAL : SK_ERANGE;
	}
	memcpy(out, GEN_ACTION_PREFIX, prefix);
	for (const char *p = rule; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (!isalnum(c)) {
			word_start = true;
			continue;
		}
		if (n + 1 >= cap) {
			return SK_ERANGE;
		}
		out[n++] = word_start ? (char)toupper(c) : (char)c;
		word_start = false;
	}
	out[n] = '\0';
	return n == prefix ? SK_EINVAL : SK_OK;
}

/* Next letter or digit at or after *p, lowercased; 0 at the end. */
static int next_alnum(const char **p)
{
	while (**p != '\0' && !isalnum((unsigned char)**p)) {
		(*p)++;
	}
	if (**p == '\0') {
		return 0;
	}
	return tolower((unsigned char)*(*p)++);
}

bool gen_name_matches(const char *name, const char *rule)
{
	size_t prefix = strlen(GEN_ACTION_PREFIX);

	if (strncasecmp(name, GEN_ACTION_PREFIX, prefix) == 0) {
		name += prefix;
	}
	for (;;) {
		int a = next_alnum(&name);
		int b = next_alnum(&rule);
		if (a != b) {
			return false;
		}
		if (a == 0) {
			return true;
		}
	}
}
