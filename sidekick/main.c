/* saker-sidekick: Falcosidekick-compatible alert forwarder with a durable
 * spool. See docs/sidekick.md. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "saker/output_plugin.h"
#include "sk_log.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: saker-sidekick [-c FILE] [--plugin-dir DIR] [--list-plugins] [-h] [--version]\n"
		   "\n"
		   "Receives Falco JSON alerts over HTTP (POST /, port 2801) and nng\n"
		   "(ipc:///run/saker/alerts.sock), spools them durably and fans them out to\n"
		   "output plugins. Configuration keys and environment variables follow\n"
		   "Falcosidekick (SLACK_WEBHOOKURL, WEBHOOK_ADDRESS, LISTENPORT, DEBUG, ...).\n"
		   "\n"
		   "  -c, --config FILE   YAML configuration (default: none, all defaults)\n"
		   "      --plugin-dir DIR  where saker_<output>.so plugins live\n"
		   "                        (default: plugindir from the config, else %s)\n"
		   "      --list-plugins  list the plugins found and exit\n"
		   "  -h, --help          this text\n"
		   "      --version       print the version and exit\n",
		SAKER_PLUGIN_DIR);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},  {"plugin-dir", required_argument, NULL, 'p'},
		{"list-plugins", no_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},       {NULL, 0, NULL, 0},
	};
	const char *config_path = NULL, *plugin_dir = NULL;
	bool list = false;
	char err[1024];
	skc_config *cfg = NULL;
	skd_daemon *d = NULL;
	int opt;

	sk_log_init("saker-sidekick", SK_LOG_INFO);
	for (opt = getopt_long(argc, argv, "c:h", longopts, NULL); opt != -1;
	     opt = getopt_long(argc, argv, "c:h", longopts, NULL)) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 'p':
			plugin_dir = optarg;
			break;
		case 'l':
			list = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("saker-sidekick %s (output plugin ABI %u)\n", SAKER_VERSION, SAKER_OUTPUT_ABI_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "saker-sidekick: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (skc_load_file(config_path, &cfg, err, sizeof(err)) != SK_OK) {
		fprintf(stderr, "saker-sidekick: %s\n", err);
		return 1;
	}
	if (list) {
		const char *dir = plugin_dir != NULL ? plugin_dir : skc_string(cfg, NULL, "plugindir", SAKER_PLUGIN_DIR);
		int rc = skd_list_plugins(dir) == SK_OK ? 0 : 1;
		skc_free(cfg);
		return rc;
	}
	/* Signals are taken synchronously by this thread; every other thread
	 * inherits the blocked mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (skd_start(cfg, plugin_dir, &d, err, sizeof(err)) != SK_OK) {
		fprintf(stderr, "saker-sidekick: %s\n", err);
		skc_free(cfg);
		return 1;
	}
	sk_info("ready");
	int sig = 0;
	sigwait(&set, &sig);
	sk_info("%s received, draining", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	if (!skd_stop(d)) {
		sk_info("stopped (an output was still busy)");
		fflush(NULL);
		_exit(0);
	}
	skc_free(cfg);
	sk_info("stopped");
	return 0;
}
