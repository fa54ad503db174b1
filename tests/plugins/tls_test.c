/* HTTPS for the HTTP outputs (webhook here; slack and loki share the
 * client): server certificate checks (checkcert, tlsclient.cacertfile) and
 * mutual TLS from mutualtlsfilespath or mutualtlsclient.*, against a real
 * TLS receiver that verifies the client certificate. Certificates are made
 * per run with the openssl tool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_peer.h"
#include "plugin_host.h"
#include "sk_test.h"

static char dir[64] = "/tmp/saker-tls-XXXXXX";
static char *server_crt, *server_key, *ca_crt;

static char *slurp(const char *name)
{
	char path[128];
	FILE *f;
	char *buf = calloc(1, 16384);

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f == NULL || buf == NULL) {
		free(buf);
		if (f != NULL) {
			fclose(f);
		}
		return NULL;
	}
	if (fread(buf, 1, 16383, f) == 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* A CA, a server cert for 127.0.0.1 and a client cert, all P-256, 1 day. */
static bool make_certs(void)
{
	char cmd[2048];

	if (mkdtemp(dir) == NULL) {
		return false;
	}
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && K='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes' && "
		 "openssl req -x509 $K -keyout ca.key -out ca.crt -days 1 -subj /CN=saker-test-ca && "
		 "printf 'subjectAltName=IP:127.0.0.1\\n' > server.ext && "
		 "printf 'extendedKeyUsage=clientAuth\\n' > client.ext && "
		 "openssl req $K -keyout server.key -out server.csr -subj /CN=127.0.0.1 && "
		 "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 "
		 "-extfile server.ext -out server.crt && "
		 "openssl req $K -keyout client.key -out client.csr -subj /CN=saker-client && "
		 "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 "
		 "-extfile client.ext -out client.crt",
		 dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "openssl failed making test certificates\n");
		return false;
	}
	server_crt = slurp("server.crt");
	server_key = slurp("server.key");
	ca_crt = slurp("ca.crt");
	return server_crt != NULL && server_key != NULL && ca_crt != NULL;
}

static saker_send_result send_once(const char *const *config, char *err, size_t errlen)
{
	ph_plugin p = {0};
	ph_alert a;
	saker_send_result res = SAKER_SEND_FAIL;

	ph_alert_make(&a, 9);
	if (ph_open(&p, "webhook", config)) {
		res = ph_send(&p, &a.a);
		snprintf(err, errlen, "%s", p.err);
	}
	ph_unload(&p);
	return res;
}

SK_TEST(tls_server_certificate_checks)
{
	hp_peer *peer = NULL;
	char url[128], ca[128], err[4608];

	SK_CHECK_INT(hp_start_tls(&peer, 200, server_crt, server_key, NULL), SK_OK);
	if (peer == NULL) {
		return;
	}
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/", hp_port(peer));
	snprintf(ca, sizeof(ca), "%s/ca.crt", dir);
	const char *const trusted[] = {"address", url, "tlsclient.cacertfile", ca, NULL};
	const char *const unknown_ca[] = {"address", url, "timeout", "3000", NULL};
	const char *const unchecked[] = {"address", url, "checkcert", "false", NULL};

	SK_CHECK_INT(send_once(trusted, err, sizeof(err)), SAKER_SEND_OK);
	/* An unknown CA may be a rotation in progress: keep the alert. */
	SK_CHECK_INT(send_once(unknown_ca, err, sizeof(err)), SAKER_SEND_RETRY);
	SK_CHECK_CONTAINS(err, "certificate");
	SK_CHECK_INT(send_once(unchecked, err, sizeof(err)), SAKER_SEND_OK);
	SK_CHECK_INT(hp_count(peer), 2);
	hp_stop(peer);
}

SK_TEST(tls_mutual_from_folder_and_explicit_files)
{
	hp_peer *peer = NULL;
	char url[128], crt[128], key[128], ca[128], err[4608];

	SK_CHECK_INT(hp_start_tls(&peer, 200, server_crt, server_key, ca_crt), SK_OK);
	if (peer == NULL) {
		return;
	}
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/", hp_port(peer));
	snprintf(crt, sizeof(crt), "%s/client.crt", dir);
	snprintf(key, sizeof(key), "%s/client.key", dir);
	snprintf(ca, sizeof(ca), "%s/ca.crt", dir);
	const char *const folder[] = {"address", url, "mutualtls", "true", "mutualtlsfilespath", dir, NULL};
	const char *const files[] = {"address", url, "mutualtls", "true", "mutualtlsclient.certfile", crt,
				     "mutualtlsclient.keyfile", key, "mutualtlsclient.cacertfile", ca, NULL};
	const char *const no_client_cert[] = {"address", url, "tlsclient.cacertfile", ca, NULL};

	SK_CHECK_INT(send_once(folder, err, sizeof(err)), SAKER_SEND_OK);
	SK_CHECK_INT(send_once(files, err, sizeof(err)), SAKER_SEND_OK);
	/* The receiver answers 403 without a client certificate: permanent. */
	SK_CHECK_INT(send_once(no_client_cert, err, sizeof(err)), SAKER_SEND_FAIL);
	SK_CHECK_CONTAINS(err, "HTTP 403");
	SK_CHECK_INT(hp_count(peer), 3);
	for (size_t i = 0; i < hp_count(peer) && i < 3; i++) {
		SK_CHECK_INT(hp_get(peer, i)->client_cert_ok, i < 2);
	}
	hp_stop(peer);
}

int main(void)
{
	char cmd[128];
	int rc;

	if (!make_certs()) {
		return 1;
	}
	rc = sk_test_run();
	free(server_crt);
	free(server_key);
	free(ca_crt);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "could not remove %s\n", dir);
	}
	return rc;
}
