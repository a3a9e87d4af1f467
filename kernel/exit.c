/*
 * qemu_exit(): the SiFive test device ("sifive,test1" at 0x100000 on QEMU
 * virt) ends QEMU with a chosen status when written: 0x5555 means pass
 * (status 0), (code << 16) | 0x3333 means fail with status `code`.
 * SBI SRST is the fallback; it cannot carry a failure status.
 */
#include "kernel/exit.h"
#include "kernel/mmio.h"
#include "kernel/riscv.h"
#include "kernel/sbi.h"

#define TEST_PASS 0x5555
#define TEST_FAIL 0x3333

static uintptr_t test_dev;

void qemu_exit_init(uint64_t test_dev_base)
{
	test_dev = (uintptr_t)test_dev_base;
}

void halt(void)
{
	intr_off();
	csr_write(sie, 0);
	for (;;)
		wfi();
}

void qemu_exit(int code)
{
	intr_off();
	if (test_dev) {
		uint32_t v = code == 0 ? TEST_PASS
				       : ((uint32_t)(code & 0xffff) << 16) | TEST_FAIL;
		mmio_write32(test_dev, v);
	}
	sbi_system_reset(SBI_SRST_SHUTDOWN,
			 code ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
	sbi_legacy_shutdown();
	halt();
}
