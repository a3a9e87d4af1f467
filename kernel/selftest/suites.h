/*
 * The table of self-test suites (suites.c) that selftest_run_all() walks,
 * and the suites defined here in kernel/selftest/.  Suites of other
 * subsystems are declared in their own headers; suites.c includes them.
 */
#ifndef KERNEL_SELFTEST_SUITES_H
#define KERNEL_SELFTEST_SUITES_H

#include <stdbool.h>

#include "kernel/selftest/selftest.h"

struct selftest_suite {
	const char *name;                     /* "lib": printed around its cases */
	void (*run)(struct selftest_ctx *t);
	bool (*wanted)(void);                 /* NULL: always runs */
};

/* In run order; the row after the last has name NULL. */
extern const struct selftest_suite selftest_suites[];

void selftest_lib_suite(struct selftest_ctx *t);   /* lib.c */
void selftest_hist_suite(struct selftest_ctx *t);  /* hist.c */
void selftest_irq_suite(struct selftest_ctx *t);   /* irq.c */
void selftest_blk_suite(struct selftest_ctx *t);   /* blk.c */
void selftest_ioerr_suite(struct selftest_ctx *t); /* ioerr.c */
void selftest_con_suite(struct selftest_ctx *t);   /* con.c */
void selftest_gpu_suite(struct selftest_ctx *t);   /* gpu.c */
void selftest_net_suite(struct selftest_ctx *t);   /* net.c */
void selftest_input_suite(struct selftest_ctx *t); /* input.c */
void selftest_rng_suite(struct selftest_ctx *t);   /* rng.c */
void selftest_bringup_suite(struct selftest_ctx *t); /* virtio.c */
bool selftest_bringup_wanted(void);                /* virtio.c: a bring-up failed */

#endif
