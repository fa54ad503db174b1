/* drops.c: syscall_event_drops (see drops.h). */
#include "drops.h"

void sk_drops_init(sk_drops *d, const sk_drops_config *cfg)
{
	d->cfg = *cfg;
	d->events = 0;
	d->drops = 0;
	d->tokens = cfg->max_burst;
	d->last_ns = 0;
}

unsigned sk_drops_report(sk_drops *d, uint64_t events, uint64_t drops, uint64_t now_ns, uint64_t *new_drops)
{
	if (events < d->events || drops < d->drops) {
		d->events = 0; /* the capture started over */
		d->drops = 0;
	}
	uint64_t de = events - d->events, dd = drops - d->drops;
	d->events = events;
	d->drops = drops;
	*new_drops = dd;
	if (d->last_ns != 0 && now_ns > d->last_ns) {
		d->tokens += d->cfg.rate * (double)(now_ns - d->last_ns) / 1e9;
		if (d->tokens > d->cfg.max_burst) {
			d->tokens = d->cfg.max_burst;
		}
	}
	d->last_ns = now_ns;
	/* events counts the dropped ones too (the kernel counts before it tries) */
	bool over = dd > 0 && (double)dd > d->cfg.threshold * (double)(de > dd ? de : dd);
	if (!(over || d->cfg.simulate) || d->cfg.actions == 0) {
		return 0;
	}
	unsigned act = d->cfg.actions & SK_DROPS_EXIT;
	if ((d->cfg.actions & (SK_DROPS_LOG | SK_DROPS_ALERT)) != 0 && d->tokens >= 1.0) {
		d->tokens -= 1.0;
		act |= d->cfg.actions & (SK_DROPS_LOG | SK_DROPS_ALERT);
	}
	return act;
}
