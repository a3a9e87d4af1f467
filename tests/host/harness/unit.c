/*
 * The test runner: the case registry, failure reporting, guarded memory
 * and the watchdog.  See unit.h.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim/sim_device.h"
#include "harness/unit.h"
#include "virtio/errors.h"

struct unit_case {
	const char *name;
	unit_fn fn;
	const char *file;
	size_t order;
};

static struct unit_case *cases;
static size_t ncases, capcases;
static sigjmp_buf jump;
static bool in_case;
static char why[2048];
static bool verbose;
static const char *current;

void unit_register(const char *name, unit_fn fn, const char *file)
{
	if (ncases == capcases) {
		capcases = capcases ? capcases * 2 : 64;
		cases = realloc(cases, capcases * sizeof(*cases));
		if (!cases)
			abort();
	}
	cases[ncases] = (struct unit_case){ name, fn, file, ncases };
	ncases++;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	const char *base = strrchr(file, '/');
	int n = snprintf(why, sizeof(why), "%s:%d: ", base ? base + 1 : file, line);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why + n, sizeof(why) - (size_t)n, fmt, ap);
	va_end(ap);
	if (!in_case) {
		fprintf(stderr, "fatal outside a test case: %s\n", why);
		exit(2);
	}
	siglongjmp(jump, 1);
}

bool unit_verbose(void)
{
	return verbose;
}

void unit_log(const char *fmt, ...)
{
	if (!verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

const char *unit_errname(int err)
{
	static char buf[32];
	switch (err) {
	case VIRTIO_OK: return "VIRTIO_OK";
	case VIRTIO_EINVAL: return "VIRTIO_EINVAL";
	case VIRTIO_ENODEV: return "VIRTIO_ENODEV";
	case VIRTIO_ENOTSUP: return "VIRTIO_ENOTSUP";
	case VIRTIO_EFEATURES: return "VIRTIO_EFEATURES";
	case VIRTIO_ENOSPC: return "VIRTIO_ENOSPC";
	case VIRTIO_ENOMEM: return "VIRTIO_ENOMEM";
	case VIRTIO_ETIMEDOUT: return "VIRTIO_ETIMEDOUT";
	case VIRTIO_EBROKEN: return "VIRTIO_EBROKEN";
	case VIRTIO_EIO: return "VIRTIO_EIO";
	case VIRTIO_EUNSUPP: return "VIRTIO_EUNSUPP";
	case VIRTIO_ERANGE: return "VIRTIO_ERANGE";
	case VIRTIO_EROFS: return "VIRTIO_EROFS";
	case VIRTIO_ERESET: return "VIRTIO_ERESET";
	case VIRTIO_ENOQUEUE: return "VIRTIO_ENOQUEUE";
	case VIRTIO_ENOSTATUS: return "VIRTIO_ENOSTATUS";
	case VIRTIO_EALIGN: return "VIRTIO_EALIGN";
	case VIRTIO_EDEAD: return "VIRTIO_EDEAD";
	}
	snprintf(buf, sizeof(buf), "%d", err);
	return buf;
}

/* ---- PRNG ------------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

void unit_srand(uint64_t seed)
{
	rng_state = seed ? seed : 0x9e3779b97f4a7c15ull;
}

uint64_t unit_rand(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* ---- guarded memory -------------------------------------------------- */

#define GUARD_BYTE 0xcb

struct block {
	uint8_t *raw;   /* allocation */
	uint8_t *user;  /* what the case got */
	size_t n, guard;
	bool low;       /* carved from the low arena: not freed */
};

/* Legacy virtio-mmio takes a 32-bit page number (QueuePFN): with 4 KiB
 * pages the ring must sit below 16 TiB, and the host heap (ASan's above
 * all) does not.  Blocks for legacy rings come from an arena mapped low. */
#define LOW_ARENA_ADDR ((uintptr_t)0x40000000u)
#define LOW_ARENA_SIZE ((size_t)64 << 20)
static uint8_t *low_arena;
static size_t low_used;

static struct block *blocks;
static size_t nblocks, capblocks;

void *tmem_alloc(size_t n, size_t align)
{
	size_t guard = align > 64 ? align : 64;
	void *raw = NULL;
	if (align < sizeof(void *))
		align = sizeof(void *);
	if (posix_memalign(&raw, guard, guard + n + guard) != 0)
		FAIL("tmem_alloc(%zu): out of memory", n);
	memset(raw, GUARD_BYTE, guard + n + guard);
	uint8_t *user = (uint8_t *)raw + guard;
	memset(user, 0, n);
	if (nblocks == capblocks) {
		capblocks = capblocks ? capblocks * 2 : 64;
		blocks = realloc(blocks, capblocks * sizeof(*blocks));
		if (!blocks)
			abort();
	}
	blocks[nblocks++] = (struct block){ raw, user, n, guard, false };
	sim_dma_add(user, n);
	return user;
}

void *tmem_alloc_low(size_t n, size_t align)
{
	size_t guard = align > 64 ? align : 64;
	if (!low_arena) {
		void *p = mmap((void *)LOW_ARENA_ADDR, LOW_ARENA_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED)
			FAIL("cannot map the low arena at 0x%lx", (unsigned long)LOW_ARENA_ADDR);
		low_arena = p;
	}
	size_t start = (low_used + guard - 1) / guard * guard;
	if (start + guard + n + guard > LOW_ARENA_SIZE)
		FAIL("low arena exhausted");
	uint8_t *raw = low_arena + start;
	low_used = start + guard + n + guard;
	memset(raw, GUARD_BYTE, guard + n + guard);
	uint8_t *user = raw + guard;
	memset(user, 0, n);
	if (nblocks == capblocks) {
		capblocks = capblocks ? capblocks * 2 : 64;
		blocks = realloc(blocks, capblocks * sizeof(*blocks));
		if (!blocks)
			abort();
	}
	blocks[nblocks++] = (struct block){ raw, user, n, guard, true };
	sim_dma_add(user, n);
	return user;
}

void tmem_fill(void *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		((uint8_t *)p)[i] = (uint8_t)(x >> 16);
	}
}

static const char *guard_damage(void)
{
	static char buf[160];
	for (size_t b = 0; b < nblocks; b++) {
		struct block *k = &blocks[b];
		for (size_t i = 0; i < k->guard; i++) {
			if (k->raw[i] != GUARD_BYTE) {
				snprintf(buf, sizeof(buf),
					 "guard byte %zu before block %zu (%zu bytes) was overwritten",
					 k->guard - i, b, k->n);
				return buf;
			}
			if (k->user[k->n + i] != GUARD_BYTE) {
				snprintf(buf, sizeof(buf),
					 "guard byte %zu after block %zu (%zu bytes) was overwritten", i,
					 b, k->n);
				return buf;
			}
		}
	}
	return NULL;
}

void tmem_check_at(const char *file, int line)
{
	const char *dmg = guard_damage();
	if (dmg)
		unit_fail(file, line, "%s", dmg);
}

static void tmem_free_all(void)
{
	for (size_t b = 0; b < nblocks; b++)
		if (!blocks[b].low)
			free(blocks[b].raw);
	nblocks = 0;
	low_used = 0;
}

/* ---- runner ---------------------------------------------------------- */

static void on_alarm(int sig)
{
	(void)sig;
	snprintf(why, sizeof(why), "watchdog: the case ran for more than 120 s of real time");
	siglongjmp(jump, 1);
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return true;
	return false;
}

static int by_file_then_order(const void *a, const void *b)
{
	const struct unit_case *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void run_case(struct unit_case *c)
{
	in_case = true;
	alarm(120);
	if (sigsetjmp(jump, 1) == 0) {
		c->fn();
		const char *dmg = guard_damage();
		if (dmg)
			snprintf(why, sizeof(why), "after the case: %s", dmg);
		else if (sim_violations())
			snprintf(why, sizeof(why),
				 "the simulated device saw %u driver violation(s), first: %s",
				 sim_violations(), sim_first_violation());
	}
	alarm(0);
	in_case = false;
}

int main(int argc, char **argv)
{
	unsigned passed = 0, failed = 0;
	const char *v = getenv("VIRTIO_TEST_VERBOSE");
	verbose = v && *v && strcmp(v, "0") != 0;

	/* Constructors run per file in definition order: keep that order,
	 * grouped by file. */
	qsort(cases, ncases, sizeof(*cases), by_file_then_order);
	signal(SIGALRM, on_alarm);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (size_t i = 0; i < ncases; i++) {
		struct unit_case *c = &cases[i];
		if (!selected(c->name, argc, argv))
			continue;
		current = c->name;
		why[0] = 0;
		sim_reset_all();
		uint64_t seed = 1469598103934665603ull;
		for (const char *p = c->name; *p; p++)
			seed = (seed ^ (uint8_t)*p) * 1099511628211ull;
		unit_srand(seed);
		unit_log("---- %s\n", c->name);

		run_case(c);
		if (why[0] && sim_violations() && !strstr(why, "violation")) {
			size_t n = strlen(why);
			snprintf(why + n, sizeof(why) - n, " [device saw %u violation(s), first: %s]",
				 sim_violations(), sim_first_violation());
		}
		if (why[0]) {
			printf("[FAIL] %s: %s\n", c->name, why);
			failed++;
		} else {
			printf("[PASS] %s\n", c->name);
			passed++;
		}
		sim_reset_all();
		tmem_free_all();
	}
	(void)current;
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
