/* container.c: container metadata from runtime state (ids: container_id.c). */
#define _GNU_SOURCE
#include "container.h"

#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sk_strbuf.h"

#define MAX_JSON_BYTES (4u << 20) /* runtime state files are small; refuse giants */

/* ---- JSON helpers ---- */

static json_object *read_json(const char *path)
{
	sk_strbuf text = SK_STRBUF_INIT;
	json_object *obj = NULL;
	if (sk_strbuf_read_file(&text, path, MAX_JSON_BYTES) == SK_OK && text.len > 0) {
		obj = json_tokener_parse(text.data);
	}
	sk_strbuf_free(&text);
	return obj;
}

/* Follows a path of object keys; NULL when any step is missing. */
static json_object *jget(json_object *o, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n && o != NULL; i++) {
		json_object *next = NULL;
		if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, keys[i], &next)) {
			return NULL;
		}
		o = next;
	}
	return o;
}

#define JGET(o, ...) jget((o), (const char *const[]){__VA_ARGS__}, sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

/* Copies a JSON string into *dst (once: the first source found wins). */
static sk_err set_str(char **dst, json_object *o)
{
	if (*dst != NULL || o == NULL || !json_object_is_type(o, json_type_string)) {
		return SK_OK;
	}
	*dst = strdup(json_object_get_string(o));
	return *dst != NULL ? SK_OK : SK_ENOMEM;
}

static sk_err set_cstr(char **dst, const char *s)
{
	if (*dst != NULL || s == NULL) {
		return SK_OK;
	}
	*dst = strdup(s);
	return *dst != NULL ? SK_OK : SK_ENOMEM;
}

/* Appends every string member of obj as a key/value pair. */
static sk_err add_kvs(sk_kv **arr, uint32_t *n, json_object *obj)
{
	if (obj == NULL || !json_object_is_type(obj, json_type_object)) {
		return SK_OK;
	}
	json_object_object_foreach(obj, key, val)
	{
		if (!json_object_is_type(val, json_type_string) || *n >= 1024) {
			continue;
		}
		sk_kv *grown = realloc(*arr, (*n + 1) * sizeof(**arr));
		if (grown == NULL) {
			return SK_ENOMEM;
		}
		*arr = grown;
		grown[*n].key = strdup(key);
		grown[*n].value = strdup(json_object_get_string(val));
		(*n)++;
		if (grown[*n - 1].key == NULL || grown[*n - 1].value == NULL) {
			return SK_ENOMEM;
		}
	}
	return SK_OK;
}

static sk_err add_mount(sk_container *c, const char *src, const char *dst, const char *mode, bool rw,
			const char *propagation)
{
	if (c->nmounts >= 1024) {
		return SK_OK;
	}
	sk_mount *grown = realloc(c->mounts, (c->nmounts + 1) * sizeof(*grown));
	if (grown == NULL) {
		return SK_ENOMEM;
	}
	c->mounts = grown;
	sk_mount *m = &grown[c->nmounts++];
	m->source = strdup(src != NULL ? src : "");
	m->dest = strdup(dst != NULL ? dst : "");
	m->mode = strdup(mode != NULL ? mode : "");
	m->propagation = strdup(propagation != NULL ? propagation : "");
	m->rw = rw;
	if (m->source == NULL || m->dest == NULL || m->mode == NULL || m->propagation == NULL) {
		return SK_ENOMEM;
	}
	return SK_OK;
}

static const char *jstr(json_object *o)
{
	return o != NULL && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

/* Splits "registry/repo:tag@sha256:x" into repository, tag and digest. */
static sk_err split_image(sk_container *c)
{
	if (c->image == NULL) {
		return SK_OK;
	}
	const char *img = c->image;
	const char *at = strchr(img, '@');
	size_t end = at != NULL ? (size_t)(at - img) : strlen(img);
	const char *slash = memrchr(img, '/', end);
	const char *colon = memrchr(slash != NULL ? slash : img, ':', end - (size_t)((slash ? slash : img) - img));
	size_t repo_end = colon != NULL ? (size_t)(colon - img) : end;
	c->image_repository = strndup(img, repo_end);
	c->image_tag = colon != NULL ? strndup(colon + 1, end - repo_end - 1) : strdup("");
	c->image_digest = at != NULL ? strdup(at + 1) : strdup("");
	if (c->image_repository == NULL || c->image_tag == NULL || c->image_digest == NULL) {
		return SK_ENOMEM;
	}
	return SK_OK;
}

static uint64_t parse_rfc3339(const char *s)
{
	if (s == NULL) {
		return 0;
	}
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (rest == NULL) {
		return 0;
	}
	uint64_t ns = 0;
	if (*rest == '.') {
		uint64_t scale = 100000000ull;
		for (rest++; *rest >= '0' && *rest <= '9'; rest++) {
			ns += (uint64_t)(*rest - '0') * scale;
			scale /= 10;
		}
	}
	time_t secs = timegm(&tm);
	return secs > 0 ? (uint64_t)secs * 1000000000ull + ns : 0;
}

/* ---- docker ---- */

/* Fills c from docker's config.v2.json (conf) and hostconfig.json (host,
 * may be NULL). */
static sk_err apply_docker(sk_container *c, json_object *conf, json_object *host)
{
	sk_err err = SK_OK;
	c->metadata_found = true;
	c->type = "docker";
	const char *name = jstr(JGET(conf, "Name"));
	if (name != NULL && name[0] == '/') {
		name++;
	}
	err = set_cstr(&c->name, name);
	if (err == SK_OK) {
		err = set_str(&c->image, JGET(conf, "Config", "Image"));
	}
	if (err == SK_OK) {
		err = set_str(&c->image_id, JGET(conf, "Image"));
	}
	if (err == SK_OK) {
		err = set_str(&c->user, JGET(conf, "Config", "User"));
	}
	if (err == SK_OK) {
		err = add_kvs(&c->labels, &c->nlabels, JGET(conf, "Config", "Labels"));
	}
	c->start_ts = parse_rfc3339(jstr(JGET(conf, "State", "StartedAt")));
	json_object *test = JGET(conf, "Config", "Healthcheck", "Test");
	if (err == SK_OK && test != NULL && json_object_is_type(test, json_type_array)) {
		/* ["CMD-SHELL", "curl -f localhost"]: the command without its kind. */
		size_t n = json_object_array_length(test);
		err = set_str(&c->healthcheck, n > 1 ? json_object_array_get_idx(test, n - 1) : NULL);
	}
	json_object *nets = JGET(conf, "NetworkSettings", "Networks");
	if (err == SK_OK && nets != NULL && json_object_is_type(nets, json_type_object)) {
		json_object_object_foreach(nets, net_name, net)
		{
			(void)net_name;
			const char *ip = jstr(JGET(net, "IPAddress"));
			if (ip != NULL && ip[0] != '\0' && err == SK_OK) {
				err = set_cstr(&c->ip, ip);
			}
		}
	}
	json_object *mps = JGET(conf, "MountPoints");
	if (err == SK_OK && mps != NULL && json_object_is_type(mps, json_type_object)) {
		json_object_object_foreach(mps, dest, mp)
		{
			json_object *rw = JGET(mp, "RW");
			if (err == SK_OK) {
				err = add_mount(c, jstr(JGET(mp, "Source")), dest, jstr(JGET(mp, "Mode")),
						rw != NULL && json_object_get_boolean(rw),
						jstr(JGET(mp, "Propagation")));
			}
		}
	}
	if (host != NULL) {
		json_object *priv = JGET(host, "Privileged");
		c->privileged = priv != NULL && json_object_get_boolean(priv);
		const char *netmode = jstr(JGET(host, "NetworkMode"));
		const char *pidmode = jstr(JGET(host, "PidMode"));
		const char *ipcmode = jstr(JGET(host, "IpcMode"));
		c->host_network = netmode != NULL && strcmp(netmode, "host") == 0;
		c->host_pid = pidmode != NULL && strcmp(pidmode, "host") == 0;
		c->host_ipc = ipcmode != NULL && strcmp(ipcmode, "host") == 0;
		json_object *mem = JGET(host, "Memory");
		json_object *cpu = JGET(host, "CpuShares");
		c->memory_limit = mem != NULL ? (uint64_t)json_object_get_int64(mem) : 0;
		c->cpu_shares = cpu != NULL ? (uint64_t)json_object_get_int64(cpu) : 0;
	}
	/* Kubernetes on docker (dockershim / cri-dockerd) labels the pod. */
	for (uint32_t i = 0; i < c->nlabels && err == SK_OK; i++) {
		if (strcmp(c->labels[i].key, "io.kubernetes.pod.name") == 0) {
			err = set_cstr(&c->pod_name, c->labels[i].value);
		} else if (strcmp(c->labels[i].key, "io.kubernetes.pod.namespace") == 0) {
			err = set_cstr(&c->pod_namespace, c->labels[i].value);
		} else if (strcmp(c->labels[i].key, "io.kubernetes.pod.uid") == 0) {
			err = set_cstr(&c->pod_uid, c->labels[i].value);
		}
	}
	return err;
}

static sk_err load_docker(const sk_state_config *cfg, sk_container *c)
{
	const char *root = cfg->docker_root != NULL ? cfg->docker_root : "/var/lib/docker";
	char path[4096];
	snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", root, c->id);
	json_object *conf = read_json(path);
	if (conf == NULL) {
		return SK_OK;
	}
	snprintf(path, sizeof(path), "%s/containers/%s/hostconfig.json", root, c->id);
	json_object *host = read_json(path);
	sk_err err = apply_docker(c, conf, host);
	json_object_put(conf);
	json_object_put(host);
	return err;
}

/* ---- OCI config.json (containerd CRI, CRI-O, podman) ---- */

static bool caps_include(json_object *list, const char *cap)
{
	size_t n = list != NULL && json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = jstr(json_object_array_get_idx(list, i));
		if (s != NULL && strcmp(s, cap) == 0) {
			return true;
		}
	}
	return false;
}

/* Fills c from an OCI runtime config.json (containerd CRI, CRI-O, podman). */
static sk_err apply_oci(sk_container *c, json_object *conf, const char *type)
{
	c->metadata_found = true;
	c->type = type;
	json_object *ann = JGET(conf, "annotations");
	sk_err err = SK_OK;
	/* containerd CRI names first, then CRI-O's. */
	static const char *const name_keys[] = {"io.kubernetes.cri.container-name", "io.kubernetes.container.name"};
	static const char *const image_keys[] = {"io.kubernetes.cri.image-name", "io.kubernetes.cri-o.ImageName"};
	static const char *const pod_keys[] = {"io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name"};
	static const char *const ns_keys[] = {"io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace"};
	static const char *const uid_keys[] = {"io.kubernetes.cri.sandbox-uid", "io.kubernetes.pod.uid"};
	static const char *const sandbox_keys[] = {"io.kubernetes.cri.sandbox-id", "io.kubernetes.cri-o.SandboxID"};
	for (size_t i = 0; i < 2 && err == SK_OK; i++) {
		err = set_str(&c->name, JGET(ann, name_keys[i]));
		if (err == SK_OK) {
			err = set_str(&c->image, JGET(ann, image_keys[i]));
		}
		if (err == SK_OK) {
			err = set_str(&c->pod_name, JGET(ann, pod_keys[i]));
		}
		if (err == SK_OK) {
			err = set_str(&c->pod_namespace, JGET(ann, ns_keys[i]));
		}
		if (err == SK_OK) {
			err = set_str(&c->pod_uid, JGET(ann, uid_keys[i]));
		}
		if (err == SK_OK) {
			err = set_str(&c->sandbox_id, JGET(ann, sandbox_keys[i]));
		}
	}
	/* CRI-O keeps the pod's labels as a JSON string annotation. */
	const char *labels = jstr(JGET(ann, "io.kubernetes.cri-o.Labels"));
	json_object *lobj = labels != NULL ? json_tokener_parse(labels) : NULL;
	if (err == SK_OK) {
		err = add_kvs(&c->labels, &c->nlabels, lobj);
	}
	json_object_put(lobj);
	c->start_ts = parse_rfc3339(jstr(JGET(ann, "io.kubernetes.cri-o.Created")));
	json_object *mounts = JGET(conf, "mounts");
	size_t nm = mounts != NULL && json_object_is_type(mounts, json_type_array) ? json_object_array_length(mounts) : 0;
	for (size_t i = 0; i < nm && err == SK_OK; i++) {
		json_object *m = json_object_array_get_idx(mounts, i);
		json_object *opts = JGET(m, "options");
		bool ro = caps_include(opts, "ro");
		const char *prop = caps_include(opts, "rshared")  ? "rshared"
				   : caps_include(opts, "rslave") ? "rslave"
								  : "rprivate";
		err = add_mount(c, jstr(JGET(m, "source")), jstr(JGET(m, "destination")), "", !ro, prop);
	}
	/* Privileged containers get every capability and no masked paths. */
	json_object *eff = JGET(conf, "process", "capabilities", "effective");
	json_object *masked = JGET(conf, "linux", "maskedPaths");
	c->privileged = caps_include(eff, "CAP_SYS_ADMIN") &&
			(masked == NULL || json_object_array_length(masked) == 0);
	json_object *uid = JGET(conf, "process", "user", "uid");
	if (err == SK_OK && uid != NULL) {
		char buf[24];
		snprintf(buf, sizeof(buf), "%d", json_object_get_int(uid));
		err = set_cstr(&c->user, buf);
	}
	json_object *nss = JGET(conf, "linux", "namespaces");
	size_t nn = nss != NULL && json_object_is_type(nss, json_type_array) ? json_object_array_length(nss) : 0;
	bool has_pid = false, has_net = false, has_ipc = false;
	for (size_t i = 0; i < nn; i++) {
		json_object *ns = json_object_array_get_idx(nss, i);
		const char *t = jstr(JGET(ns, "type"));
		/* A namespace entry with a path joins an existing (e.g. the sandbox's) one. */
		if (t == NULL) {
			continue;
		}
		has_pid |= strcmp(t, "pid") == 0;
		has_net |= strcmp(t, "network") == 0;
		has_ipc |= strcmp(t, "ipc") == 0;
	}
	if (nss != NULL) {
		c->host_pid = !has_pid;
		c->host_network = !has_net;
		c->host_ipc = !has_ipc;
	}
	return err;
}

static sk_err load_oci(sk_container *c, const char *path, const char *type)
{
	json_object *conf = read_json(path);
	if (conf == NULL) {
		return SK_OK;
	}
	sk_err err = apply_oci(c, conf, type);
	json_object_put(conf);
	return err;
}

static sk_err load_containerd(const sk_state_config *cfg, sk_container *c)
{
	const char *root = cfg->containerd_root != NULL ? cfg->containerd_root
							 : "/run/containerd/io.containerd.runtime.v2.task";
	DIR *d = opendir(root);
	if (d == NULL) {
		return SK_OK;
	}
	sk_err err = SK_OK;
	struct dirent *de;
	/* One sub-directory per containerd namespace (k8s.io, moby, default). */
	while (!c->metadata_found && err == SK_OK && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.') {
			continue;
		}
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s/%s/config.json", root, de->d_name, c->id);
		err = load_oci(c, path, "containerd");
	}
	closedir(d);
	return err;
}

static sk_err load_crio(const sk_state_config *cfg, sk_container *c, const char *type)
{
	const char *root = cfg->crio_root != NULL ? cfg->crio_root : "/run/containers/storage/overlay-containers";
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/userdata/config.json", root, c->id);
	return load_oci(c, path, type);
}

/* A record with only its ids set. */
static sk_container *container_new(const char *id, const char *type)
{
	sk_container *c = calloc(1, sizeof(*c));
	if (c != NULL) {
		snprintf(c->id, sizeof(c->id), "%s", id);
		snprintf(c->short_id, sizeof(c->short_id), "%.12s", id);
		c->type = type;
	}
	return c;
}

/* Derives the image parts and hands c over, or frees it on error. */
static sk_err container_finish(sk_container *c, sk_err err, sk_container **out)
{
	if (err == SK_OK) {
		err = split_image(c);
	}
	if (err != SK_OK) {
		sk_container_free(c);
		return err;
	}
	*out = c;
	return SK_OK;
}

sk_err sk_container_load(const sk_state_config *cfg, const char *id, const char *type, sk_container **out)
{
	sk_container *c = container_new(id, type != NULL ? type : "docker");
	if (c == NULL) {
		return SK_ENOMEM;
	}
	sk_err err = SK_OK;
	bool crio_first = type != NULL && (strcmp(type, "cri-o") == 0 || strcmp(type, "podman") == 0);
	if (crio_first) {
		err = load_crio(cfg, c, type);
	}
	if (err == SK_OK && !c->metadata_found) {
		err = load_docker(cfg, c);
	}
	if (err == SK_OK && !c->metadata_found) {
		err = load_containerd(cfg, c);
	}
	if (err == SK_OK && !c->metadata_found && !crio_first) {
		err = load_crio(cfg, c, "cri-o");
	}
	return container_finish(c, err, out);
}

sk_err sk_container_parse(const char *id, const char *type, const char *config, size_t len,
			  const char *hostconfig, size_t host_len, sk_container **out)
{
	sk_container *c = container_new(id, type);
	if (c == NULL) {
		return SK_ENOMEM;
	}
	json_tokener *tok = json_tokener_new();
	json_object *conf = tok != NULL && len <= MAX_JSON_BYTES ? json_tokener_parse_ex(tok, config, (int)len) : NULL;
	json_object *host = NULL;
	if (tok != NULL && hostconfig != NULL && host_len <= MAX_JSON_BYTES) {
		json_tokener_reset(tok);
		host = json_tokener_parse_ex(tok, hostconfig, (int)host_len);
	}
	json_tokener_free(tok);
	sk_err err = SK_OK;
	if (conf != NULL) {
		err = strcmp(type, "docker") == 0 ? apply_docker(c, conf, host) : apply_oci(c, conf, type);
	}
	json_object_put(conf);
	json_object_put(host);
	return container_finish(c, err, out);
}

static void free_kvs(sk_kv *kv, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void sk_container_free(sk_container *c)
{
	if (c == NULL) {
		return;
	}
	char **strs[] = {&c->name,     &c->image,         &c->image_id,      &c->image_repository, &c->image_tag,
			 &c->image_digest, &c->pod_name,  &c->pod_namespace, &c->pod_uid,          &c->sandbox_id,
			 &c->ip,           &c->healthcheck, &c->user};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		free(*strs[i]);
	}
	free_kvs(c->labels, c->nlabels);
	free_kvs(c->pod_labels, c->npod_labels);
	for (uint32_t i = 0; i < c->nmounts; i++) {
		free(c->mounts[i].source);
		free(c->mounts[i].dest);
		free(c->mounts[i].mode);
		free(c->mounts[i].propagation);
	}
	free(c->mounts);
	free(c);
}
