/* cmd_replay: `saker-engine -e FILE.scap`, Falco's -e: every event of a
 * capture goes through the state, the rules and the outputs, in order;
 * alerts go to the configured outputs (stdout by default) and a summary
 * to stderr. The hostname in alerts is this machine's, or FALCO_HOSTNAME /
 * SAKER_HOSTNAME when set (as Falco honours FALCO_HOSTNAME). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "config.h"
#include "eval_ctx.h"
#include "pipeline.h"
#include "scap_reader.h"
#include "sk_log.h"
#include "state.h"
#include "state_scap.h"

int cmd_replay(const sk_cli *cli)
{
	sk_engine_config cfg;
	sk_pipeline pipe;
	sk_scap_reader *rd = NULL;
	sk_scap_stats stats;
	int rc = 1;
	sk_err err;

	memset(&pipe, 0, sizeof(pipe));
	if (cmd_config_load(cli, &cfg) != 0) {
		return 2;
	}
	if (cfg.nrules_files == 0) {
		sk_error("no rules: give -r FILE or rules_files in the configuration");
		rc = 2;
		goto cleanup;
	}
	err = sk_pipeline_open(&pipe, &cfg);
	if (err != SK_OK) {
		rc = 2;
		goto cleanup;
	}
	err = sk_scap_reader_open_file(cli->replay_file, sk_state_scap_callbacks(), pipe.state, &rd);
	if (err != SK_OK) {
		sk_error("%s: cannot read capture: %s", cli->replay_file, sk_strerror(err));
		goto cleanup;
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	time_t stop_at = cli->duration_s > 0 ? now.tv_sec + (time_t)cli->duration_s : 0;
	for (uint64_t n = 1;; n++) {
		sk_event evt;
		if (stop_at != 0 && n % 1024 == 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec >= stop_at) {
				err = SK_ENOENT; /* -M: stop here as at the end */
				sk_info("-M %lu: stopping the replay after %llu events", cli->duration_s,
					(unsigned long long)pipe.events);
				break;
			}
		}
		err = sk_scap_reader_next(rd, &evt);
		if (err != SK_OK) {
			break;
		}
		err = sk_pipeline_event(&pipe, &evt);
		if (err != SK_OK) {
			break;
		}
	}
	sk_outputs_drain(pipe.outputs);
	if (err != SK_ENOENT) {
		sk_error("%s: stopped after %llu events: %s (%s)", cli->replay_file, (unsigned long long)pipe.events,
			 sk_strerror(err), sk_scap_reader_error(rd));
	} else {
		rc = pipe.failed > 0 ? 1 : 0;
	}
	sk_pipeline_print_summary(&pipe);
	sk_scap_reader_stats(rd, &stats);
	if (stats.malformed > 0) {
		fprintf(stderr, "Damaged blocks skipped: %llu (first: %s)\n", (unsigned long long)stats.malformed,
			sk_scap_reader_error(rd));
	}
cleanup:
	sk_scap_reader_close(rd);
	sk_pipeline_close(&pipe);
	sk_engine_config_free(&cfg);
	return rc;
}
