/*
 * The shell's `blk` commands: list, info, read (hex dump), write (fill
 * with a byte or a repeated string), and the dispatch to the others
 * (blk_ops.c: flush, discard, zero, id, verify; blk_bench.c:
 * bench).  All argument checking happens before any I/O, and each problem
 * is reported in one line naming the command, e.g.
 * "blk read: sector 131072 is past the end of vda (131072 sectors)".
 * Buffers come from the DMA pool under a mark and go back afterwards,
 * except after a timeout, when the device still owns them.
 */
#include "kernel/blk/blkdev.h"
#include "kernel/dma.h"
#include "kernel/shell/shell.h"
#include "kernel/shell/blk.h"
#include "kernel/shell/shell_priv.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/printf.h"

#define MAX_SECTORS_PER_COMMAND 256 /* 128 KiB: a dump longer than this helps nobody */
#define SUBCOMMANDS "list, info, read, write, flush, cache, discard, zero, id, verify, bench"

/* Indexed by the BLK_USAGE_* rows of shell/blk.h; a row with an empty
 * usage continues the help text of the one above. */
const char *const shell_blk_usage[][2] = {
	[BLK_USAGE_LIST] = { "blk list", "show every disk" },
	[BLK_USAGE_INFO] = { "blk info DISK", "show everything known about a disk" },
	[BLK_USAGE_READ] = { "blk read DISK SECTOR [COUNT]", "hex dump COUNT sectors (default 1, max 256)" },
	[BLK_USAGE_WRITE] = { "blk write DISK SECTOR COUNT PATTERN", "fill sectors with a byte 0..255 or a \"string\"" },
	[BLK_USAGE_FLUSH] = { "blk flush DISK", "flush the write cache (says whether it is writeback)" },
	[BLK_USAGE_CACHE] = { "blk cache DISK [writeback|writethrough]", "show or switch the cache mode (CONFIG_WCE)" },
	[BLK_USAGE_DISCARD] = { "blk discard DISK SECTOR COUNT", "tell the disk the sectors are unused (DISCARD)" },
	[BLK_USAGE_ZERO] = { "blk zero DISK SECTOR COUNT [unmap]", "WRITE_ZEROES; unmap lets the disk deallocate" },
	[BLK_USAGE_ID] = { "blk id DISK", "show the disk's serial (GET_ID)" },
	/* too long for the usage column: the help goes on the next row */
	[BLK_USAGE_VERIFY] = { "blk verify DISK SECTOR COUNT [PATTERN]", "" },
	[BLK_USAGE_VERIFY_MORE] = { "", "write PATTERN (default: per-sector) over the range, read back, compare" },
	[BLK_USAGE_BENCH] = { "blk bench DISK [OP] [SIZE] [QD] [TIME|COUNT] [QUEUES]", "" },
	[BLK_USAGE_BENCH_MORE] = { "", "I/O benchmark: OP read, write, randread, randwrite; SIZE 512..1m;" },
	[BLK_USAGE_BENCH_MORE2] = { "", "QD 1..256; TIME 2s or a COUNT; QUEUES (defaults: randread 4k 32 2s 1)" },
};
const unsigned shell_blk_usage_count = sizeof(shell_blk_usage) / sizeof(shell_blk_usage[0]);

static void (*info_extra)(struct blkdev *dev);

void shell_set_blk_info_extra(void (*fn)(struct blkdev *dev))
{
	info_extra = fn;
}

bool blk_check_args(int argc, const struct shell_arg *argv, unsigned usage_row,
		    const char *const *names, int required, int optional)
{
	const char *usage = shell_blk_usage[usage_row][0];
	int given = argc - 2;

	if (given < required) {
		kprintf("blk %s: missing %s (usage: %s)\n", argv[1].s, names[given], usage);
		return false;
	}
	if (given > required + optional) {
		kprintf("blk %s: unexpected argument '%s' (usage: %s)\n", argv[1].s,
			argv[2 + required + optional].s, usage);
		return false;
	}
	return true;
}

struct blkdev *blk_find_disk(const char *cmd, const struct shell_arg *arg)
{
	struct blkdev *dev = blkdev_find(arg->s);

	if (dev)
		return dev;
	if (blkdev_count() == 0)
		kprintf("blk %s: no disk named '%s' (no disks are registered)\n", cmd, arg->s);
	else
		kprintf("blk %s: no disk named '%s' (vda..%s exist; see 'blk list')\n", cmd,
			arg->s, blkdev_get(blkdev_count() - 1)->name);
	return NULL;
}

bool blk_get_number(const char *cmd, const char *what, const struct shell_arg *arg,
		    uint64_t *out)
{
	if (!arg->quoted && parse_u64(arg->s, out))
		return true;
	kprintf("blk %s: %s '%s' is not a number (want decimal or 0x-hex below 2^64)\n",
		cmd, what, arg->s);
	return false;
}

bool blk_check_range(const char *cmd, struct blkdev *dev, uint64_t sector, uint64_t count,
		     uint64_t max_count)
{
	if (count == 0) {
		kprintf("blk %s: COUNT must be at least 1\n", cmd);
		return false;
	}
	if (max_count && count > max_count) {
		kprintf("blk %s: COUNT %lu is more than %lu sectors per command\n", cmd,
			(unsigned long)count, (unsigned long)max_count);
		return false;
	}
	if (sector >= dev->sectors) {
		kprintf("blk %s: sector %lu is past the end of %s (%lu sectors)\n", cmd,
			(unsigned long)sector, dev->name, (unsigned long)dev->sectors);
		return false;
	}
	if (count > dev->sectors - sector) {
		kprintf("blk %s: sectors %lu..%lu run past the end of %s (%lu sectors)\n", cmd,
			(unsigned long)sector, (unsigned long)(sector + count - 1), dev->name,
			(unsigned long)dev->sectors);
		return false;
	}
	return true;
}

bool blk_check_blocks(const char *cmd, struct blkdev *dev, uint64_t sector, uint64_t count)
{
	uint32_t per = dev->block_size / BLKDEV_SECTOR;

	if (per <= 1 || (sector % per == 0 && count % per == 0))
		return true;
	kprintf("blk %s: sector %lu count %lu is not whole blocks of %s (block size %u = %u sectors)\n",
		cmd, (unsigned long)sector, (unsigned long)count, dev->name, dev->block_size, per);
	return false;
}

bool blk_check_writable(const char *cmd, struct blkdev *dev)
{
	if (!dev->read_only)
		return true;
	kprintf("blk %s: %s is read-only\n", cmd, dev->name);
	return false;
}

/* "64.0": capacity in MiB with one decimal, without overflow; returns buf */
static const char *mib(char buf[24], uint64_t sectors)
{
	ksnprintf(buf, 24, "%lu.%lu", (unsigned long)(sectors / 2048),
		  (unsigned long)(sectors % 2048 * 10 / 2048));
	return buf;
}

static void blk_list(void)
{
	if (blkdev_count() == 0) {
		kprintf("no disks (no block driver has registered one)\n");
		return;
	}
	kprintf("%-5s %12s %10s %6s %-4s %s\n", "NAME", "SECTORS", "MiB", "BLOCK", "MODE",
		"TRANSPORT");
	for (unsigned i = 0; i < blkdev_count(); i++) {
		struct blkdev *d = blkdev_get(i);
		char buf[24];
		kprintf("%-5s %12lu %10s %6u %-4s %s\n", d->name, (unsigned long)d->sectors,
			mib(buf, d->sectors), d->block_size, d->read_only ? "ro" : "rw",
			d->transport ? d->transport : "-");
	}
}

static void blk_info(struct blkdev *d)
{
	char buf[24];

	kprintf("%s:\n", d->name);
	kprintf("  capacity    %lu sectors of %u bytes (%s MiB)\n", (unsigned long)d->sectors,
		BLKDEV_SECTOR, mib(buf, d->sectors));
	kprintf("  block size  %u bytes\n", d->block_size);
	kprintf("  mode        %s\n", d->read_only ? "read-only" : "read-write");
	kprintf("  transport   %s\n", d->transport ? d->transport : "-");
	kprintf("  driver      %p (ops %p)\n", d->driver, (const void *)d->ops);
	if (info_extra)
		info_extra(d);
}

static void dump(const struct blkdev *dev, uint64_t sector, uint32_t count, const uint8_t *buf)
{
	for (uint32_t s = 0; s < count; s++) {
		kprintf("%s sector %lu:\n", dev->name, (unsigned long)(sector + s));
		for (unsigned off = 0; off < BLKDEV_SECTOR; off += 16) {
			const uint8_t *p = buf + (size_t)s * BLKDEV_SECTOR + off;
			char ascii[17];
			/* the offset column is the byte offset on the disk */
			kprintf("%08lx: ", (unsigned long)((sector + s) * BLKDEV_SECTOR + off));
			for (unsigned i = 0; i < 16; i++) {
				kprintf("%02x%s", p[i], i == 7 ? "  " : " ");
				ascii[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
			}
			ascii[16] = '\0';
			kprintf(" |%s|\n", ascii);
		}
	}
}

static void blk_read(int argc, const struct shell_arg *argv)
{
	static const char *const names[] = { "DISK", "SECTOR", "COUNT" };
	uint64_t sector, count = 1;
	struct blkdev *dev;

	if (!blk_check_args(argc, argv, BLK_USAGE_READ, names, 2, 1) ||
	    !(dev = blk_find_disk("read", &argv[2])) ||
	    !blk_get_number("read", "SECTOR", &argv[3], &sector) ||
	    (argc > 4 && !blk_get_number("read", "COUNT", &argv[4], &count)) ||
	    !blk_check_range("read", dev, sector, count, MAX_SECTORS_PER_COMMAND))
		return;

	size_t mark = dma_mark();
	uint8_t *buf = dma_alloc(count * BLKDEV_SECTOR);
	if (!buf) {
		kprintf("blk read: not enough DMA memory for %lu sectors (see 'mem')\n",
			(unsigned long)count);
		return;
	}
	int rc = blkdev_read(dev, sector, (uint32_t)count, buf);
	if (rc == BLKDEV_ETIMEDOUT) {
		/* the device may still write into buf: never hand it out again */
		kprintf("blk read %s: %s\n", dev->name, blkdev_strerror(dev, rc));
		return;
	}
	if (rc)
		kprintf("blk read %s: %s\n", dev->name, blkdev_strerror(dev, rc));
	else
		dump(dev, sector, (uint32_t)count, buf);
	dma_release(mark);
}

bool blk_get_pattern(const char *cmd, const struct shell_arg *arg, const char **str,
		     uint8_t *byte)
{
	uint64_t v;

	if (arg->quoted) {
		if (!arg->s[0]) {
			kprintf("blk %s: PATTERN \"\" is empty\n", cmd);
			return false;
		}
		*str = arg->s;
		return true;
	}
	if (!parse_u64(arg->s, &v)) {
		kprintf("blk %s: PATTERN '%s' is neither a byte 0..255 nor a \"quoted string\"\n",
			cmd, arg->s);
		return false;
	}
	if (v > 255) {
		kprintf("blk %s: PATTERN %s is out of range 0..255\n", cmd, arg->s);
		return false;
	}
	*str = NULL;
	*byte = (uint8_t)v;
	return true;
}

static void blk_write(int argc, const struct shell_arg *argv)
{
	static const char *const names[] = { "DISK", "SECTOR", "COUNT", "PATTERN" };
	uint64_t sector, count;
	struct blkdev *dev;
	const char *str;
	uint8_t byte = 0;

	if (!blk_check_args(argc, argv, BLK_USAGE_WRITE, names, 4, 0) ||
	    !(dev = blk_find_disk("write", &argv[2])) ||
	    !blk_get_number("write", "SECTOR", &argv[3], &sector) ||
	    !blk_get_number("write", "COUNT", &argv[4], &count) ||
	    !blk_check_range("write", dev, sector, count, MAX_SECTORS_PER_COMMAND) ||
	    !blk_get_pattern("write", &argv[5], &str, &byte) ||
	    !blk_check_writable("write", dev))
		return;

	size_t mark = dma_mark(), bytes = count * BLKDEV_SECTOR;
	uint8_t *buf = dma_alloc(bytes);
	if (!buf) {
		kprintf("blk write: not enough DMA memory for %lu sectors (see 'mem')\n",
			(unsigned long)count);
		return;
	}
	if (str) {
		size_t n = strlen(str);
		for (size_t i = 0; i < bytes; i++)
			buf[i] = (uint8_t)str[i % n];
	} else {
		memset(buf, byte, bytes);
	}
	int rc = blkdev_write(dev, sector, (uint32_t)count, buf);
	if (rc) {
		kprintf("blk write %s: %s\n", dev->name, blkdev_strerror(dev, rc));
		if (rc == BLKDEV_ETIMEDOUT)
			return; /* buf still belongs to the device */
	} else {
		kprintf("wrote %lu sector%s at %lu on %s\n", (unsigned long)count,
			count == 1 ? "" : "s", (unsigned long)sector, dev->name);
	}
	dma_release(mark);
}

static const struct {
	const char *name;
	void (*run)(int argc, const struct shell_arg *argv);
} subcommands[] = {
	{ "read", blk_read },
	{ "write", blk_write },
	{ "flush", shell_blk_flush },
	{ "cache", shell_blk_cache },
	{ "discard", shell_blk_discard },
	{ "zero", shell_blk_zero },
	{ "id", shell_blk_id },
	{ "verify", shell_blk_verify },
	{ "bench", shell_blk_bench },
};

void shell_cmd_blk(int argc, const struct shell_arg *argv)
{
	static const char *const disk_name[] = { "DISK" };
	const char *sub = argc > 1 ? argv[1].s : NULL;
	struct blkdev *dev;

	if (!sub) {
		kprintf("blk: missing subcommand (" SUBCOMMANDS "; see 'help')\n");
		return;
	}
	if (strcmp(sub, "list") == 0) {
		if (blk_check_args(argc, argv, BLK_USAGE_LIST, disk_name, 0, 0))
			blk_list();
		return;
	}
	if (strcmp(sub, "info") == 0) {
		if (blk_check_args(argc, argv, BLK_USAGE_INFO, disk_name, 1, 0) &&
		    (dev = blk_find_disk("info", &argv[2])))
			blk_info(dev);
		return;
	}
	for (unsigned i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(sub, subcommands[i].name) == 0) {
			subcommands[i].run(argc, argv);
			return;
		}
	}
	kprintf("blk: unknown subcommand '%s' (" SUBCOMMANDS "; see 'help')\n", sub);
}
