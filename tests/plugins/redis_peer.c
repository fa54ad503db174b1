#include "redis_peer.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "plugin_host.h"

redisContext *rp_client(const rp_server *s, int db)
{
	struct timeval tv = {1, 0};
	redisContext *c = redisConnectWithTimeout("127.0.0.1", s->port, tv);
	redisReply *r;

	if (c == NULL || c->err != 0) {
		if (c != NULL) {
			redisFree(c);
		}
		return NULL;
	}
	redisSetTimeout(c, tv);
	if (s->password[0] != '\0') {
		r = redisCommand(c, "AUTH %s", s->password);
		freeReplyObject(r);
	}
	r = redisCommand(c, "SELECT %d", db);
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		freeReplyObject(r);
		redisFree(c);
		return NULL;
	}
	freeReplyObject(r);
	return c;
}

sk_err rp_start(rp_server *s, int port, const char *password)
{
	char portstr[16];
	long long deadline;

	memset(s, 0, sizeof(*s));
	s->port = port != 0 ? port : ph_free_port();
	snprintf(s->password, sizeof(s->password), "%s", password != NULL ? password : "");
	snprintf(portstr, sizeof(portstr), "%d", s->port);
	s->pid = fork();
	if (s->pid < 0) {
		return SK_EIO;
	}
	if (s->pid == 0) {
		/* Dies with the test even if the test crashes. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Its start-up chatter is not the test's output. */
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull >= 0) {
			dup2(devnull, STDOUT_FILENO);
			close(devnull);
		}
		if (s->password[0] != '\0') {
			execlp("redis-server", "redis-server", "--port", portstr, "--bind", "127.0.0.1", "--save", "",
			       "--appendonly", "no", "--loglevel", "warning", "--requirepass", s->password,
			       (char *)NULL);
		} else {
			execlp("redis-server", "redis-server", "--port", portstr, "--bind", "127.0.0.1", "--save", "",
			       "--appendonly", "no", "--loglevel", "warning", (char *)NULL);
		}
		_exit(127);
	}
	deadline = ph_now_ms() + 5000;
	while (ph_now_ms() < deadline) {
		redisContext *c = rp_client(s, 0);
		struct timespec nap = {0, 50 * 1000000L};

		if (c != NULL) {
			redisReply *r = redisCommand(c, "PING");
			int ok = r != NULL && r->type == REDIS_REPLY_STATUS;

			freeReplyObject(r);
			redisFree(c);
			if (ok) {
				return SK_OK;
			}
		}
		nanosleep(&nap, NULL);
	}
	rp_stop(s);
	return SK_ETIMEDOUT;
}

void rp_stop(rp_server *s)
{
	ph_stop_child(s->pid, 3000);
	s->pid = 0;
}
