#include "pipeline.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "env.h"
#include "sk_log.h"

/* Alerts carry this machine's name, or FALCO_HOSTNAME / SAKER_HOSTNAME when
 * set (as Falco honours FALCO_HOSTNAME). */
static const char *hostname_override(void)
{
	const char *h = getenv("SAKER_HOSTNAME");
	return h != NULL && h[0] != '\0' ? h : getenv("FALCO_HOSTNAME");
}

static void count_alert(sk_pipeline *p, sk_priority prio, sk_err err)
{
	p->alerts++;
	if (prio < SK_PRIO_COUNT) {
		p->by_priority[prio]++;
	}
	if (err != SK_OK && err != SK_EFULL) {
		p->failed++; /* a full queue is counted by the outputs themselves */
	}
}

/* append_output's fields with a format: their text joins the
 * output_fields object in p->fields (which ends in '}'). */
static sk_err add_extra_fields(sk_pipeline *p, const sk_rule *rule)
{
	sk_strbuf text = SK_STRBUF_INIT;
	sk_err err = SK_OK;
	for (size_t i = 0; i < rule->nextra && err == SK_OK; i++) {
		sk_strbuf_reset(&text);
		err = sk_fmt_render_text(rule->extra_formats[i], &p->ctx, p->ctx.buffer_base64, &text);
		if (p->fields.len < 2 || sk_strbuf_failed(&p->fields)) {
			err = SK_ENOMEM;
			break;
		}
		p->fields.len--; /* the closing brace */
		if (p->fields.len > 1) {
			sk_strbuf_putc(&p->fields, ',');
		}
		sk_strbuf_json_string(&p->fields, rule->extra_names[i], strlen(rule->extra_names[i]));
		sk_strbuf_putc(&p->fields, ':');
		sk_strbuf_json_string(&p->fields, sk_strbuf_str(&text), text.len);
		sk_strbuf_putc(&p->fields, '}');
	}
	sk_strbuf_free(&text);
	return err;
}

static bool on_match(const sk_rule *rule, void *user)
{
	sk_pipeline *p = user;
	const sk_event *evt = p->ctx.evt;
	sk_alert a;

	sk_strbuf_reset(&p->msg);
	sk_strbuf_reset(&p->fields);
	if (sk_fmt_render_text(rule->output, &p->ctx, p->ctx.buffer_base64, &p->msg) != SK_OK ||
	    sk_fmt_render_json(rule->output_json, &p->ctx, p->ctx.buffer_base64, &p->fields) != SK_OK ||
	    add_extra_fields(p, rule) != SK_OK) {
		p->failed++;
		return true;
	}
	memset(&a, 0, sizeof(a));
	a.ts = evt->ts;
	a.rule = rule->name;
	a.priority = sk_priority_name(rule->priority);
	a.source = rule->source != NULL ? rule->source : "syscall";
	a.tags = rule->tags;
	a.ntags = rule->ntags;
	a.hostname = p->ctx.hostname;
	a.message = sk_strbuf_str(&p->msg);
	a.output_fields = sk_strbuf_str(&p->fields);
	count_alert(p, rule->priority, sk_outputs_submit(p->outputs, &a));
	if (p->rcap != NULL) {
		(void)sk_rcap_rule_matched(p->rcap, p->state, rule, evt); /* failures are logged */
	}
	if (p->rule_matches != NULL) {
		p->rule_matches[rule->order]++;
	}
	return true;
}

/* A directory loads its *.yaml / *.yml files in name order, like -r DIR. */
static void load_rules_path(sk_ruleset *rs, const char *path)
{
	sk_ruleset_load_path(rs, path); /* failures are diagnostics, reported after compiling */
}

/* falco.yaml's `rules`: each entry in order, over the files' enabled. An
 * entry that selects nothing is most likely a typo: say so. */
static void select_rules(sk_ruleset *rs, const sk_engine_config *cfg)
{
	for (size_t i = 0; i < cfg->nrule_selections; i++) {
		const sk_rule_selection *sel = &cfg->rule_selections[i];
		size_t matched = 0;
		if (sk_ruleset_select(rs, sel->enable, sel->rule, sel->tag, &matched) == SK_OK && matched == 0) {
			sk_warn("rules: '%s: {%s%s%s%s%s}' selects no rule", sel->enable ? "enable" : "disable",
				sel->rule != NULL ? "rule: " : "", sel->rule != NULL ? sel->rule : "",
				sel->rule != NULL && sel->tag != NULL ? ", " : "", sel->tag != NULL ? "tag: " : "",
				sel->tag != NULL ? sel->tag : "");
		}
	}
}

/* Checks one append_output format (a field name when as_field) against
 * the fields Saker knows; logs what is wrong with it. */
static bool addition_format_ok(size_t entry, const char *what, const char *text, bool as_field)
{
	sk_strbuf why = SK_STRBUF_INIT;
	sk_strbuf field = SK_STRBUF_INIT;
	sk_fmt *fmt = NULL;
	uint32_t pos = 0;
	if (as_field) {
		sk_strbuf_printf(&field, "%%%s", text);
		text = sk_strbuf_str(&field);
	}
	sk_err err = sk_fmt_compile(sk_rules_env_default(), text, strlen(text), &fmt, &pos, &why);
	if (err != SK_OK) {
		sk_error("configuration: append_output entry %zu: %s '%s': %s", entry + 1, what, text,
			 sk_strbuf_str(&why));
	}
	sk_fmt_free(fmt);
	sk_strbuf_free(&why);
	sk_strbuf_free(&field);
	return err == SK_OK;
}

/* The fields Falco's container plugin marks as suggested output: with
 * suggested_output Falco 0.41+ ends every syscall rule's output with them.
 * Saker's container and Kubernetes fields are built in, so it does too. */
static const char *const container_suggested[] = {
	"container.id", "container.name", "container.image.repository", "container.image.tag", "k8s.pod.name",
	"k8s.ns.name",
};

/* Falco's form of a suggested field: the name with '_' for '.', then the
 * field, "container_id=%container.id"; prefix goes before the name. */
static void put_suggested(sk_strbuf *sb, const char *prefix, const char *name)
{
	size_t start = sb->len + (sb->len > 0);
	sk_strbuf_printf(sb, "%s%s%s=%%%s%s", sb->len > 0 ? " " : "", prefix, name, prefix, name);
	for (size_t i = start; i < sb->len && !sk_strbuf_failed(sb) && sb->data[i] != '='; i++) {
		sb->data[i] = sb->data[i] == '.' ? '_' : sb->data[i];
	}
}

/* falco.yaml's append_output as the rules compiler takes it, pointing into
 * cfg and, for an entry with suggested_output, into *texts (its own
 * extra_output, then the container plugin's suggested fields, then the
 * static fields: where the entry stands, as Falco adds them); every format
 * checked first so a typo stops the start with the entry's number. *out is
 * allocated (NULL when there are none), *nout entries. */
static sk_err build_additions(const sk_engine_config *cfg, sk_output_addition **out, size_t *nout,
			      sk_strbuf *texts)
{
	size_t offsets[SK_CONFIG_MAX_APPEND_OUTPUT];
	*out = NULL;
	*nout = 0;
	if (cfg->nappend_output == 0) {
		return SK_OK;
	}
	sk_output_addition *adds = calloc(cfg->nappend_output, sizeof(*adds));
	if (adds == NULL) {
		return SK_ENOMEM;
	}
	bool ok = true, oom = false;
	for (size_t i = 0; i < cfg->nappend_output; i++) {
		const sk_append_output *a = &cfg->append_output[i];
		adds[i] = (sk_output_addition){
			.rule = a->rule,
			.source = a->source,
			.tags = (const char *const *)a->tags,
			.ntags = a->ntags,
			.extra_output = a->extra_output,
			.field_names = (const char *const *)a->field_names,
			.field_formats = (const char *const *)a->field_formats,
			.nfields = a->nfields,
		};
		if (a->extra_output != NULL) {
			ok &= addition_format_ok(i, "extra_output", a->extra_output, false);
		}
		for (size_t f = 0; f < a->nfields; f++) {
			bool by_name = a->field_formats[f] == NULL;
			ok &= addition_format_ok(i, by_name ? "extra_fields field" : "extra_fields format",
						 by_name ? a->field_names[f] : a->field_formats[f], by_name);
		}
		offsets[i] = SIZE_MAX;
		if (a->suggested_output) {
			sk_strbuf one = SK_STRBUF_INIT;
			sk_strbuf_puts(&one, a->extra_output != NULL ? a->extra_output : "");
			for (size_t f = 0; f < sizeof(container_suggested) / sizeof(container_suggested[0]); f++) {
				put_suggested(&one, "", container_suggested[f]);
			}
			for (size_t f = 0; f < cfg->nstatic; f++) {
				put_suggested(&one, "static.", cfg->static_names[f]);
			}
			offsets[i] = texts->len;
			sk_strbuf_append(texts, sk_strbuf_str(&one), one.len + 1); /* with its NUL */
			oom |= sk_strbuf_failed(&one);
			sk_strbuf_free(&one);
		}
	}
	/* texts stopped growing: point the suggested entries into it */
	for (size_t i = 0; i < cfg->nappend_output && !sk_strbuf_failed(texts); i++) {
		if (offsets[i] != SIZE_MAX) {
			adds[i].extra_output = texts->data + offsets[i];
		}
	}
	if (!ok || oom || sk_strbuf_failed(texts)) {
		free(adds);
		return ok ? SK_ENOMEM : SK_EINVAL;
	}
	*out = adds;
	*nout = cfg->nappend_output;
	return SK_OK;
}

sk_err sk_pipeline_build_rules(const sk_engine_config *cfg, sk_ruleset **out)
{
	sk_rules_opts opts = {0};
	sk_ruleset *rs = NULL;
	sk_output_addition *additions = NULL;
	sk_strbuf suggested = SK_STRBUF_INIT;
	const sk_diags *ds;
	bool errors = false;
	sk_err err;

	opts.match_all = cfg->rule_matching_all;
	opts.min_priority = SK_PRIO_DEBUG;
	if (sk_priority_parse(cfg->priority, strlen(cfg->priority), &opts.min_priority) != SK_OK) {
		sk_error("configuration: priority: unknown priority '%s'", cfg->priority);
		return SK_EINVAL;
	}
	err = build_additions(cfg, &additions, &opts.nadditions, &suggested);
	if (err != SK_OK) {
		sk_strbuf_free(&suggested);
		return err;
	}
	opts.additions = additions;
	/* static.<name> must name one of static_fields, as in Falco */
	sk_rules_env env = *sk_rules_env_default();
	env.static_names = (const char *const *)cfg->static_names;
	env.nstatic = cfg->nstatic;
	env.static_checked = true;
	opts.env = &env;
	err = sk_ruleset_new(&opts, &rs);
	if (err != SK_OK) {
		free(additions);
		sk_strbuf_free(&suggested);
		return err;
	}
	for (size_t i = 0; i < cfg->nrules_files; i++) {
		load_rules_path(rs, cfg->rules_files[i]);
	}
	select_rules(rs, cfg);
	err = sk_ruleset_compile(rs);
	free(additions); /* the compiled rules keep what they need */
	sk_strbuf_free(&suggested);
	ds = sk_ruleset_diags(rs);
	for (size_t i = 0; i < ds->n; i++) {
		errors |= ds->v[i].error;
	}
	if (err != SK_OK || errors) {
		sk_strbuf text = SK_STRBUF_INIT;
		for (size_t i = 0; i < ds->n; i++) {
			if (ds->v[i].error) {
				sk_diag_render(&ds->v[i], sk_ruleset_srcs(rs), &text);
			}
		}
		sk_error("rules could not be loaded:\n%s", sk_strbuf_str(&text));
		sk_strbuf_free(&text);
		sk_ruleset_free(rs);
		return err != SK_OK ? err : SK_EPARSE;
	}
	*out = rs;
	return SK_OK;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++) {
		free(v[i]);
	}
	free(v);
}

/* Copies cfg's static_fields where the rules read them (static.<name>);
 * the previous copy goes only once the new one is complete. */
static sk_err take_static_fields(sk_pipeline *p, const sk_engine_config *cfg)
{
	char **names = calloc(cfg->nstatic + 1, sizeof(*names));
	char **values = calloc(cfg->nstatic + 1, sizeof(*values));
	bool ok = names != NULL && values != NULL;

	for (size_t i = 0; ok && i < cfg->nstatic; i++) {
		names[i] = strdup(cfg->static_names[i]);
		values[i] = strdup(cfg->static_values[i]);
		ok = names[i] != NULL && values[i] != NULL;
	}
	if (!ok) {
		free_strings(names, cfg->nstatic);
		free_strings(values, cfg->nstatic);
		return SK_ENOMEM;
	}
	free_strings(p->static_names, p->nstatic);
	free_strings(p->static_values, p->nstatic);
	p->static_names = names;
	p->static_values = values;
	p->nstatic = cfg->nstatic;
	p->ctx.static_names = (const char *const *)names;
	p->ctx.static_values = (const char *const *)values;
	p->ctx.nstatic = cfg->nstatic;
	return SK_OK;
}

/* Empty or unset: the runtime's default path. */
static const char *env_path(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

sk_err sk_pipeline_open(sk_pipeline *p, const sk_engine_config *cfg)
{
	sk_state_config sc;
	sk_err err;

	memset(p, 0, sizeof(*p));
	memset(&sc, 0, sizeof(sc));
	/* Where container runtimes keep their state, for hosts (and tests) that
	 * keep it elsewhere; see docs/configuration.md. */
	sc.docker_root = env_path("SAKER_DOCKER_ROOT");
	sc.containerd_root = env_path("SAKER_CONTAINERD_ROOT");
	sc.crio_root = env_path("SAKER_CRIO_ROOT");
	sc.max_threads = cfg->thread_table_size;
	err = sk_pipeline_build_rules(cfg, &p->rules);
	if (err == SK_OK) {
		p->rule_matches = calloc(sk_ruleset_rule_count(p->rules) + 1, sizeof(*p->rule_matches));
		err = p->rule_matches != NULL ? SK_OK : SK_ENOMEM;
	}
	if (err == SK_OK) {
		err = sk_state_new(&sc, &p->state);
	}
	if (err == SK_OK) {
		err = sk_eval_ctx_init(&p->ctx, p->state, hostname_override());
		p->ctx_ready = err == SK_OK;
	}
	if (err == SK_OK) {
		err = take_static_fields(p, cfg);
		p->ctx.buffer_base64 = cfg->buffer_format_base64;
	}
	if (err == SK_OK) {
		err = sk_rcap_new(&cfg->capture, &p->rcap);
	}
	if (err == SK_OK) {
		err = sk_outputs_open(&cfg->out, &p->outputs);
		if (err != SK_OK) {
			sk_error("outputs: %s", sk_strerror(err));
		}
	}
	if (err != SK_OK) {
		sk_pipeline_close(p);
		return err;
	}
	p->generation = 1;
	return SK_OK;
}

/* A capture file that closed at its size limit is said in an internal
 * alert, as Falco does, so the outputs show it was cut short. */
static void capture_closed(sk_pipeline *p, const sk_rcap_done *done, uint64_t ts)
{
	if (done->reason != SK_RCAP_SIZE) {
		return; /* logged by rule_capture */
	}
	sk_strbuf fields = SK_STRBUF_INIT;
	sk_strbuf msg = SK_STRBUF_INIT;
	sk_strbuf_puts(&fields, "{\"capture.path\":");
	sk_strbuf_json_string(&fields, done->path, strlen(done->path));
	sk_strbuf_printf(&fields, ",\"capture.events\":%llu,\"capture.bytes\":%llu}",
			 (unsigned long long)done->events, (unsigned long long)done->bytes);
	sk_strbuf_printf(&msg, "Saker internal: capture file reached max_file_size_mb and was closed (path=%s events=%llu "
			       "bytes=%llu)",
			 done->path, (unsigned long long)done->events, (unsigned long long)done->bytes);
	if (!sk_strbuf_failed(&fields) && !sk_strbuf_failed(&msg)) {
		(void)sk_pipeline_internal_alert(p, ts, "Saker internal: capture file size limit",
						 SK_PRIO_INFORMATIONAL, sk_strbuf_str(&msg), sk_strbuf_str(&fields));
	}
	sk_strbuf_free(&fields);
	sk_strbuf_free(&msg);
}

sk_err sk_pipeline_event(sk_pipeline *p, const sk_event *evt)
{
	sk_state_view view;
	sk_err err;

	p->events++;
	err = sk_state_apply(p->state, evt, &view);
	if (err != SK_OK) {
		return err;
	}
	if (sk_rcap_active(p->rcap)) {
		sk_rcap_done done;
		(void)sk_rcap_event(p->rcap, evt, &done);
		capture_closed(p, &done, evt->ts);
	}
	sk_eval_ctx_set_event(&p->ctx, evt, &view);
	return sk_ruleset_match(p->rules, evt->type, &p->ctx, on_match, p);
}

sk_err sk_pipeline_internal_alert(sk_pipeline *p, uint64_t ts, const char *rule, sk_priority prio,
				  const char *message, const char *output_fields)
{
	sk_alert a;

	memset(&a, 0, sizeof(a));
	a.ts = ts;
	a.rule = rule;
	a.priority = sk_priority_name(prio);
	a.source = "internal";
	a.hostname = p->ctx.hostname;
	a.message = message;
	a.output_fields = output_fields;
	sk_err err = sk_outputs_submit(p->outputs, &a);
	count_alert(p, prio, err);
	return err;
}

static uint64_t epoch_ns(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

void sk_pipeline_capture_tick(sk_pipeline *p)
{
	if (!sk_rcap_active(p->rcap)) {
		return;
	}
	uint64_t now_ns = epoch_ns();
	sk_rcap_done done;
	sk_rcap_tick(p->rcap, now_ns, &done);
	capture_closed(p, &done, now_ns);
}

sk_err sk_pipeline_reload(sk_pipeline *p, const sk_engine_config *cfg)
{
	sk_ruleset *rs = NULL;
	sk_err err = sk_pipeline_build_rules(cfg, &rs);

	if (err != SK_OK) {
		return err;
	}
	if (p->rcap != NULL) {
		sk_rcap_done done;
		if (sk_rcap_configure(p->rcap, &cfg->capture, &done) != SK_OK) {
			sk_ruleset_free(rs);
			return SK_ENOMEM;
		}
		capture_closed(p, &done, epoch_ns());
	}
	uint64_t *matches = calloc(sk_ruleset_rule_count(rs) + 1, sizeof(*matches));
	if (matches == NULL || take_static_fields(p, cfg) != SK_OK) {
		free(matches);
		sk_ruleset_free(rs);
		return SK_ENOMEM;
	}
	sk_ruleset_free(p->rules);
	p->rules = rs;
	p->ctx.buffer_base64 = cfg->buffer_format_base64;
	free(p->rule_matches);
	p->rule_matches = matches;
	p->generation++;
	return SK_OK;
}

void sk_pipeline_print_summary(const sk_pipeline *p)
{
	fprintf(stderr, "Events read: %llu, alerts: %llu\n", (unsigned long long)p->events,
		(unsigned long long)p->alerts);
	for (int prio = 0; prio < SK_PRIO_COUNT; prio++) {
		if (p->by_priority[prio] > 0) {
			fprintf(stderr, "   %s: %llu\n", sk_priority_name((sk_priority)prio),
				(unsigned long long)p->by_priority[prio]);
		}
	}
}

void sk_pipeline_close(sk_pipeline *p)
{
	sk_rcap_free(p->rcap, NULL); /* before the state it writes from */
	p->rcap = NULL;
	sk_outputs_close(p->outputs);
	p->outputs = NULL;
	if (p->ctx_ready) {
		sk_eval_ctx_free(&p->ctx);
		p->ctx_ready = false;
	}
	sk_state_free(p->state);
	p->state = NULL;
	sk_ruleset_free(p->rules);
	p->rules = NULL;
	free(p->rule_matches);
	p->rule_matches = NULL;
	free_strings(p->static_names, p->nstatic);
	free_strings(p->static_values, p->nstatic);
	p->static_names = p->static_values = NULL;
	p->nstatic = 0;
	sk_strbuf_free(&p->msg);
	sk_strbuf_free(&p->fields);
}
