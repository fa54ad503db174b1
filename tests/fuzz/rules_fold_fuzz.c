/* rules_fold_fuzz: events built from the input (any type, generic events
 * carrying any syscall id, any parameter bytes) matched against Falco's
 * upstream rules twice: as shipped (trees specialised per event type and
 * per carried syscall, macro results kept per event) and with those
 * shortcuts off. Both must name the same rules; a difference aborts.
 * Every match also renders the rule's output text and output_fields, and a
 * rule of our own prints its fields through widths and transformers. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_events.h"
#include "format.h"
#include "ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
	"../shared/upstream/rules/falco_rules.yaml",
	"../shared/upstream/rules/falco-incubating_rules.yaml",
};

/* Match every event type; their outputs and conditions run fields through
 * widths, transformers, concat and join (the upstream rules use none). */
static const char format_rule[] =
	"- rule: formats\n  desc: d\n  condition: evt.num > 0 or evt.num = 0\n  priority: DEBUG\n"
	"  output: '%12evt.type %toupper(proc.name) %2basename(fd.name) %len(evt.arg.data) %b64(evt.arg.data)"
	" %tolower(toupper(proc.aname)) %len(proc.cmdline) %basename(proc.exepath) %toupper(fd.name)"
	" %concat(proc.name, \":\", fd.name) %toupper(join(\",\", (proc.pname, concat(fd.name, evt.type))))'\n"
	"- rule: calls\n  desc: d\n  priority: DEBUG\n  output: '%join(\"/\", proc.aname)'\n"
	"  condition: concat(proc.name, fd.name) != x or len(join(\",\", (proc.name, toupper(proc.exepath)))) > 3\n";

typedef struct names {
	char text[4096];
	size_t len;
	sk_eval_ctx *ctx;
	sk_strbuf out;
} names;

static bool on_match(const sk_rule *r, void *user)
{
	names *n = user;
	int w = snprintf(n->text + n->len, sizeof(n->text) - n->len, "%s|", r->name);
	if (w > 0 && (size_t)w < sizeof(n->text) - n->len) {
		n->len += (size_t)w;
	}
	sk_strbuf_reset(&n->out);
	if (sk_fmt_render_text(r->output, n->ctx, false, &n->out) == SK_OK && n->out.len > 0 &&
	    n->out.data[n->out.len] != '\0') {
		abort();
	}
	sk_strbuf_reset(&n->out);
	if (r->output_json != NULL && sk_fmt_render_json(r->output_json, n->ctx, true, &n->out) == SK_OK &&
	    (n->out.len < 2 || n->out.data[0] != '{' || n->out.data[n->out.len - 1] != '}')) {
		abort();
	}
	return true;
}

/* Both rule sets live for the whole run (loaded at the first input). */
static sk_ruleset *load(bool shortcuts)
{
	sk_rules_opts opts = {.min_priority = SK_PRIO_DEBUG,
			      .match_all = true,
			      .no_type_fold = !shortcuts,
			      .no_macro_memo = !shortcuts};
	sk_ruleset *rs = NULL;
	if (sk_ruleset_new(&opts, &rs) != SK_OK) {
		abort();
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (sk_ruleset_load_file(rs, files[i]) != SK_OK) {
			fprintf(stderr, "rules_fold_fuzz: cannot load %s (run from the repository root)\n", files[i]);
			abort();
		}
	}
	if (sk_ruleset_load_string(rs, "formats.yaml", format_rule, sizeof(format_rule) - 1) != SK_OK ||
	    sk_ruleset_compile(rs) != SK_OK) {
		abort();
	}
	return rs;
}

static sk_ruleset *shipped, *full;

static void on_event(sk_eval_ctx *ctx, const sk_event *ev, uint8_t arg, void *user)
{
	(void)arg;
	(void)user;
	static names a, b;
	a.len = b.len = 0;
	a.text[0] = b.text[0] = '\0';
	a.ctx = b.ctx = ctx;
	if (sk_ruleset_match(shipped, ev->type, ctx, on_match, &a) != SK_OK ||
	    sk_ruleset_match(full, ev->type, ctx, on_match, &b) != SK_OK) {
		return; /* out of memory in an extractor: nothing to compare */
	}
	if (strcmp(a.text, b.text) != 0) {
		fprintf(stderr, "event type %u: shipped [%s], full trees [%s]\n", ev->type, a.text, b.text);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (shipped == NULL) {
		shipped = load(true);
		full = load(false);
	}
	fz_run_events(data, size, on_event, NULL);
	return 0;
}
