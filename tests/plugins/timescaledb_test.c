/* The timescaledb plugin against a real PostgreSQL server on loopback
 * (Debian's postgresql, initdb'd here into a private directory and run as
 * nobody, since the server refuses root): rows read back with libpq hold
 * Falcosidekick's columns (time, rule, priority, source, output, tags,
 * hostname, a customfield) with the alerts' values; the database defaults
 * to the user's; a missing table and a wrong password are FAIL; a stopped
 * server is RETRY and a restarted one stores rows again; a table locked by
 * another session is RETRY after the configured timeout, not a hung
 * worker. */
#include <glob.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

#define PASSWORD "s3cret pass"

static char bindir[256];

/* Debian installs the server under /usr/lib/postgresql/<major>/bin. */
static bool find_bindir(void)
{
	glob_t g;
	bool found = glob("/usr/lib/postgresql/*/bin/postgres", 0, NULL, &g) == 0 && g.gl_pathc > 0;

	if (found) {
		snprintf(bindir, sizeof(bindir), "%.*s", (int)(strrchr(g.gl_pathv[g.gl_pathc - 1], '/') -
							       g.gl_pathv[g.gl_pathc - 1]),
			 g.gl_pathv[g.gl_pathc - 1]);
	}
	globfree(&g);
	return found;
}

/* Makes the private directory nobody's, with a cluster in it (first call)
 * whose postgres user has PASSWORD. */
static bool cluster_init(dp_daemon *d)
{
	const struct passwd *nobody = getpwnam("nobody");
	char data[128], pwfile[128], initdb[300];

	if (nobody == NULL || !dp_prepare(d, "postgres", 0) || chown(d->dir, nobody->pw_uid, nobody->pw_gid) != 0) {
		return false;
	}
	snprintf(pwfile, sizeof(pwfile), "%s/pw", d->dir);
	FILE *f = fopen(pwfile, "w");
	if (f == NULL) {
		return false;
	}
	fputs(PASSWORD "\n", f);
	fclose(f);
	if (chown(pwfile, nobody->pw_uid, nobody->pw_gid) != 0) {
		return false;
	}
	snprintf(data, sizeof(data), "%s/data", d->dir);
	snprintf(initdb, sizeof(initdb), "%s/initdb", bindir);
	char *const argv[] = {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", initdb, "-D", data,
			      "-U", "postgres", "--pwfile", pwfile, "--auth=scram-sha-256", "-N", "-E", "UTF8",
			      "--locale=C", NULL};
	return dp_run_quietly(argv);
}

static bool server_start(dp_daemon *d)
{
	char data[128], port[16], postgres[300];

	snprintf(data, sizeof(data), "%s/data", d->dir);
	snprintf(port, sizeof(port), "%d", d->port);
	snprintf(postgres, sizeof(postgres), "%s/postgres", bindir);
	char *const argv[] = {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", postgres, "-D", data,
			      "-k", d->dir, "-h", "127.0.0.1", "-p", port, "-c", "fsync=off", NULL};
	return dp_start(d, argv, 20000);
}

/* A fast shutdown (SIGINT): SIGTERM would wait for the plugin's session. */
static void server_stop(dp_daemon *d)
{
	if (d->pid > 0) {
		kill(d->pid, SIGINT);
	}
	dp_stop(d);
}

static PGconn *admin(const dp_daemon *d)
{
	char conninfo[256];

	snprintf(conninfo, sizeof(conninfo),
		 "host=127.0.0.1 port=%d user=postgres password='s3cret pass' dbname=postgres connect_timeout=5", d->port);
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "admin connection: %s", PQerrorMessage(c));
	}
	return c;
}

static bool sql(PGconn *c, const char *statement)
{
	PGresult *r = PQexec(c, statement);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;

	if (!ok) {
		fprintf(stderr, "%s: %s", statement, PQerrorMessage(c));
	}
	PQclear(r);
	return ok;
}

/* The rows as "time|rule|priority|source|output|tags|hostname|env" lines;
 * NULL shows as \N. */
static void rows(PGconn *c, char *out, size_t cap)
{
	PGresult *r = PQexec(c, "SELECT time, rule, priority, source, output, tags, hostname, env FROM falco_events "
				"ORDER BY time");
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++) {
		for (int j = 0; j < PQnfields(r); j++) {
			int n = snprintf(out + len, cap - len, "%s%s", j > 0 ? "|" : "",
					 PQgetisnull(r, i, j) ? "\\N" : PQgetvalue(r, i, j));
			len += n > 0 && (size_t)n < cap - len ? (size_t)n : 0;
		}
		int n = snprintf(out + len, cap - len, "\n");
		len += n > 0 && (size_t)n < cap - len ? (size_t)n : 0;
	}
	PQclear(r);
}

static dp_daemon pg = {.pid = -1};

SK_TEST(rows_as_falcosidekick_writes_them_and_failures)
{
	char port[16], got[4096];
	ph_plugin p;
	ph_alert a;
	const char *names[] = {"container.id", "env", "proc.cmdline"};
	const char *values[] = {"abc123", "\"prod\"", "bash -i"};

	if (!find_bindir()) {
		SK_CHECK(!"Debian's postgresql server (scripts/install-deps.sh installs it)");
		return;
	}
	SK_CHECK(cluster_init(&pg));
	SK_CHECK(server_start(&pg));
	PGconn *c = admin(&pg);
	SK_CHECK(sql(c, "SET TIME ZONE 'UTC'"));
	SK_CHECK(sql(c, "CREATE TABLE falco_events (time TIMESTAMPTZ NOT NULL, rule TEXT, priority VARCHAR(20), "
			"source VARCHAR(20), output TEXT, tags TEXT, hostname TEXT, env TEXT)"));
	snprintf(port, sizeof(port), "%d", pg.port);

	/* no database key: the user's (postgres); env is a customfield */
	const char *cfg[] = {"host", "127.0.0.1", "port", port, "password", PASSWORD, "customfields.env", "prod", NULL};
	SK_CHECK(ph_open(&p, "timescaledb", cfg));
	for (int seq = 0; seq < 2; seq++) {
		ph_alert_make(&a, seq);
		a.a.field_names = names;
		a.a.field_values = values;
		a.a.nfields = 3;
		if (seq == 1) {
			a.a.ntags = 0;
			a.a.hostname = "";
			a.a.rule = "Null";
		}
		SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	}
	rows(c, got, sizeof(got));
	ph_alert_make(&a, 1);
	char want[2048];
	snprintf(want, sizeof(want),
		 "2026-11-29 22:00:00+00|Terminal shell in container|Warning|syscall|" PH_OUTPUT0
		 "|container,shell|node-1|prod\n"
		 "2026-11-29 22:00:00.001+00|\\N|Warning|syscall|%s|\\N|\\N|prod\n",
		 a.output);
	SK_CHECK_STR(got, want);

	/* the server stops: RETRY; it comes back: the row goes in */
	server_stop(&pg);
	ph_alert_make(&a, 2);
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(p.err, "timescaledb 127.0.0.1:");
	SK_CHECK(strstr(p.err, PASSWORD) == NULL);
	PQfinish(c);
	SK_CHECK(server_start(&pg));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	c = admin(&pg);
	SK_CHECK(sql(c, "SET TIME ZONE 'UTC'"));
	rows(c, got, sizeof(got));
	SK_CHECK_CONTAINS(got, "2026-11-29 22:00:00.002+00|Terminal shell in container|");

	/* a table locked by another session: RETRY once the timeout passes */
	ph_unload(&p);
	const char *slow[] = {"host", "127.0.0.1", "port", port, "password", PASSWORD, "database", "postgres",
			      "timeout", "1500", NULL};
	SK_CHECK(ph_open(&p, "timescaledb", slow));
	SK_CHECK(sql(c, "BEGIN"));
	SK_CHECK(sql(c, "LOCK TABLE falco_events IN ACCESS EXCLUSIVE MODE"));
	long long t0 = ph_now_ms();
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_RETRY);
	long long took = ph_now_ms() - t0;
	SK_CHECK(took >= 1400 && took < 8000);
	SK_CHECK_CONTAINS(p.err, "SQLSTATE 57014");
	SK_CHECK(sql(c, "ROLLBACK"));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_OK);
	ph_unload(&p);

	/* no such table: FAIL, with PostgreSQL's reason */
	const char *notable[] = {"host", "127.0.0.1", "port", port, "password", PASSWORD, "hypertablename",
				 "Missing_Events", NULL};
	SK_CHECK(ph_open(&p, "timescaledb", notable));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "relation \"missing_events\" does not exist (SQLSTATE 42P01)");
	ph_unload(&p);

	/* a wrong password: FAIL, and the password is not in the message */
	const char *badpw[] = {"host", "127.0.0.1", "port", port, "password", "wrong-one", NULL};
	SK_CHECK(ph_open(&p, "timescaledb", badpw));
	SK_CHECK_INT(ph_send(&p, &a.a), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(p.err, "password authentication failed");
	SK_CHECK(strstr(p.err, "wrong-one") == NULL);
	ph_unload(&p);

	/* bad keys stop the start */
	const char *badport[] = {"host", "127.0.0.1", "port", "54x", NULL};
	SK_CHECK(!ph_open(&p, "timescaledb", badport));
	SK_CHECK_CONTAINS(p.err, "port '54x'");
	ph_unload(&p);
	const char *badtable[] = {"host", "127.0.0.1", "hypertablename", "a.b.c", NULL};
	SK_CHECK(!ph_open(&p, "timescaledb", badtable));
	SK_CHECK_CONTAINS(p.err, "hypertablename 'a.b.c'");
	ph_unload(&p);

	PQfinish(c);
	server_stop(&pg);
	dp_done(&pg);
}

SK_TEST_MAIN()
