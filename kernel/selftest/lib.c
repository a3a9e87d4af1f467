/*
 * Self-test suite "lib": the pieces everything else stands on, checked on
 * the target itself: printf, number parsing, string routines, the FDT
 * walker against deliberately corrupted copies of the boot blob, the DMA
 * pool and the page tables that map it, and the timer (a wfi must end at
 * its deadline).
 */
#include <stdint.h>

#include "kernel/boot.h"
#include "kernel/dt/devtree.h"
#include "kernel/dma.h"
#include "kernel/dt/fdt.h"
#include "kernel/harts.h"
#include "kernel/paging.h"
#include "kernel/selftest/suites.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/printf.h"

/* Formats into buf and records the first mismatch in why. */
#define CHECK_FMT(want, ...)                                                  \
	do {                                                                  \
		ksnprintf(buf, sizeof(buf), __VA_ARGS__);                     \
		if (!why[0] && strcmp(buf, want) != 0)                        \
			ksnprintf(why, sizeof(why), "got \"%s\", want \"%s\"", \
				  buf, want);                                 \
	} while (0)

static void case_printf(struct selftest_ctx *t)
{
	char buf[64], why[160] = "";
	const char *volatile null_str = NULL; /* hidden from gcc's format check */

	CHECK_FMT("[   42|42   |00042|-42]", "[%5d|%-5d|%05d|%i]", 42, 42, 42, -42);
	CHECK_FMT("[ff|FF|0000beef|18446744073709551615]", "[%x|%X|%08x|%llu]",
		  255u, 255u, 0xbeefu, ~0ull);
	CHECK_FMT("[-9223372036854775808|4294967295|123]", "[%ld|%u|%zu]",
		  (long)INT64_MIN, ~0u, (size_t)123);
	CHECK_FMT("[ab|  x|x  |(null)|%|c]", "[%.2s|%3s|%-3s|%s|%%|%c]",
		  "abc", "x", "x", null_str, 'c');
	CHECK_FMT("[0x1000|007|   -7|-0007]", "[%p|%.3d|%*d|%05d]", (void *)0x1000, 7, 5, -7, -7);

	int n = ksnprintf(buf, 5, "%s", "hello world");
	if (!why[0] && (n != 11 || strcmp(buf, "hell") != 0))
		ksnprintf(why, sizeof(why), "truncation gave %d \"%s\", want 11 \"hell\"", n, buf);
	selftest_check(t, !why[0], "printf: conversions and truncation", "%s", why);
}

/* A console added to printf sees every character after the primary one,
 * and its flush once per call; removed, it sees nothing more. */
struct capture {
	struct printf_console con;
	char buf[32];
	unsigned len, flushes;
};

static void capture_putc(struct printf_console *con, char c)
{
	struct capture *k = (struct capture *)con;
	if (k->len + 1 < sizeof(k->buf))
		k->buf[k->len++] = c;
}

static void capture_flush(struct printf_console *con)
{
	((struct capture *)con)->flushes++;
}

static void case_consoles(struct selftest_ctx *t)
{
	static struct capture k = { .con = { .putc = capture_putc, .flush = capture_flush } };
	printf_console_add(&k.con);
	printf_console_add(&k.con); /* twice: still once */
	kprintf("[NOTE] console %d", 42);
	kputc('\n');
	printf_console_remove(&k.con);
	kprintf("[NOTE] not captured\n");
	k.buf[k.len] = '\0';
	selftest_check(t, strcmp(k.buf, "[NOTE] console 42\n") == 0 && k.flushes == 2,
		       "printf: a second console and its flush", "captured \"%s\", %u flushes", k.buf,
		       k.flushes);
}

static void case_parse(struct selftest_ctx *t)
{
	static const struct {
		const char *s;
		bool ok;
		uint64_t v;
	} checks[] = {
		{ "0", true, 0 }, { "131071", true, 131071 }, { "0x1F", true, 31 },
		{ "18446744073709551615", true, UINT64_MAX },
		{ "0xffffffffffffffff", true, UINT64_MAX },
		{ "18446744073709551616", false, 0 }, { "0x10000000000000000", false, 0 },
		{ "", false, 0 }, { "0x", false, 0 }, { "-1", false, 0 }, { "12a", false, 0 },
		{ " 1", false, 0 }, { "0xg", false, 0 },
	};

	for (unsigned i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		uint64_t v = 0;
		bool ok = parse_u64(checks[i].s, &v);
		if (ok != checks[i].ok || (ok && v != checks[i].v)) {
			selftest_fail(t, "parse_u64", "\"%s\" gave %s %lu", checks[i].s,
				      ok ? "ok" : "error", (unsigned long)v);
			return;
		}
	}
	selftest_pass(t, "parse_u64", NULL);
}

static void case_string(struct selftest_ctx *t)
{
	char a[32] = "0123456789abcdef";
	char b[8];
	bool ok;

	memmove(a + 2, a, 10);      /* overlapping, forwards */
	ok = memcmp(a, "010123456789cdef", 16) == 0;
	memmove(a, a + 4, 8);       /* overlapping, backwards */
	ok = ok && memcmp(a, "234567896789cdef", 16) == 0;
	memset(a, 'z', 3);
	ok = ok && strncmp(a, "zzz5", 4) == 0 && strlen("abc") == 3;
	ok = ok && strlcpy(b, "truncate me", sizeof(b)) == 11 && strcmp(b, "truncat") == 0;
	/* (constant strings on purpose: it is strcmp() under test) */
	/* cppcheck-suppress staticStringCompare */
	ok = ok && strchr("abc", 'c') && !strchr("abc", 'x') && strcmp("a", "b") < 0;
	selftest_check(t, ok, "string: memmove/memset/memcmp/strlcpy", "a result differed");
}

/* Where a field of the FDT header sits, for the corruption cases. */
#define HDR_TOTALSIZE 4
#define HDR_OFF_STRUCT 8
#define HDR_OFF_RSVMAP 16
#define HDR_SIZE_STRINGS 32
#define HDR_SIZE_STRUCT 36

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)fdt_cells(p, 1);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

enum corruption {
	C_MAGIC, C_TOTALSIZE, C_STRUCT_OFF, C_STRINGS_SIZE, C_PROP_LEN,
	C_PROP_NAMEOFF, C_TOKEN, C_STRUCT_CUT, C_RSVMAP, C_COUNT
};

static const char *const corruption_names[] = {
	"bad magic", "totalsize beyond the buffer", "structure block outside the blob",
	"strings size overflowing", "property length past the block",
	"property name offset past the strings", "unknown token",
	"structure block cut in half", "unterminated reservation block",
};

static void corrupt(uint8_t *b, uint32_t size, enum corruption c, const struct fdt *orig)
{
	/* the root's first property: its header is 12 bytes before its value */
	uint32_t len;
	const uint8_t *val = fdt_prop(orig, orig->root, "compatible", &len);
	uint32_t prop = (uint32_t)(val - orig->blob) - 12;

	switch (c) {
	case C_MAGIC: b[0] ^= 0xff; break;
	case C_TOTALSIZE: put_be32(b + HDR_TOTALSIZE, size + 4096); break;
	case C_STRUCT_OFF: put_be32(b + HDR_OFF_STRUCT, size - 4); break;
	case C_STRINGS_SIZE: put_be32(b + HDR_SIZE_STRINGS, 0xffffffffu); break;
	case C_PROP_LEN: put_be32(b + prop + 4, 0x7fffffffu); break;
	case C_PROP_NAMEOFF: put_be32(b + prop + 8, orig->strings_size); break;
	case C_TOKEN: put_be32(b + prop, 7); break;
	case C_STRUCT_CUT: put_be32(b + HDR_SIZE_STRUCT, get_be32(b + HDR_SIZE_STRUCT) / 2 & ~3u); break;
	case C_RSVMAP: put_be32(b + HDR_OFF_RSVMAP, (size - 8) & ~7u); break;
	case C_COUNT: break;
	}
}

static void case_fdt(struct selftest_ctx *t)
{
	const struct fdt *orig = devtree_fdt();
	uint32_t size = orig->size;
	size_t mark = dma_mark();
	uint8_t *copy = dma_alloc(size);
	char err[128], name[80];
	struct fdt f;

	if (!copy) {
		selftest_fail(t, "fdt: corruption cases", "DMA pool exhausted");
		return;
	}
	memcpy(copy, orig->blob, size);
	if (fdt_init(&f, copy, size, err, sizeof(err)) < 0) {
		selftest_fail(t, "fdt: copy of the boot blob validates", "%s", err);
		dma_release(mark);
		return;
	}
	selftest_pass(t, "fdt: copy of the boot blob validates", "%u bytes", size);

	for (enum corruption c = 0; c < C_COUNT; c++) {
		ksnprintf(name, sizeof(name), "fdt: rejects %s", corruption_names[c]);
		memcpy(copy, orig->blob, size);
		corrupt(copy, size, c, orig);
		if (fdt_init(&f, copy, size, err, sizeof(err)) == 0)
			selftest_fail(t, name, "the corrupted blob was accepted");
		else
			selftest_pass(t, name, "%s", err);
	}

	/*
	 * Random byte damage: whatever fdt_init accepts must then be walkable
	 * without a fault (a wild read outside RAM would trap and panic).
	 */
	uint32_t seed = 12345, accepted = 0;
	for (int round = 0; round < 300; round++) {
		memcpy(copy, orig->blob, size);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % size] ^= (uint8_t)(seed >> 24 | 1);
		}
		if (fdt_init(&f, copy, size, NULL, 0) < 0)
			continue;
		accepted++;
		int depth = 0;
		for (int n = fdt_next_node(&f, -1, &depth); n >= 0; n = fdt_next_node(&f, n, &depth)) {
			uint64_t b, s;
			(void)fdt_prop(&f, n, "compatible", NULL);
			(void)fdt_reg(&f, n, 0, &b, &s);
			(void)fdt_parent(&f, n);
		}
	}
	selftest_pass(t, "fdt: 300 randomly damaged blobs are safe",
		      "%u still valid and walked", accepted);
	dma_release(mark);
}

static void case_devtree(struct selftest_ctx *t)
{
	const struct dt_info *dt = dt_info();

	selftest_check(t, dt->mem_size && dt->timebase_hz &&
			       (dt->has_plic || dt->has_aia) && dt->has_uart,
		       "devtree: memory, timebase, interrupt controller and UART found",
		       "mem %lu bytes, timebase %lu Hz, plic %d, aia %d, uart %d",
		       (unsigned long)dt->mem_size, (unsigned long)dt->timebase_hz,
		       dt->has_plic, dt->has_aia, dt->has_uart);
}

static void case_dma(struct selftest_ctx *t)
{
	size_t mark = dma_mark(), used, total;
	uint8_t *p = dma_alloc(1);
	uint8_t *q = dma_alloc(DMA_PAGE + 1);
	bool ok = p && q && ((uintptr_t)p % DMA_PAGE) == 0 && q == p + DMA_PAGE;

	for (unsigned i = 0; ok && i < 2 * DMA_PAGE; i++)
		ok = q[i] == 0;
	if (q)
		memset(q, 0xab, 2 * DMA_PAGE);
	dma_usage(&used, &total);
	ok = ok && dma_alloc(0) == NULL && dma_alloc(total + 1) == NULL;
	dma_release(mark);
	uint8_t *r = dma_alloc(DMA_PAGE);
	ok = ok && r == p && r[0] == 0; /* reused after release, and re-zeroed */
	dma_release(mark);
	selftest_check(t, ok, "dma: page alignment, zeroing, mark/release",
		       "p=%p q=%p r=%p", (void *)p, (void *)q, (void *)r);
}

/*
 * kernel/paging.c maps the pool away from its physical address.  At a few
 * pool pages, the translation the hart itself uses (its page tables) must
 * land exactly where dma_addr() sends devices, read-write, at an address
 * other than the pointer; and the physical addresses themselves must not be
 * mapped, so an untranslated address would fault rather than work by luck.
 */
static void case_dma_mapping(struct selftest_ctx *t)
{
	size_t total;
	dma_usage(NULL, &total);
	uint8_t *pool = dma_pool_virt();
	size_t probes[] = { 0, total / 2 / DMA_PAGE * DMA_PAGE, total - DMA_PAGE };
	uint64_t pa;
	unsigned perm;
	char why[160] = "";

	for (unsigned i = 0; total && !why[0] && i < sizeof(probes) / sizeof(probes[0]); i++) {
		uint8_t *v = pool + probes[i];
		uint64_t dma = dma_addr(v);
		if (!paging_lookup((uintptr_t)v, &pa, &perm))
			ksnprintf(why, sizeof(why), "pool page %p is not mapped", (void *)v);
		else if (pa != dma || dma == (uintptr_t)v || perm != (PAGING_R | PAGING_W))
			ksnprintf(why, sizeof(why),
				  "%p maps to 0x%lx (perm 0x%x), dma_addr gives 0x%lx",
				  (void *)v, (unsigned long)pa, perm, (unsigned long)dma);
		else if (paging_lookup((uintptr_t)dma, &pa, &perm))
			ksnprintf(why, sizeof(why), "the physical address 0x%lx is mapped too",
				  (unsigned long)dma);
	}
	if (!total)
		ksnprintf(why, sizeof(why), "the pool is empty");
	if (why[0])
		selftest_fail(t, "dma: the pool is mapped away from its DMA addresses", "%s", why);
	else
		selftest_pass(t, "dma: the pool is mapped away from its DMA addresses",
			      "virtual 0x%lx, DMA 0x%lx, physical alias unmapped",
			      (unsigned long)pool, (unsigned long)dma_pool_start());

	if (dt_bootargs_has("dma=high"))
		selftest_check(t, dma_pool_start() >= DMA_HIGH_FLOOR,
			       "dma: dma=high put the pool at or above 4 GiB",
			       "the pool starts at 0x%lx (is there RAM above 4 GiB? QEMU -m 5G)",
			       (unsigned long)dma_pool_start());
}

/* The image is identity-mapped with the permissions linker.ld's program
 * headers promise: no page both writable and executable. */
static void case_image_mapping(struct selftest_ctx *t)
{
	static const struct {
		const char *what;
		const char *at;
		unsigned perm;
	} parts[] = {
		{ "text", _start, PAGING_R | PAGING_X },
		{ "constants", __rodata_start, PAGING_R },
		{ "data", __data_start, PAGING_R | PAGING_W },
		{ "stack top", (const char *)((uintptr_t)_end - 1), PAGING_R | PAGING_W },
	};
	char why[128] = "";

	for (unsigned i = 0; !why[0] && i < sizeof(parts) / sizeof(parts[0]); i++) {
		uint64_t pa = 0;
		unsigned perm = 0;
		uintptr_t va = (uintptr_t)parts[i].at;
		bool mapped = paging_lookup(va, &pa, &perm);
		if (!mapped || pa != va || perm != parts[i].perm)
			ksnprintf(why, sizeof(why), "%s at 0x%lx: %s 0x%lx, perm 0x%x, want 0x%x",
				  parts[i].what, (unsigned long)va, mapped ? "maps to" : "unmapped",
				  (unsigned long)pa, perm, parts[i].perm);
	}
	if (why[0])
		selftest_fail(t, "paging: kernel image identity-mapped, text R+X, constants R, data R+W",
			      "%s", why);
	else
		selftest_pass(t, "paging: kernel image identity-mapped, text R+X, constants R, data R+W",
			      "%u page-table pages", paging_tables_used());
}

static void case_timer(struct selftest_ctx *t)
{
	uint64_t ticks = trap_count_timer();
	uint64_t t0 = time_ns();

	sleep_ms(20);
	uint64_t ms = (time_ns() - t0) / 1000000;
	/* generous upper bound: TCG under load can be slow, never 10x */
	selftest_check(t, ms >= 20 && ms < 200 && trap_count_timer() > ticks,
		       "timer: sleep_ms(20) ends on a timer interrupt",
		       "slept %lu ms, %lu timer interrupts", (unsigned long)ms,
		       (unsigned long)(trap_count_timer() - ticks));
}

/* harts_park_others() ran at boot: every hart it started must have lost
 * the lottery in boot/entry.S and parked, leaving this one untouched. */
static void case_lottery(struct selftest_ctx *t)
{
	if (dt_info()->n_harts < 2) {
		selftest_note(t, "one hart only: no boot lottery to check");
		return;
	}
	selftest_check(t, harts_started() > 0 && parked_harts == harts_started(),
		       "boot: the other harts lost the lottery and parked",
		       "%u started, %u parked", harts_started(), parked_harts);
}

void selftest_lib_suite(struct selftest_ctx *t)
{
	case_printf(t);
	case_consoles(t);
	case_parse(t);
	case_string(t);
	case_devtree(t);
	case_fdt(t);
	case_dma(t);
	case_dma_mapping(t);
	case_image_mapping(t);
	case_timer(t);
	case_lottery(t);
}
