/* The entropy-source registry (entropy.h). */
#include "kernel/entropy/entropy.h"

#include <stddef.h>

#include "kernel/errno.h"
#include "lib/printf.h"

static struct entropy_source *sources[ENTROPY_MAX_SOURCES];
static unsigned n_sources;

int entropy_register(struct entropy_source *src)
{
	if (!src || !src->ops || !src->ops->read)
		return KERR_EINVAL;
	if (n_sources == ENTROPY_MAX_SOURCES)
		return KERR_EFULL;
	ksnprintf(src->name, sizeof(src->name), "rng%u", n_sources);
	sources[n_sources++] = src;
	return KERR_OK;
}

unsigned entropy_count(void)
{
	return n_sources;
}

struct entropy_source *entropy_get(unsigned i)
{
	return i < n_sources ? sources[i] : NULL;
}

int entropy_read(struct entropy_source *src, void *buf, uint32_t len, uint64_t deadline)
{
	if (len == 0)
		return KERR_EINVAL;
	return src->ops->read(src, buf, len, deadline);
}
