/*
 * A platform header that replaces exactly one hook, virtio_time_ns, the
 * way an embedder's would: a static inline function, then its name defined
 * to itself.  tests/host/cases/test_platform.c builds on it and checks
 * that this hook is the one used and every other is platform_default.h's.
 */
#ifndef TIME_ONLY_PLATFORM_H
#define TIME_ONLY_PLATFORM_H

#include <stdint.h>

extern uint64_t time_only_clock_ns; /* what the fake clock reads */
extern unsigned time_only_clock_reads;

static inline uint64_t virtio_time_ns(void)
{
	time_only_clock_reads++;
	return time_only_clock_ns;
}
#define virtio_time_ns virtio_time_ns

#endif
