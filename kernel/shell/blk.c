/*
 * The shell's `blk` commands: list, info, read (hex dump), write (fill
 * with a byte or a repeated string), and the table of all of them
 * (blk_ops.c: flush, cache, discard, zero, id, verify; blk_bench.c:
 * bench).  All argument checking happens before any I/O, and each problem
 * is reported in one line naming the command, e.g.
 * "blk read: sector 131072 is past the end of vda (131072 sectors)".
 * Buffers come from the DMA pool under a mark and go back afterwards,
 * except after a timeout, when the device still owns them.
 */
#include "kernel/blk/blkdev.h"
#include "kernel/dma.h"
#include "kernel/shell/blk.h"
#include "kernel/shell/shell_priv.h"
#include "lib/kstring.h"
#include "lib/parse.h"
#include "lib/printf.h"

#define MAX_SECTORS_PER_COMMAND 256 /* 128 KiB: a dump longer than this helps nobody */
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

static void blk_list(int argc, const struct shell_arg *argv)
{
	(void)argc;
	(void)argv;
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

static void blk_info(int argc, const struct shell_arg *argv)
{
	struct blkdev *d = blk_find_disk("info", &argv[1]);
	char buf[24];

	(void)argc;
	if (!d)
		return;
	kprintf("%s:\n", d->name);
	kprintf("  capacity    %lu sectors of %u bytes (%s MiB)\n", (unsigned long)d->sectors,
		BLKDEV_SECTOR, mib(buf, d->sectors));
	kprintf("  block size  %u bytes\n", d->block_size);
	kprintf("  mode        %s\n", d->read_only ? "read-only" : "read-write");
	kprintf("  transport   %s\n", d->transport ? d->transport : "-");
	kprintf("  driver      %p (ops %p)\n", d->driver, (const void *)d->ops);
	if (d->ops->info)
		d->ops->info(d);
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
	uint64_t sector, count = 1;
	struct blkdev *dev;

	if (!(dev = blk_find_disk("read", &argv[1])) ||
	    !blk_get_number("read", "SECTOR", &argv[2], &sector) ||
	    (argc > 3 && !blk_get_number("read", "COUNT", &argv[3], &count)) ||
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
	if (rc == KERR_ETIMEDOUT) {
		/* the device may still write into buf: never hand it out again */
		kprintf("blk read %s: %s\n", dev->name, kstrerror(rc));
		return;
	}
	if (rc)
		kprintf("blk read %s: %s\n", dev->name, kstrerror(rc));
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
	uint64_t sector, count;
	struct blkdev *dev;
	const char *str;
	uint8_t byte = 0;

	(void)argc;
	if (!(dev = blk_find_disk("write", &argv[1])) ||
	    !blk_get_number("write", "SECTOR", &argv[2], &sector) ||
	    !blk_get_number("write", "COUNT", &argv[3], &count) ||
	    !blk_check_range("write", dev, sector, count, MAX_SECTORS_PER_COMMAND) ||
	    !blk_get_pattern("write", &argv[4], &str, &byte) ||
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
		kprintf("blk write %s: %s\n", dev->name, kstrerror(rc));
		if (rc == KERR_ETIMEDOUT)
			return; /* buf still belongs to the device */
	} else {
		kprintf("wrote %lu sector%s at %lu on %s\n", (unsigned long)count,
			count == 1 ? "" : "s", (unsigned long)sector, dev->name);
	}
	dma_release(mark);
}

const struct shell_command shell_blk_commands[] = {
	{ "list", "", "show every disk", blk_list, NULL },
	{ "info", "DISK", "show everything known about a disk", blk_info, NULL },
	{ "read", "DISK SECTOR [COUNT]", "hex dump COUNT sectors (default 1, max 256)", blk_read,
	  NULL },
	{ "write", "DISK SECTOR COUNT PATTERN", "fill sectors with a byte 0..255 or a \"string\"",
	  blk_write, NULL },
	{ "flush", "DISK", "flush the write cache (says whether it is writeback)", shell_blk_flush,
	  NULL },
	{ "cache", "DISK [writeback|writethrough]", "show or switch the cache mode (CONFIG_WCE)",
	  shell_blk_cache, NULL },
	{ "discard", "DISK SECTOR COUNT", "tell the disk the sectors are unused (DISCARD)",
	  shell_blk_discard, NULL },
	{ "zero", "DISK SECTOR COUNT [unmap]", "WRITE_ZEROES; unmap lets the disk deallocate",
	  shell_blk_zero, NULL },
	{ "id", "DISK", "show the disk's serial (GET_ID)", shell_blk_id, NULL },
	/* too long for the usage column: the help starts on the next row */
	{ "verify", "DISK SECTOR COUNT [PATTERN]",
	  "\nwrite PATTERN (default: per-sector) over the range, read back, compare",
	  shell_blk_verify, NULL },
	{ "bench", "DISK [OP] [SIZE] [QD] [TIME|COUNT] [QUEUES]",
	  "\nI/O benchmark: OP read, write, randread, randwrite; SIZE 512..1m;"
	  "\nQD 1..256; TIME 2s or a COUNT; QUEUES (defaults: randread 4k 32 2s 1)",
	  shell_blk_bench, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
