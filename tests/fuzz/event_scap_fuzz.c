/* event_scap_fuzz.c: the .scap block reader on arbitrary bytes, through both
 * sources: a file (a memfd opened by path, as sk_scap_reader_open_file does
 * with a capture) and the live-stream feed. Record strings are walked so an
 * unterminated copy shows up under ASan. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scap_reader.h"

static size_t sink;

static sk_err on_thread(void *ctx, const sk_scap_thread *th)
{
	sink += strlen(th->comm) + strlen(th->exe) + strlen(th->exepath) + strlen(th->cwd) + strlen(th->root);
	sink += th->args_len + th->env_len + th->cgroups_len;
	return SK_OK;
}

static sk_err on_fd(void *ctx, uint64_t tid, const sk_scap_fd *fd)
{
	sink += strlen(fd->name) + tid;
	return SK_OK;
}

static sk_err on_user(void *ctx, const sk_scap_user *u)
{
	sink += strlen(u->name) + strlen(u->home) + strlen(u->shell);
	return SK_OK;
}

static sk_err on_group(void *ctx, const sk_scap_group *g)
{
	sink += strlen(g->name);
	return SK_OK;
}

static sk_err on_iface(void *ctx, const sk_scap_iface *ifc)
{
	sink += strlen(ifc->name);
	return SK_OK;
}

static sk_err on_machine(void *ctx, const sk_scap_machine *mi)
{
	sink += strlen(mi->hostname);
	return SK_OK;
}

static const sk_scap_callbacks cb = {on_machine, on_thread, on_fd, on_user, on_group, on_iface, NULL};

/* Touches every parameter byte of every event the reader returns. */
static void drain(sk_scap_reader *r)
{
	sk_event e;
	for (int i = 0; i < 100000 && sk_scap_reader_next(r, &e) == SK_OK; i++) {
		for (uint32_t p = 0; p < e.nparams; p++) {
			if (e.param_len[p] > 0) {
				sink += e.param[p][0] + e.param[p][e.param_len[p] - 1];
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sk_scap_reader *r = NULL;

	if (sk_scap_reader_open_stream(&cb, NULL, &r) == SK_OK) {
		if (sk_scap_reader_feed(r, data, size) == SK_OK) {
			drain(r);
		}
		sk_scap_reader_close(r);
	}

	int fd = memfd_create("scap", 0);
	if (fd < 0) {
		return 0;
	}
	if (write(fd, data, size) == (ssize_t)size) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (sk_scap_reader_open_file(path, &cb, NULL, &r) == SK_OK) {
			drain(r);
			sk_scap_reader_close(r);
		}
	}
	close(fd);
	return 0;
}
