#include "daemon_peer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plugin_host.h"

bool dp_prepare(dp_daemon *d, const char *name, int port)
{
	if (d->dir[0] == '\0') {
		snprintf(d->dir, sizeof(d->dir), "/tmp/saker-%s-XXXXXX", name);
		if (mkdtemp(d->dir) == NULL) {
			d->dir[0] = '\0';
			return false;
		}
	}
	d->port = port != 0 ? port : ph_free_port();
	return d->port > 0;
}

/* True once something accepts TCP connections on 127.0.0.1:port. */
static bool port_open(int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd < 0) {
		return false;
	}
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return ok;
}

/* In a child: stdout and stderr to /dev/null, then argv. */
static void exec_quietly(char *const argv[])
{
	int devnull = open("/dev/null", O_WRONLY);

	if (devnull >= 0) {
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		close(devnull);
	}
	execvp(argv[0], argv);
	_exit(127);
}

bool dp_start(dp_daemon *d, char *const argv[], long wait_ms)
{
	d->pid = fork();
	if (d->pid < 0) {
		d->pid = 0;
		return false;
	}
	if (d->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		exec_quietly(argv);
	}
	if (dp_wait_port(d->port, wait_ms)) {
		return true;
	}
	dp_stop(d);
	return false;
}

bool dp_wait_port(int port, long wait_ms)
{
	long long deadline = ph_now_ms() + wait_ms;

	while (ph_now_ms() < deadline) {
		struct timespec nap = {0, 50 * 1000000L};

		if (port_open(port)) {
			return true;
		}
		nanosleep(&nap, NULL);
	}
	return false;
}

void dp_stop(dp_daemon *d)
{
	ph_stop_child(d->pid, 3000);
	d->pid = 0;
}

void dp_done(dp_daemon *d)
{
	dp_stop(d);
	if (d->dir[0] != '\0') {
		char *const argv[] = {"rm", "-rf", d->dir, NULL};

		if (!dp_run_quietly(argv)) {
			fprintf(stderr, "could not remove %s\n", d->dir);
		}
		d->dir[0] = '\0';
	}
}

bool dp_run_quietly(char *const argv[])
{
	pid_t pid = fork();
	int status = 0;

	if (pid < 0) {
		return false;
	}
	if (pid == 0) {
		exec_quietly(argv);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool dp_make_certs(const char *dir)
{
	char script[1536];

	snprintf(script, sizeof(script),
		 "cd '%s' && K='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes' && "
		 "openssl req -x509 $K -keyout ca.key -out ca.crt -days 1 -subj /CN=saker-test-ca && "
		 "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > server.ext && "
		 "printf 'extendedKeyUsage=clientAuth\\n' > client.ext && "
		 "openssl req $K -keyout server.key -out server.csr -subj /CN=localhost && "
		 "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 "
		 "-extfile server.ext -out server.crt && "
		 "openssl req $K -keyout client.key -out client.csr -subj /CN=saker-client && "
		 "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 "
		 "-extfile client.ext -out client.crt",
		 dir);
	char *const argv[] = {"sh", "-c", script, NULL};
	return dp_run_quietly(argv);
}

char *dp_slurp(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n = f != NULL && buf != NULL ? fread(buf, 1, 65535, f) : 0;
	if (f != NULL) {
		fclose(f);
	}
	if (n == 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
