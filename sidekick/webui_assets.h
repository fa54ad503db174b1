/* webui_assets: the web UI's static files, embedded at build time from
 * sidekick/webui/ (see embed_assets.cmake), so the sidekick serves its page
 * from any install location. */
#ifndef SK_WEBUI_ASSETS_H
#define SK_WEBUI_ASSETS_H

#include <stddef.h>

typedef struct skw_asset {
	const char *path; /* URL path, e.g. "/app.js" */
	const char *type; /* Content-Type */
	const unsigned char *data;
	size_t len;
} skw_asset;

/* Returns the asset served at path, or NULL. */
const skw_asset *skw_asset_find(const char *path);

#endif
