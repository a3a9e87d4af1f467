/*
 * A tiny unit-test framework for the host tests.
 *
 *   TEST(name) { ... }      defines a case; it registers itself at start-up
 *   CHECK(cond)             fails the case (and stops it) when cond is false
 *   CHECK_EQ(a, b)          integers, both values printed
 *   CHECK_ERR(expr, err)    a library return code, printed by name
 *   FAIL(fmt, ...)          unconditional failure with a message
 *
 * The runner (unit.c) prints "[PASS] name" or "[FAIL] name: why" per case
 * and "N passed, M failed" at the end; the exit status is 1 on any failure.
 * Command-line arguments are substrings: only cases whose name contains one
 * of them run.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*unit_fn)(void);

void unit_register(const char *name, unit_fn fn, const char *file);
_Noreturn void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *unit_errname(int err);
/* Verbose log, only with VIRTIO_TEST_VERBOSE set. */
void unit_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool unit_verbose(void);

#define TEST(name)                                                            \
	static void test_##name(void);                                        \
	__attribute__((constructor)) static void register_##name(void)        \
	{                                                                     \
		unit_register(#name, test_##name, __FILE__);                  \
	}                                                                     \
	static void test_##name(void)

#define FAIL(...) unit_fail(__FILE__, __LINE__, __VA_ARGS__)

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond))                                                  \
			unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);    \
	} while (0)

#define CHECK_MSG(cond, ...)                                                  \
	do {                                                                  \
		if (!(cond))                                                  \
			unit_fail(__FILE__, __LINE__, __VA_ARGS__);           \
	} while (0)

#define CHECK_EQ(a, b)                                                        \
	do {                                                                  \
		unsigned long long _a = (unsigned long long)(a);              \
		unsigned long long _b = (unsigned long long)(b);              \
		if (_a != _b)                                                 \
			unit_fail(__FILE__, __LINE__,                         \
				  "%s == %s: %lld (0x%llx) vs %lld (0x%llx)", \
				  #a, #b, (long long)_a, _a, (long long)_b,   \
				  _b);                                        \
	} while (0)

#define CHECK_ERR(expr, want)                                                 \
	do {                                                                  \
		int _got = (int)(expr);                                       \
		int _want = (int)(want);                                      \
		if (_got != _want)                                            \
			unit_fail(__FILE__, __LINE__, "%s: got %s, want %s",  \
				  #expr, unit_errname(_got),                  \
				  unit_errname(_want));                       \
	} while (0)

#define CHECK_OK(expr) CHECK_ERR(expr, 0)

/* Guarded memory: every block has guard bytes on both sides, is registered
 * with the simulator as DMA-reachable, is checked after every case (and by
 * tmem_check() on demand), and is freed when the case ends. */
void *tmem_alloc(size_t n, size_t align);
/* The same below 2^32 (legacy QueuePFN is a 32-bit page number). */
void *tmem_alloc_low(size_t n, size_t align);
void tmem_fill(void *p, size_t n, uint32_t seed); /* pseudo-random bytes */
void tmem_check_at(const char *file, int line);
#define tmem_check() tmem_check_at(__FILE__, __LINE__)

/* Deterministic PRNG (xorshift64*). */
uint64_t unit_rand(void);
void unit_srand(uint64_t seed);
static inline uint32_t unit_rand_below(uint32_t n)
{
	return n ? (uint32_t)(unit_rand() % n) : 0;
}

#endif
