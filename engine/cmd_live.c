/* cmd_live: saker-engine's default mode. Listens for saker-capture's event
 * stream (nng PULL) and answers its control requests (nng REP) with the
 * syscall events the loaded rules and the state need; every event goes
 * through the pipeline (state, rules, outputs). SIGHUP reloads the rules
 * (on an error the old ones stay active); SIGINT/SIGTERM drain the outputs
 * and exit. Capture drops call for falco.yaml's syscall_event_drops
 * actions (engine/drops.h): an internal alert, as Falco's "syscall event
 * drop", by default. docs/protocol.md describes both links. */
#include <nng/nng.h>
#include <nng/protocol/pipeline0/pull.h>
#include <nng/protocol/reqrep0/rep.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "drops.h"
#include "event_table.h"
#include "interest.h"
#include "pipeline.h"
#include "scap_reader.h"
#include "sk_ipc.h"
#include "sk_log.h"
#include "state_scap.h"

#define LIVE_RECV_TIMEOUT_MS 200
#define LIVE_MAX_MESSAGE (64u << 20)

static volatile sig_atomic_t live_stop;
static volatile sig_atomic_t live_reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		live_reload = 1;
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

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Capture statistics (about once a second): syscall_event_drops decides
 * what the drops since the previous report call for (engine/drops.h). */
static sk_err on_capture_stats(void *ctx, const sk_scap_capture_stats *st)
{
	live *lv = ctx;
	uint64_t n = 0;
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

static void live_reload_rules(live *lv, const sk_cli *cli)
{
	sk_engine_config cfg;

	sk_info("SIGHUP: reloading rules");
	if (cmd_config_load(cli, &cfg) != 0) {
		sk_error("reload: configuration error; the current rules stay active");
		return;
	}
	if (sk_pipeline_reload(&lv->pipe, &cfg) == SK_OK) {
		(void)live_update_interest(lv, &cfg);
		lv->drops.cfg = cfg.drops; /* the counters and the bucket carry on */
	} else {
		sk_error("reload: the rules did not load; the current rules stay active");
	}
	sk_engine_config_free(&cfg);
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

int cmd_live(const sk_cli *cli)
{
	const char *events_url = cli->events_url ? cli->events_url : SK_ENGINE_EVENTS_URL;
	const char *control_url = cli->control_url ? cli->control_url : SK_ENGINE_CONTROL_URL;
	sk_engine_config cfg;
	live lv;
	nng_socket events = NNG_SOCKET_INITIALIZER;
	sk_scap_reader *rd = NULL;
	struct sigaction sa;
	bool control_started = false;
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
	/* Live events come from this host: names for uids/gids come from its
	 * passwd/group until the capture's user list says otherwise. */
	if (sk_state_load_host_users(lv.pipe.state) != SK_OK) {
		sk_warn("cannot read /etc/passwd or /etc/group: user.name and group.name will be <NA>");
	}
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
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sk_info("listening for saker-capture on %s (control %s)", events_url, control_url);

	while (!live_stop && !lv.drop_exit) {
		char *msg = NULL;
		size_t len = 0;
		sk_event evt;

		if (live_reload) {
			live_reload = 0;
			live_reload_rules(&lv, cli);
		}
		rv = nng_recv(events, &msg, &len, NNG_FLAG_ALLOC);
		if (rv == NNG_ETIMEDOUT || rv == NNG_EINTR) {
			continue;
		}
		if (rv != 0) {
			sk_error("events link: %s", nng_strerror(rv));
			break;
		}
		err = sk_scap_reader_feed(rd, msg, len);
		while (err == SK_OK) {
			err = sk_scap_reader_next(rd, &evt);
			if (err == SK_OK) {
				(void)sk_pipeline_event(&lv.pipe, &evt);
			}
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
	/* The events socket is left to the process exit, as saker-capture leaves
	 * its end: nng 1.5.2 (Debian 12) can deadlock in nng_close() while a
	 * pipe still delivers (nanomsg/nng#1543); seen here when the engine
	 * stopped (syscall_event_drops exit) under a capture draining a full
	 * ring. Whatever it still holds is dropped either way. */
	nng_close(lv.control);
	if (control_started) {
		pthread_join(lv.control_thread, NULL);
	}
	sk_scap_reader_close(rd);
	sk_pipeline_close(&lv.pipe);
	free(lv.interest);
	pthread_mutex_destroy(&lv.lock);
	sk_engine_config_free(&cfg);
	return rc;
}
