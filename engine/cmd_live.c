/* cmd_live: saker-engine's default mode. Listens for saker-capture's event
 * stream (nng PULL) and answers its control requests (nng REP) with the
 * syscall events the loaded rules and the state need; every event goes
 * through the pipeline (state, rules, outputs). SIGHUP reloads the rules
 * (on an error the old ones stay active), and so does a change to the
 * configuration or rules files with watch_config_files (engine/watch.h);
 * SIGUSR1 reopens the file and program outputs (log rotation);
 * SIGINT/SIGTERM drain the outputs
 * and exit. Capture drops call for falco.yaml's syscall_event_drops
 * actions (engine/drops.h): an internal alert, as Falco's "syscall event
 * drop", by default. docs/protocol.md describes both links. */
#include <nng/nng.h>
#include <nng/protocol/pipeline0/pull.h>
#include <nng/protocol/reqrep0/rep.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "drops.h"
#include "event_table.h"
#include "interest.h"
#include "metrics.h"
#include "pipeline.h"
#include "scap_reader.h"
#include "sk_ipc.h"
#include "sk_log.h"
#include "state_scap.h"
#include "watch.h"
#include "webserver.h"

#define LIVE_RECV_TIMEOUT_MS 200
#define LIVE_MAX_MESSAGE (64u << 20)
#define LIVE_METRICS_NS 1000000000ull /* /metrics is at most this old */
#define LIVE_STALL_MS 10000u	      /* a loop silent this long fails /healthz */
/* watch_config_files: inotify is read at most this often; a reload waits
 * for the files to be quiet this long (an editor or the kubelet writes
 * several), but never more than LIVE_WATCH_MAX_WAIT_NS after the first. */
#define LIVE_WATCH_POLL_NS 100000000ull	   /* 100 ms */
#define LIVE_WATCH_QUIET_NS 300000000ull    /* 300 ms */
#define LIVE_WATCH_MAX_WAIT_NS 2000000000ull /* 2 s */

static volatile sig_atomic_t live_stop;
static volatile sig_atomic_t live_reload;
static volatile sig_atomic_t live_reopen;

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		live_reload = 1;
	} else if (sig == SIGUSR1) {
		live_reopen = 1;
	} else {
		live_stop = 1;
	}
}

typedef struct live {
	sk_pipeline pipe;
	pthread_mutex_t lock; /* guards interest + generation, read by the control thread */
	uint16_t *interest;
	size_t ninterest;
	bool drop_failed_exit; /* engine.<kind>.drop_failed_exit, sent with the set */
	uint64_t generation;
	nng_socket control;
	pthread_t control_thread;
	atomic_bool stopping;
	sk_drops drops;  /* syscall_event_drops */
	bool drop_exit;  /* the exit action fired: stop with status 1 */
	/* syscall_event_timeouts: receives in a row without a syscall event,
	 * and when the last one came (ns since the epoch, 0: none yet) */
	uint32_t timeouts_without_event;
	uint64_t last_event_ns;
	sk_web *web;	 /* webserver, NULL when off */
	bool metrics;	 /* serve /metrics */
	const char *engine_kind;
	uint64_t start_ns, next_metrics_ns;
	bool have_capture_stats; /* the capture's last counters, for /metrics */
	uint64_t capture_events, capture_drops_full, capture_drops_oversize;
	/* metrics.output_rule / output_file: the periodic snapshot */
	bool metrics_alert;
	unsigned metrics_parts; /* SK_METRICS_* from the metrics switches */
	char *metrics_file;
	sk_output_config metrics_json; /* how its lines are written: Falco's JSON */
	bool metrics_json_ready;
	uint64_t metrics_interval_ns, next_snapshot_ns, prev_snapshot_mono_ns;
	uint64_t prev_events, prev_capture_events, prev_capture_drops;
	/* watch_config_files; the times are CLOCK_MONOTONIC, 0 for none */
	sk_watch *watch;
	uint64_t next_watch_poll_ns, first_change_ns, last_change_ns;
} live;

static sk_err live_update_interest(live *lv, const sk_engine_config *cfg)
{
	uint16_t *set = NULL;
	size_t n = 0;
	sk_strbuf unknown = SK_STRBUF_INIT;
	sk_err err = sk_interest_compute(lv->pipe.rules, cfg, &set, &n, &unknown);

	if (err == SK_OK && unknown.len > 0) {
		sk_warn("base_syscalls.custom_set: no syscall Saker captures is named %s (left out)",
			sk_strbuf_str(&unknown));
	}
	sk_strbuf_free(&unknown);
	if (err != SK_OK) {
		return err;
	}
	pthread_mutex_lock(&lv->lock);
	free(lv->interest);
	lv->interest = set;
	lv->ninterest = n;
	lv->drop_failed_exit = sk_engine_config_drop_failed_exit(cfg);
	lv->generation++;
	pthread_mutex_unlock(&lv->lock);
	sk_info("capturing %zu event types for the loaded rules and %s%s (generation %llu)", n,
		cfg->base_all ? "base_syscalls.all" : cfg->base_repair ? "base_syscalls.repair"
		: cfg->nbase_custom_set > 0 ? "base_syscalls.custom_set" : "the state",
		lv->drop_failed_exit ? ", failed syscalls dropped (drop_failed_exit)" : "",
		(unsigned long long)lv->generation);
	return SK_OK;
}

/* Answers "SKCTL1 GET <generation>" with the current interest set and,
 * when on, the option drop_failed_exit=1 (only then, so a capture that
 * knows no options is affected only when asked to drop). */
static void *control_main(void *arg)
{
	live *lv = arg;

	while (!atomic_load(&lv->stopping)) {
		char *msg = NULL;
		size_t len = 0;
		sk_strbuf reply = SK_STRBUF_INIT;
		int rv = nng_recv(lv->control, &msg, &len, NNG_FLAG_ALLOC);

		if (rv == NNG_ETIMEDOUT) {
			continue;
		}
		if (rv != 0) {
			if (rv != NNG_ECLOSED) {
				sk_warn("control link: receive failed: %s", nng_strerror(rv));
			}
			break;
		}
		if (len < 11 || memcmp(msg, "SKCTL1 GET ", 11) != 0) {
			sk_warn("control link: ignoring a malformed request (%zu bytes)", len);
			sk_strbuf_puts(&reply, "SKCTL1 ERR malformed request");
		} else {
			pthread_mutex_lock(&lv->lock);
			sk_strbuf_printf(&reply, "SKCTL1 SET %llu %zu ", (unsigned long long)lv->generation,
					 lv->ninterest);
			for (size_t i = 0; i < lv->ninterest; i++) {
				uint8_t le[2] = {(uint8_t)(lv->interest[i] & 0xff), (uint8_t)(lv->interest[i] >> 8)};
				sk_strbuf_append(&reply, le, sizeof(le));
			}
			if (lv->drop_failed_exit) {
				sk_strbuf_puts(&reply, " drop_failed_exit=1");
			}
			pthread_mutex_unlock(&lv->lock);
		}
		nng_free(msg, len);
		if (!sk_strbuf_failed(&reply)) {
			rv = nng_send(lv->control, reply.data, reply.len, 0);
			if (rv != 0 && rv != NNG_ECLOSED) {
				sk_warn("control link: reply failed: %s", nng_strerror(rv));
			}
		}
		sk_strbuf_free(&reply);
	}
	return NULL;
}

/* ---- the reader's callbacks: the state's, plus capture statistics ---- */

static const sk_scap_callbacks *state_cb(void)
{
	return sk_state_scap_callbacks();
}

static sk_err fwd_machine(void *ctx, const sk_scap_machine *mi)
{
	live *lv = ctx;
	return state_cb()->on_machine ? state_cb()->on_machine(lv->pipe.state, mi) : SK_OK;
}

static sk_err fwd_thread(void *ctx, const sk_scap_thread *th)
{
	live *lv = ctx;
	return state_cb()->on_thread ? state_cb()->on_thread(lv->pipe.state, th) : SK_OK;
}

static sk_err fwd_fd(void *ctx, uint64_t tid, const sk_scap_fd *fd)
{
	live *lv = ctx;
	return state_cb()->on_fd ? state_cb()->on_fd(lv->pipe.state, tid, fd) : SK_OK;
}

static sk_err fwd_user(void *ctx, const sk_scap_user *user)
{
	live *lv = ctx;
	return state_cb()->on_user ? state_cb()->on_user(lv->pipe.state, user) : SK_OK;
}

static sk_err fwd_group(void *ctx, const sk_scap_group *group)
{
	live *lv = ctx;
	return state_cb()->on_group ? state_cb()->on_group(lv->pipe.state, group) : SK_OK;
}

static sk_err fwd_iface(void *ctx, const sk_scap_iface *iface)
{
	live *lv = ctx;
	return state_cb()->on_iface ? state_cb()->on_iface(lv->pipe.state, iface) : SK_OK;
}

/* Wall time, for what alerts and metrics show. */
static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Steady time, for the loop's schedules and the rates between snapshots
 * (a wall-clock step moves neither). */
static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Capture statistics (about once a second): syscall_event_drops decides
 * what the drops since the previous report call for (engine/drops.h). */
static sk_err on_capture_stats(void *ctx, const sk_scap_capture_stats *st)
{
	live *lv = ctx;
	uint64_t n = 0;
	lv->have_capture_stats = true;
	lv->capture_events = st->events;
	lv->capture_drops_full = st->drops_full;
	lv->capture_drops_oversize = st->drops_oversize;
	unsigned act = sk_drops_report(&lv->drops, st->events, st->drops_full + st->drops_oversize, now_ns(), &n);
	char msg[256], fields[256];

	if (act == 0) {
		return SK_OK;
	}
	snprintf(msg, sizeof(msg),
		 "Saker internal: syscall event drop. %llu system calls dropped since the last report "
		 "(buffer full %llu, oversize %llu in total)",
		 (unsigned long long)n, (unsigned long long)st->drops_full, (unsigned long long)st->drops_oversize);
	snprintf(fields, sizeof(fields),
		 "{\"n_drops\":%llu,\"n_drops_buffer\":%llu,\"n_drops_oversize\":%llu,\"n_evts\":%llu}",
		 (unsigned long long)n, (unsigned long long)st->drops_full, (unsigned long long)st->drops_oversize,
		 (unsigned long long)st->events);
	if ((act & SK_DROPS_LOG) != 0) {
		sk_warn("%s", msg);
	}
	if ((act & SK_DROPS_ALERT) != 0) {
		(void)sk_pipeline_internal_alert(&lv->pipe, now_ns(), "Saker internal: syscall event drop",
						 SK_PRIO_CRITICAL, msg, fields);
	}
	if ((act & SK_DROPS_EXIT) != 0) {
		sk_error("syscall_event_drops: exit (%llu system calls dropped since the last report)",
			 (unsigned long long)n);
		lv->drop_exit = true;
	}
	return SK_OK;
}

/* syscall_event_timeouts: one more receive (LIVE_RECV_TIMEOUT_MS) without
 * a syscall event. At max_consecutives of them in a row a Debug internal
 * alert says so, as Falco's timeouts notification, and the count starts
 * over; 0 never alerts. */
static void live_no_event(live *lv, uint32_t max)
{
	char msg[160], fields[128], when[64] = "none", secs_text[32];

	if (max == 0 || ++lv->timeouts_without_event < max) {
		return;
	}
	lv->timeouts_without_event = 0;
	if (lv->last_event_ns != 0) {
		time_t secs = (time_t)(lv->last_event_ns / 1000000000u);
		struct tm tm;
		gmtime_r(&secs, &tm);
		strftime(secs_text, sizeof(secs_text), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(when, sizeof(when), "%s.%09uZ", secs_text, (unsigned)(lv->last_event_ns % 1000000000u));
	}
	snprintf(msg, sizeof(msg), "Saker internal: timeouts notification. %u consecutive timeouts without event.",
		 max);
	snprintf(fields, sizeof(fields), "{\"last_event_time\":\"%s\"}", when);
	(void)sk_pipeline_internal_alert(&lv->pipe, now_ns(), "Saker internal: timeouts notification", SK_PRIO_DEBUG,
					 msg, fields);
}

static const sk_scap_callbacks live_callbacks = {
	fwd_machine, fwd_thread, fwd_fd, fwd_user, fwd_group, fwd_iface, on_capture_stats,
};

static int listen_on(nng_socket s, const char *what, const char *url)
{
	char why[512];
	int rv;

	/* nng_listen below reports the failure itself; this says why. */
	if (sk_ipc_prepare_dir(url, why, sizeof(why)) != SK_OK) {
		sk_warn("%s link: %s", what, why);
	}
	rv = nng_listen(s, url, NULL, 0);
	if (rv != 0) {
		sk_error("%s link: cannot listen on %s: %s (another saker-engine running? use --%s URL)", what, url,
			 nng_strerror(rv), what);
	}
	return rv;
}

/* watch_config_files: watches the configuration file (-c), its
 * config_files and the rules files and directories cfg names, replacing
 * what was watched before; none when the key is false. */
static void live_watch_files(live *lv, const sk_cli *cli, const sk_engine_config *cfg)
{
	const char *paths[1 + SK_CONFIG_MAX_INCLUDES + SK_CONFIG_MAX_RULES_FILES];
	size_t n = 0;
	sk_strbuf why = SK_STRBUF_INIT;

	sk_watch_close(lv->watch);
	lv->watch = NULL;
	lv->first_change_ns = 0;
	if (!cfg->watch_config_files) {
		return;
	}
	if (cli->config_file != NULL) {
		paths[n++] = cli->config_file;
	}
	for (size_t i = 0; i < cfg->nconfig_files; i++) {
		paths[n++] = cfg->config_files[i].path;
	}
	for (size_t i = 0; i < cfg->nrules_files; i++) {
		paths[n++] = cfg->rules_files[i];
	}
	sk_err err = sk_watch_open(paths, n, &lv->watch, &why);
	if (err != SK_OK) {
		sk_warn("watch_config_files: %s; changes to the files need SIGHUP", sk_strbuf_str(&why));
	} else {
		if (why.len > 0) {
			sk_warn("watch_config_files: %s", sk_strbuf_str(&why));
		}
		size_t dirs = sk_watch_count(lv->watch);
		sk_info("watch_config_files: watching %zu director%s for changes to the configuration and rules", dirs,
			dirs == 1 ? "y" : "ies");
	}
	sk_strbuf_free(&why);
}

/* SIGHUP or a watched file changed (reason says which): the
 * configuration and rules again, as docs/configuration.md says. */
static void live_reload_rules(live *lv, const sk_cli *cli, const char *reason)
{
	sk_engine_config cfg;

	sk_info("%s: reloading rules", reason);
	if (cmd_config_load(cli, &cfg) != 0) {
		sk_error("reload: configuration error; the current rules stay active");
		return;
	}
	/* A rules file may have been added or removed: watch what cfg names now. */
	live_watch_files(lv, cli, &cfg);
	if (sk_pipeline_reload(&lv->pipe, &cfg) == SK_OK) {
		(void)live_update_interest(lv, &cfg);
		lv->drops.cfg = cfg.drops; /* the counters and the bucket carry on */
	} else {
		sk_error("reload: the rules did not load; the current rules stay active");
	}
	sk_engine_config_free(&cfg);
}

/* -P: the process id in path, for init systems; false after logging why
 * it cannot be written. */
static bool write_pidfile(const char *path)
{
	FILE *f = fopen(path, "we");
	bool ok = f != NULL && fprintf(f, "%ld\n", (long)getpid()) > 0;
	if (f != NULL && fclose(f) != 0) {
		ok = false;
	}
	if (!ok) {
		sk_error("-P %s: cannot write the pid file: %s", path, strerror(errno));
	}
	return ok;
}

/* engine.kind: replay, run as -e engine.replay.capture_file. Takes cfg. */
static int replay_configured_file(const sk_cli *cli, sk_engine_config *cfg)
{
	sk_cli replay = *cli;
	int rc = 2;
	if (cfg->replay_capture_file == NULL || cfg->replay_capture_file[0] == '\0') {
		sk_error("engine.kind is replay but engine.replay.capture_file is empty: name the .scap file to replay");
	} else {
		replay.replay_file = cfg->replay_capture_file;
		rc = cmd_replay(&replay);
	}
	sk_engine_config_free(cfg);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* rule's tags sorted and joined with ", ", as Falco labels them. */
static void join_tags(const sk_rule *rule, sk_strbuf *out)
{
	const char *sorted[64];
	size_t n = rule->ntags < 64 ? rule->ntags : 64;
	memcpy(sorted, rule->tags, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	for (size_t i = 0; i < n; i++) {
		sk_strbuf_printf(out, "%s%s", i > 0 ? ", " : "", sorted[i]);
	}
}

static const char *engine_kind_name(sk_engine_kind kind)
{
	return kind == SK_ENGINE_KMOD ? "kmod" : kind == SK_ENGINE_EBPF ? "ebpf" : "modern_ebpf";
}

/* The loop's counters as a metrics snapshot. rules and tags are allocated
 * for it; live_snapshot_free() releases them. */
typedef struct live_snapshot {
	sk_metrics_snapshot snap;
	sk_metrics_rule *rules;
	sk_strbuf *tags;
	size_t nrules;
	char release[128];
} live_snapshot;

static void live_snapshot_free(live_snapshot *ls)
{
	for (size_t i = 0; ls->tags != NULL && i < ls->nrules; i++) {
		sk_strbuf_free(&ls->tags[i]);
	}
	free(ls->tags);
	free(ls->rules);
}

static sk_err live_snapshot_take(live *lv, live_snapshot *ls)
{
	sk_pipeline *p = &lv->pipe;
	sk_outputs_stats os;

	memset(ls, 0, sizeof(*ls));
	ls->nrules = sk_ruleset_rule_count(p->rules);
	ls->rules = calloc(ls->nrules + 1, sizeof(*ls->rules));
	ls->tags = calloc(ls->nrules + 1, sizeof(*ls->tags));
	if (ls->rules == NULL || ls->tags == NULL) {
		live_snapshot_free(ls);
		return SK_ENOMEM;
	}
	sk_outputs_stats_get(p->outputs, &os);
	ls->snap = (sk_metrics_snapshot){
		.parts = lv->metrics_parts,
		.version = SAKER_VERSION,
		.hostname = p->ctx.hostname,
		.engine_kind = lv->engine_kind,
		.start_ns = lv->start_ns,
		.events = p->events,
		.alerts = p->alerts,
		.queue_drops = os.queue_full,
		.have_capture = lv->have_capture_stats,
		.capture_events = lv->capture_events,
		.capture_drops_buffer = lv->capture_drops_full,
		.capture_drops_other = lv->capture_drops_oversize,
		.rules = ls->rules,
		.nrules = ls->nrules,
		.now_ns = now_ns(),
	};
	sk_metrics_read_process(&ls->snap, ls->release, sizeof(ls->release));
	for (size_t i = 0; i < ls->nrules; i++) {
		const sk_rule *r = sk_ruleset_rule(p->rules, i);
		ls->rules[i].matches = p->rule_matches[i];
		if (r == NULL || (ls->rules[i].matches == 0 && !(lv->metrics_parts & SK_METRICS_EMPTY))) {
			continue;
		}
		ls->rules[i].name = r->name;
		ls->rules[i].priority = (int)r->priority;
		ls->rules[i].source = r->source != NULL ? r->source : "syscall";
		join_tags(r, &ls->tags[i]);
		ls->rules[i].tags = sk_strbuf_str(&ls->tags[i]);
	}
	return SK_OK;
}

/* Renders /metrics from the loop's own counters and hands it over. */
static void live_publish_metrics(live *lv)
{
	live_snapshot ls;
	sk_strbuf page = SK_STRBUF_INIT;
	if (live_snapshot_take(lv, &ls) != SK_OK) {
		return;
	}
	if (sk_metrics_render(&ls.snap, &page) == SK_OK) {
		(void)sk_web_set_metrics(lv->web, page.data, page.len);
	}
	sk_strbuf_free(&page);
	live_snapshot_free(&ls);
}

#define METRICS_RULE "Saker internal: metrics snapshot"
#define METRICS_OUTPUT "Saker metrics snapshot"

/* Appends the snapshot alert as one JSON line to metrics.output_file. */
static void append_metrics_line(live *lv, const char *fields, uint64_t ts)
{
	sk_alert a = {.ts = ts,
		      .rule = METRICS_RULE,
		      .priority = sk_priority_name(SK_PRIO_INFORMATIONAL),
		      .source = "internal",
		      .hostname = lv->pipe.ctx.hostname,
		      .message = METRICS_OUTPUT,
		      .output_fields = fields};
	sk_strbuf line = SK_STRBUF_INIT;
	if (sk_alert_format_json(&a, &lv->metrics_json, &line) == SK_OK) {
		sk_strbuf_puts(&line, "\n");
		FILE *f = fopen(lv->metrics_file, "ae");
		bool ok = f != NULL && !sk_strbuf_failed(&line) && fwrite(line.data, 1, line.len, f) == line.len;
		if (f != NULL && fclose(f) != 0) {
			ok = false;
		}
		if (!ok) {
			sk_warn("metrics.output_file %s: cannot append the snapshot", lv->metrics_file);
		}
	}
	sk_strbuf_free(&line);
}

/* metrics.interval elapsed: the snapshot alert and/or line, with rates since
 * the previous one. */
static void live_metrics_snapshot(live *lv, uint64_t mono)
{
	live_snapshot ls;
	sk_strbuf fields = SK_STRBUF_INIT;
	if (live_snapshot_take(lv, &ls) != SK_OK) {
		return;
	}
	ls.snap.prev_events = lv->prev_events;
	ls.snap.prev_capture_events = lv->prev_capture_events;
	ls.snap.prev_capture_drops = lv->prev_capture_drops;
	ls.snap.since_prev_ns = mono - lv->prev_snapshot_mono_ns;
	if (sk_metrics_fields_json(&ls.snap, &fields) == SK_OK) {
		if (lv->metrics_alert) {
			(void)sk_pipeline_internal_alert(&lv->pipe, ls.snap.now_ns, METRICS_RULE, SK_PRIO_INFORMATIONAL,
							 METRICS_OUTPUT, sk_strbuf_str(&fields));
		}
		if (lv->metrics_file != NULL) {
			append_metrics_line(lv, sk_strbuf_str(&fields), ls.snap.now_ns);
		}
	}
	lv->prev_events = ls.snap.events;
	lv->prev_capture_events = ls.snap.capture_events;
	lv->prev_capture_drops = ls.snap.capture_drops_buffer + ls.snap.capture_drops_other;
	lv->prev_snapshot_mono_ns = mono;
	sk_strbuf_free(&fields);
	live_snapshot_free(&ls);
}

/* metrics.enabled with output_rule or output_file: what the loop will do,
 * decided once at start. Returns 0, or 2 with a logged reason. */
static int live_setup_metrics(live *lv, const sk_engine_config *cfg)
{
	sk_priority min = SK_PRIO_DEBUG;
	lv->engine_kind = engine_kind_name(cfg->engine_kind);
	lv->metrics_parts = (cfg->metrics_rules ? SK_METRICS_RULES : 0) |
			    (cfg->metrics_resources ? SK_METRICS_RESOURCES : 0) |
			    (cfg->metrics_kernel ? SK_METRICS_KERNEL : 0) | (cfg->metrics_empty ? SK_METRICS_EMPTY : 0);
	if (!cfg->metrics_enabled) {
		return 0;
	}
	(void)sk_priority_parse(cfg->priority, strlen(cfg->priority), &min);
	lv->metrics_alert = cfg->metrics_output_rule && min >= SK_PRIO_INFORMATIONAL;
	if (cfg->metrics_output_rule && !lv->metrics_alert) {
		sk_warn("metrics.output_rule: priority %s hides the Informational snapshot alert, as in Falco",
			cfg->priority);
	}
	if (cfg->metrics_output_file != NULL && cfg->metrics_output_file[0] != '\0') {
		lv->metrics_file = strdup(cfg->metrics_output_file);
		if (lv->metrics_file == NULL || sk_output_config_defaults(&lv->metrics_json) != SK_OK) {
			sk_error("out of memory");
			return 2;
		}
		lv->metrics_json_ready = true;
	}
	lv->metrics_interval_ns = cfg->metrics_interval_ms * 1000000ull;
	lv->prev_snapshot_mono_ns = mono_ns();
	lv->next_snapshot_ns = lv->prev_snapshot_mono_ns + lv->metrics_interval_ns;
	return 0;
}

/* Starts falco.yaml's webserver when enabled. Returns 0, or 2 after
 * logging why it cannot run (Falco does not start without it either). */
static int live_start_web(live *lv, const sk_engine_config *cfg)
{
	char why[256] = "";
	if (!cfg->web.enabled) {
		return 0;
	}
	lv->metrics = cfg->metrics_enabled && cfg->web.prometheus;
	sk_web_config wc = {
		.address = cfg->web.listen_address,
		.port = (uint16_t)cfg->web.listen_port,
		.healthz_path = cfg->web.healthz_path,
		.threads = cfg->web.threadiness,
		.metrics = lv->metrics,
		.stall_ms = LIVE_STALL_MS,
		.tls_pem = cfg->web.ssl ? cfg->web.ssl_certificate : NULL,
	};
	if (sk_web_start(&wc, &lv->web, why, sizeof(why)) != SK_OK) {
		sk_error("%s", why[0] != '\0' ? why : "webserver: cannot start");
		return 2;
	}
	sk_info("webserver on %s port %u (%s): %s%s", cfg->web.listen_address, (unsigned)sk_web_port(lv->web),
		cfg->web.ssl ? "https" : "http", cfg->web.healthz_path, lv->metrics ? ", /metrics" : "");
	return 0;
}

/* watch_config_files: reads inotify when due and reloads once the changes
 * have been quiet for a while. */
static void live_watch_tick(live *lv, const sk_cli *cli, uint64_t now)
{
	bool changed = false;
	if (now >= lv->next_watch_poll_ns) {
		lv->next_watch_poll_ns = now + LIVE_WATCH_POLL_NS;
		if (sk_watch_poll(lv->watch, &changed) != SK_OK) {
			sk_warn("watch_config_files: cannot read inotify; changes to the files need SIGHUP");
			sk_watch_close(lv->watch);
			lv->watch = NULL;
			return;
		}
	}
	if (changed) {
		lv->last_change_ns = now;
		lv->first_change_ns = lv->first_change_ns != 0 ? lv->first_change_ns : now;
	}
	if (lv->first_change_ns != 0 &&
	    (now - lv->last_change_ns >= LIVE_WATCH_QUIET_NS || now - lv->first_change_ns >= LIVE_WATCH_MAX_WAIT_NS)) {
		lv->first_change_ns = 0;
		live_reload_rules(lv, cli, "watch_config_files: a configuration or rules file changed");
	}
}

/* Once per loop turn: a capture file past its deadline, the webserver's
 * heartbeat, /metrics and the metrics snapshot when they are due, and the
 * file watch (one clock read each). */
static void live_tick(live *lv, const sk_cli *cli)
{
	sk_pipeline_capture_tick(&lv->pipe);
	bool snapshots = lv->metrics_alert || lv->metrics_file != NULL;
	if (lv->web == NULL && !snapshots && lv->watch == NULL) {
		return;
	}
	uint64_t now = mono_ns();
	if (lv->web != NULL) {
		sk_web_beat(lv->web);
		if (lv->metrics && now >= lv->next_metrics_ns) {
			live_publish_metrics(lv);
			lv->next_metrics_ns = now + LIVE_METRICS_NS;
		}
	}
	if (snapshots && now >= lv->next_snapshot_ns) {
		live_metrics_snapshot(lv, now);
		lv->next_snapshot_ns = now + lv->metrics_interval_ns;
	}
	if (lv->watch != NULL) {
		live_watch_tick(lv, cli, now);
	}
}

int cmd_live(const sk_cli *cli)
{
	const char *events_url = cli->events_url ? cli->events_url : SK_ENGINE_EVENTS_URL;
	const char *control_url = cli->control_url ? cli->control_url : SK_ENGINE_CONTROL_URL;
	sk_engine_config cfg;
	live lv;
	nng_socket events = NNG_SOCKET_INITIALIZER;
	sk_scap_reader *rd = NULL;
	struct sigaction sa;
	bool control_started = false, pidfile_written = false;
	int rc = 1;
	int rv;
	sk_err err;

	memset(&lv, 0, sizeof(lv));
	lv.control = (nng_socket)NNG_SOCKET_INITIALIZER;
	pthread_mutex_init(&lv.lock, NULL);
	if (cmd_config_load(cli, &cfg) != 0) {
		pthread_mutex_destroy(&lv.lock);
		return 2;
	}
	if (cfg.engine_kind == SK_ENGINE_REPLAY) {
		/* Falco's `-o engine.kind=replay -o engine.replay.capture_file=F` */
		pthread_mutex_destroy(&lv.lock);
		return replay_configured_file(cli, &cfg);
	}
	if (cfg.nrules_files == 0) {
		sk_error("no rules: give -r FILE|DIR or rules_files in the configuration");
		rc = 2;
		goto cleanup;
	}
	err = sk_pipeline_open(&lv.pipe, &cfg);
	if (err != SK_OK) {
		rc = 2;
		goto cleanup;
	}
	sk_drops_init(&lv.drops, &cfg.drops);
	lv.start_ns = now_ns();
	/* Before the webserver and the sockets exist: a supervisor may signal as
	 * soon as it sees them, and the default action would stop the engine
	 * without draining its outputs. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	if (live_setup_metrics(&lv, &cfg) != 0 || live_start_web(&lv, &cfg) != 0) {
		rc = 2;
		goto cleanup;
	}
	/* Live events come from this host: names for uids/gids come from its
	 * passwd/group until the capture's user list says otherwise. */
	if (sk_state_load_host_users(lv.pipe.state) != SK_OK) {
		sk_warn("cannot read /etc/passwd or /etc/group: user.name and group.name will be <NA>");
	}
	live_watch_files(&lv, cli, &cfg);
	err = live_update_interest(&lv, &cfg);
	if (err == SK_OK) {
		err = sk_scap_reader_open_stream(&live_callbacks, &lv, &rd);
	}
	if (err != SK_OK) {
		sk_error("cannot start: %s", sk_strerror(err));
		goto cleanup;
	}
	rv = nng_pull0_open(&events);
	if (rv == 0) {
		rv = nng_socket_set_ms(events, NNG_OPT_RECVTIMEO, LIVE_RECV_TIMEOUT_MS);
	}
	if (rv == 0) {
		rv = nng_socket_set_size(events, NNG_OPT_RECVMAXSZ, LIVE_MAX_MESSAGE);
	}
	if (rv == 0) {
		rv = nng_rep0_open(&lv.control);
	}
	if (rv == 0) {
		rv = nng_socket_set_ms(lv.control, NNG_OPT_RECVTIMEO, LIVE_RECV_TIMEOUT_MS);
	}
	if (rv != 0) {
		sk_error("nng: %s", nng_strerror(rv));
		goto cleanup;
	}
	if (listen_on(events, "events", events_url) != 0 || listen_on(lv.control, "control", control_url) != 0) {
		goto cleanup;
	}
	if (pthread_create(&lv.control_thread, NULL, control_main, &lv) != 0) {
		sk_error("cannot start the control thread");
		goto cleanup;
	}
	control_started = true;
	sk_info("listening for saker-capture on %s (control %s)", events_url, control_url);
	if (cli->pidfile != NULL && !write_pidfile(cli->pidfile)) {
		rc = 2;
		goto cleanup;
	}
	pidfile_written = cli->pidfile != NULL;
	uint64_t stop_at = cli->duration_s > 0 ? mono_ns() + cli->duration_s * 1000000000ull : 0;

	while (!live_stop && !lv.drop_exit && (stop_at == 0 || mono_ns() < stop_at)) {
		char *msg = NULL;
		size_t len = 0;
		sk_event evt;

		if (live_reload) {
			live_reload = 0;
			live_reload_rules(&lv, cli, "SIGHUP");
		}
		if (live_reopen) {
			live_reopen = 0;
			sk_info("SIGUSR1: reopening the file and program outputs");
			sk_outputs_reopen(lv.pipe.outputs);
		}
		live_tick(&lv, cli);
		sk_outputs_check_timeout(lv.pipe.outputs);
		rv = nng_recv(events, &msg, &len, NNG_FLAG_ALLOC);
		if (rv == NNG_ETIMEDOUT) {
			live_no_event(&lv, cfg.event_timeouts_max);
			continue;
		}
		if (rv == NNG_EINTR) {
			continue;
		}
		if (rv != 0) {
			sk_error("events link: %s", nng_strerror(rv));
			break;
		}
		err = sk_scap_reader_feed(rd, msg, len);
		size_t nevents = 0;
		while (err == SK_OK) {
			err = sk_scap_reader_next(rd, &evt);
			if (err == SK_OK) {
				(void)sk_pipeline_event(&lv.pipe, &evt);
				nevents++;
			}
		}
		/* a message may carry only the capture's counters */
		if (nevents > 0) {
			lv.timeouts_without_event = 0;
			lv.last_event_ns = now_ns();
		} else {
			live_no_event(&lv, cfg.event_timeouts_max);
		}
		nng_free(msg, len);
		if (err != SK_ENOENT) {
			/* A damaged message is counted by the reader; the stream goes on. */
			sk_warn("events link: message of %zu bytes: %s (%s)", len, sk_strerror(err),
				sk_scap_reader_error(rd));
		}
	}
	sk_info("stopping: draining outputs");
	rc = lv.drop_exit ? 1 : 0;
cleanup:
	atomic_store(&lv.stopping, true);
	/* Both sockets are left to the process exit, as saker-capture leaves
	 * its ends: nng 1.5.2 (Debian 12) can deadlock in nng_close() while a
	 * pipe still delivers (nanomsg/nng#1543; seen here when the engine
	 * stopped under a capture draining a full ring), and closing a socket
	 * another thread receives on can panic in a worker thread
	 * ("pthread_mutex_lock: Invalid argument", nanomsg/nng#2238; seen in
	 * cli_test at shutdown). The control thread notices stopping within
	 * one receive timeout instead. */
	if (control_started) {
		pthread_join(lv.control_thread, NULL);
	}
	sk_web_stop(lv.web);
	sk_watch_close(lv.watch);
	if (pidfile_written) {
		unlink(cli->pidfile);
	}
	free(lv.metrics_file);
	if (lv.metrics_json_ready) {
		sk_output_config_free(&lv.metrics_json);
	}
	sk_scap_reader_close(rd);
	sk_pipeline_close(&lv.pipe);
	free(lv.interest);
	pthread_mutex_destroy(&lv.lock);
	sk_engine_config_free(&cfg);
	return rc;
}
