/* discord: Falcosidekick's Discord webhook payload, one embed: the output
 * line, a colour by priority, and inline fields (rule, priority, source,
 * hostname, the string output fields sorted in code blocks, tags, time). */
#ifndef DISCORD_H
#define DISCORD_H

#include "saker/output_plugin.h"
#include "sk_err.h"
#include "sk_strbuf.h"

#define DISCORD_DEFAULT_ICON "https://raw.githubusercontent.com/falcosecurity/falcosidekick/master/imgs/falcosidekick_color.png"

/* Appends the JSON body for alert, with icon as the avatar ("" for none);
 * SK_ENOMEM when memory ran out. */
sk_err discord_payload(sk_strbuf *sb, const char *icon, const saker_alert *alert);

#endif
