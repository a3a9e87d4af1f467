/*
 * Every self-test suite, in the order they run.  A new suite is one row
 * here (and its file); `wanted` says when it runs, NULL for always.
 */
#include "kernel/selftest/suites.h"

#include "kernel/console/console.h"
#include "kernel/display/display.h"
#include "kernel/dt/devtree.h"
#include "kernel/entropy/entropy.h"
#include "kernel/input/input.h"
#include "kernel/net/iface.h"
#include "kernel/virtio/virtio.h"

/* bootargs `ioerr`: QEMU fails sector 1000 (tests/qemu/matrix.py) */
static bool ioerr_asked(void)
{
	return dt_bootargs_has("ioerr");
}

static bool have_entropy(void)
{
	return entropy_count() > 0;
}

static bool have_console_ports(void)
{
	return con_port_count() > 0;
}

static bool have_display(void)
{
	return display_count() > 0;
}

static bool have_network(void)
{
	return net_iface_count() > 0;
}

static bool have_input(void)
{
	return input_count() > 0;
}

const struct selftest_suite selftest_suites[] = {
	{ "lib", selftest_lib_suite, NULL },
	{ "hist", selftest_hist_suite, NULL },
	{ "irq", selftest_irq_suite, NULL },
	{ "blk", selftest_blk_suite, NULL },
	{ "virtio", virtio_selftest_suite, NULL },
	{ "bringup", selftest_bringup_suite, selftest_bringup_wanted },
	{ "rng", selftest_rng_suite, have_entropy },
	{ "con", selftest_con_suite, have_console_ports },
	{ "gpu", selftest_gpu_suite, have_display },
	{ "net", selftest_net_suite, have_network },
	{ "input", selftest_input_suite, have_input },
	{ "ioerr", selftest_ioerr_suite, ioerr_asked },
	{ NULL, NULL, NULL },
};
