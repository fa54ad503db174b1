/* container_test: cgroup paths of each runtime give the right id, and the
 * runtimes' on-disk state (files under tests/data/state) gives metadata. */
#include <string.h>

#include "container.h"
#include "sk_test.h"

#define DOCKER_ID "3f1a2b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"
#define CONTAINERD_ID "aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233"
#define CRIO_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void check_cgroup(const char *cg, size_t len, const char *want_id, const char *want_type)
{
	char id[SK_CONTAINER_ID_LEN + 1];
	const char *type = NULL;
	sk_err err = sk_container_id_from_cgroups(cg, len, id, &type);
	if (want_id == NULL) {
		SK_CHECK(err == SK_ENOENT);
		return;
	}
	SK_CHECK(err == SK_OK);
	if (err == SK_OK) {
		SK_CHECK_STR(id, want_id);
		SK_CHECK_STR(type, want_type);
	}
}

#define CG(s) s, sizeof(s) - 1

SK_TEST(cgroup_patterns)
{
	check_cgroup(CG("cpuset=/docker/" DOCKER_ID), DOCKER_ID, "docker");
	check_cgroup(CG("0::/system.slice/docker-" DOCKER_ID ".scope"), DOCKER_ID, "docker");
	check_cgroup(CG("cpu=/\0memory=/kubepods/besteffort/pod1234/" CONTAINERD_ID), CONTAINERD_ID, "containerd");
	check_cgroup(CG("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podab.slice/cri-containerd-" CONTAINERD_ID ".scope"),
		     CONTAINERD_ID, "containerd");
	check_cgroup(CG("0::/kubepods.slice/kubepods-pod1.slice/crio-" CRIO_ID ".scope"), CRIO_ID, "cri-o");
	check_cgroup(CG("0::/machine.slice/libpod-" CRIO_ID ".scope/container"), CRIO_ID, "podman");
	/* Host processes and near misses. */
	check_cgroup(CG("cpu=/user.slice/user-1000.slice/session-1.scope"), NULL, NULL);
	check_cgroup(CG("0::/docker/" "3f1a2b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70"), NULL, NULL);
	check_cgroup(CG("0::/docker/" "3F1A2B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708"), NULL, NULL);
	check_cgroup(NULL, 0, NULL, NULL);
}

static sk_state_config test_roots(void)
{
	sk_state_config cfg = {0};
	cfg.docker_root = "tests/data/state/docker";
	cfg.containerd_root = "tests/data/state/containerd";
	cfg.crio_root = "tests/data/state/crio";
	return cfg;
}

SK_TEST(docker_metadata)
{
	sk_state_config cfg = test_roots();
	sk_container *c = NULL;
	SK_CHECK(sk_container_load(&cfg, DOCKER_ID, "docker", &c) == SK_OK);
	if (c == NULL) {
		return;
	}
	SK_CHECK(c->metadata_found);
	SK_CHECK_STR(c->short_id, "3f1a2b4c5d6e");
	SK_CHECK_STR(c->name, "web-frontend");
	SK_CHECK_STR(c->image, "registry.example.com:5000/team/web:1.4.2");
	SK_CHECK_STR(c->image_repository, "registry.example.com:5000/team/web");
	SK_CHECK_STR(c->image_tag, "1.4.2");
	SK_CHECK_STR(c->image_digest, "");
	SK_CHECK(c->privileged && c->host_network && !c->host_pid && !c->host_ipc);
	SK_CHECK_STR(c->pod_name, "web-7d9f");
	SK_CHECK_STR(c->pod_namespace, "shop");
	SK_CHECK_STR(c->ip, "172.17.0.5");
	SK_CHECK_STR(c->healthcheck, "curl -f http://localhost/");
	SK_CHECK_INT(c->memory_limit, 268435456);
	SK_CHECK_INT(c->start_ts, 1740823201500000000ll);
	SK_CHECK_INT(c->nlabels, 3);
	SK_CHECK_INT(c->nmounts, 1);
	if (c->nmounts == 1) {
		SK_CHECK_STR(c->mounts[0].source, "/srv/data");
		SK_CHECK_STR(c->mounts[0].dest, "/data");
		SK_CHECK(c->mounts[0].rw);
	}
	sk_container_free(c);
}

SK_TEST(containerd_oci_metadata)
{
	sk_state_config cfg = test_roots();
	sk_container *c = NULL;
	SK_CHECK(sk_container_load(&cfg, CONTAINERD_ID, "containerd", &c) == SK_OK);
	if (c == NULL) {
		return;
	}
	SK_CHECK(c->metadata_found);
	SK_CHECK_STR(c->type, "containerd");
	SK_CHECK_STR(c->name, "api");
	SK_CHECK_STR(c->image_repository, "docker.io/library/nginx");
	SK_CHECK_STR(c->image_digest, "sha256:abcd");
	SK_CHECK_STR(c->pod_name, "api-6c8d");
	SK_CHECK_STR(c->pod_namespace, "payments");
	SK_CHECK_STR(c->pod_uid, "0b8e0d9c-1111-2222-3333-444455556666");
	SK_CHECK(!c->privileged);
	SK_CHECK(c->host_network && !c->host_pid && !c->host_ipc);
	SK_CHECK_STR(c->user, "65534");
	SK_CHECK_INT(c->nmounts, 2);
	if (c->nmounts == 2) {
		SK_CHECK(c->mounts[0].rw && !c->mounts[1].rw);
		SK_CHECK_STR(c->mounts[1].dest, "/var/run/secrets");
	}
	sk_container_free(c);
}

SK_TEST(crio_oci_metadata)
{
	sk_state_config cfg = test_roots();
	sk_container *c = NULL;
	SK_CHECK(sk_container_load(&cfg, CRIO_ID, "cri-o", &c) == SK_OK);
	if (c == NULL) {
		return;
	}
	SK_CHECK(c->metadata_found);
	SK_CHECK_STR(c->name, "agent");
	SK_CHECK_STR(c->image_repository, "quay.io/acme/agent");
	SK_CHECK_STR(c->image_tag, "v2");
	SK_CHECK_STR(c->pod_namespace, "kube-system");
	SK_CHECK(c->privileged);
	SK_CHECK_INT(c->nlabels, 2);
	SK_CHECK_INT(c->start_ts, 1738461722000000000ll);
	sk_container_free(c);
}

SK_TEST(missing_and_malformed_state)
{
	sk_state_config cfg = {0};
	cfg.docker_root = "tests/data/state/bad";
	cfg.containerd_root = "tests/data/state/none";
	cfg.crio_root = "tests/data/state/none";
	sk_container *c = NULL;
	SK_CHECK(sk_container_load(&cfg, DOCKER_ID, "docker", &c) == SK_OK);
	SK_CHECK(c != NULL && !c->metadata_found && c->name == NULL);
	SK_CHECK(c != NULL && strcmp(c->short_id, "3f1a2b4c5d6e") == 0);
	sk_container_free(c);
}

SK_TEST(parse_from_memory)
{
	const char conf[] = "{\"Name\": \"/db\", \"Config\": {\"Image\": \"postgres:16@sha256:ff\"}}";
	const char host[] = "{\"Privileged\": false, \"PidMode\": \"host\"}";
	sk_container *c = NULL;
	SK_CHECK(sk_container_parse(DOCKER_ID, "docker", conf, sizeof(conf) - 1, host, sizeof(host) - 1, &c) == SK_OK);
	SK_CHECK(c != NULL && c->metadata_found && strcmp(c->name, "db") == 0 && c->host_pid);
	SK_CHECK(c != NULL && strcmp(c->image_repository, "postgres") == 0 && strcmp(c->image_tag, "16") == 0);
	SK_CHECK(c != NULL && strcmp(c->image_digest, "sha256:ff") == 0);
	sk_container_free(c);
	/* Truncated JSON: a record without metadata, no error. */
	c = NULL;
	SK_CHECK(sk_container_parse(DOCKER_ID, "cri-o", conf, 10, NULL, 0, &c) == SK_OK);
	SK_CHECK(c != NULL && !c->metadata_found && c->name == NULL);
	sk_container_free(c);
}

SK_TEST_MAIN()
