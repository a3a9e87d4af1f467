/*
 * The shell's `blk` commands: list, info, read (hex dump), write (fill
 * with a byte or a repeated string).  All argument checking happens before
 * any I/O, and each problem is reported in one line naming the command,
 * e.g. "blk read: sector 131072 is past the end of vda (131072 sectors)".
 * Buffers come from the DMA pool under a mark and go back afterwards,
 * except after a timeout, when the device still owns them.
 */
#include "kernel/blkdev.h"
#include "kernel/dma.h"
#include "kernel/shell.h"
#include "kernel/shell_priv.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/printf.h"

#define MAX_SECTORS_PER_COMMAND 256 /* 128 KiB: a dump longer than this helps nobody */

const char *const shell_blk_usage[][2] = {
	{ "blk list", "show every disk" },
	{ "blk info DISK", "show everything known about a disk" },
	{ "blk read DISK SECTOR [COUNT]", "hex dump COUNT sectors (default 1, max 256)" },
	{ "blk write DISK SECTOR COUNT PATTERN", "fill sectors with a byte 0..255 or a \"string\"" },
};
const unsigned shell_blk_usage_count = sizeof(shell_blk_usage) / sizeof(shell_blk_usage[0]);

static void (*info_extra)(struct blkdev *dev);

void shell_set_blk_info_extra(void (*fn)(struct blkdev *dev))
{
	info_extra = fn;
}

/*
 * Checks the word count of `blk SUB ...`: names[] lists the arguments
 * after SUB, the first `required` of them mandatory.
 */
static bool check_args(int argc, const struct shell_arg *argv, const char *usage,
		       const char *const *names, int required, int optional)
{
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

static struct blkdev *find_disk(const char *cmd, const struct shell_arg *arg)
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

static bool get_number(const char *cmd, const char *what, const struct shell_arg *arg,
		       uint64_t *out)
{
	if (!arg->quoted && parse_u64(arg->s, out))
		return true;
	kprintf("blk %s: %s '%s' is not a number (want decimal or 0x-hex below 2^64)\n",
		cmd, what, arg->s);
	return false;
}

/* SECTOR and COUNT against the disk; prints the reason when refused. */
static bool check_range(const char *cmd, struct blkdev *dev, uint64_t sector, uint64_t count)
{
	if (count == 0) {
		kprintf("blk %s: COUNT must be at least 1\n", cmd);
		return false;
	}
	if (count > MAX_SECTORS_PER_COMMAND) {
		kprintf("blk %s: COUNT %lu is more than %u sectors per command\n", cmd,
			(unsigned long)count, MAX_SECTORS_PER_COMMAND);
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

/* "64.0": capacity in MiB with one decimal, without overflow */
static void print_mib(uint64_t sectors)
{
	kprintf("%lu.%lu", (unsigned long)(sectors / 2048),
		(unsigned long)(sectors % 2048 * 10 / 2048));
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
		char mib[24];
		ksnprintf(mib, sizeof(mib), "%lu.%lu", (unsigned long)(d->sectors / 2048),
			  (unsigned long)(d->sectors % 2048 * 10 / 2048));
		kprintf("%-5s %12lu %10s %6u %-4s %s\n", d->name, (unsigned long)d->sectors,
			mib, d->block_size, d->read_only ? "ro" : "rw",
			d->transport ? d->transport : "-");
	}
}

static void blk_info(struct blkdev *d)
{
	kprintf("%s:\n", d->name);
	kprintf("  capacity    %lu sectors of %u bytes (", (unsigned long)d->sectors, BLKDEV_SECTOR);
	print_mib(d->sectors);
	kprintf(" MiB)\n");
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

	if (!check_args(argc, argv, shell_blk_usage[2][0], names, 2, 1) ||
	    !(dev = find_disk("read", &argv[2])) ||
	    !get_number("read", "SECTOR", &argv[3], &sector) ||
	    (argc > 4 && !get_number("read", "COUNT", &argv[4], &count)) ||
	    !check_range("read", dev, sector, count))
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

/* PATTERN: a byte value, or a quoted non-empty string. */
static bool get_pattern(const struct shell_arg *arg, const char **str, uint8_t *byte)
{
	uint64_t v;

	if (arg->quoted) {
		if (!arg->s[0]) {
			kprintf("blk write: PATTERN \"\" is empty\n");
			return false;
		}
		*str = arg->s;
		return true;
	}
	if (!parse_u64(arg->s, &v)) {
		kprintf("blk write: PATTERN '%s' is neither a byte 0..255 nor a \"quoted string\"\n",
			arg->s);
		return false;
	}
	if (v > 255) {
		kprintf("blk write: PATTERN %s is out of range 0..255\n", arg->s);
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

	if (!check_args(argc, argv, shell_blk_usage[3][0], names, 4, 0) ||
	    !(dev = find_disk("write", &argv[2])) ||
	    !get_number("write", "SECTOR", &argv[3], &sector) ||
	    !get_number("write", "COUNT", &argv[4], &count) ||
	    !check_range("write", dev, sector, count) ||
	    !get_pattern(&argv[5], &str, &byte))
		return;
	if (dev->read_only) {
		kprintf("blk write: %s is read-only\n", dev->name);
		return;
	}

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

void shell_cmd_blk(int argc, const struct shell_arg *argv)
{
	static const char *const disk_name[] = { "DISK" };
	const char *sub = argc > 1 ? argv[1].s : NULL;
	struct blkdev *dev;

	if (!sub) {
		kprintf("blk: missing subcommand (list, info, read, write; see 'help')\n");
	} else if (strcmp(sub, "list") == 0) {
		if (check_args(argc, argv, shell_blk_usage[0][0], disk_name, 0, 0))
			blk_list();
	} else if (strcmp(sub, "info") == 0) {
		if (check_args(argc, argv, shell_blk_usage[1][0], disk_name, 1, 0) &&
		    (dev = find_disk("info", &argv[2])))
			blk_info(dev);
	} else if (strcmp(sub, "read") == 0) {
		blk_read(argc, argv);
	} else if (strcmp(sub, "write") == 0) {
		blk_write(argc, argv);
	} else {
		kprintf("blk: unknown subcommand '%s' (list, info, read, write; see 'help')\n", sub);
	}
}
