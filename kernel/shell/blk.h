/*
 * Shared between the files of the shell's `blk` command: shell/blk.c
 * (list, info, read, write and the table of subcommands), blk_ops.c
 * (flush, cache, discard, zero, id, verify) and blk_bench.c (bench).  A
 * handler gets argv[0] = its subcommand, then the words after it, already
 * counted against its row's usage.  Each helper prints the one-line reason
 * when it refuses, naming the subcommand.
 */
#ifndef KERNEL_SHELL_BLK_H
#define KERNEL_SHELL_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/blk/blkdev.h"
#include "kernel/shell/shell_priv.h"

struct blkdev *blk_find_disk(const char *cmd, const struct shell_arg *arg);

bool blk_get_number(const char *cmd, const char *what, const struct shell_arg *arg,
		    uint64_t *out);

/* SECTOR and COUNT against the disk: count >= 1, count <= max_count (0: no
 * limit), the whole range on the disk. */
bool blk_check_range(const char *cmd, struct blkdev *dev, uint64_t sector, uint64_t count,
		     uint64_t max_count);

/* sector and count whole logical blocks of the disk. */
bool blk_check_blocks(const char *cmd, struct blkdev *dev, uint64_t sector, uint64_t count);

/* A writable disk. */
bool blk_check_writable(const char *cmd, struct blkdev *dev);

/* PATTERN: a byte value 0..255 (*str = NULL), or a quoted non-empty string. */
bool blk_get_pattern(const char *cmd, const struct shell_arg *arg, const char **str,
		     uint8_t *byte);

void shell_blk_flush(int argc, const struct shell_arg *argv);
void shell_blk_cache(int argc, const struct shell_arg *argv);
void shell_blk_discard(int argc, const struct shell_arg *argv);
void shell_blk_zero(int argc, const struct shell_arg *argv);
void shell_blk_id(int argc, const struct shell_arg *argv);
void shell_blk_verify(int argc, const struct shell_arg *argv);
void shell_blk_bench(int argc, const struct shell_arg *argv);

#endif
