/*
 * SBI ecall wrappers (see sbi.h).  Calling convention from the SBI spec:
 * extension id in a7, function id in a6, arguments in a0..a5, result in
 * a0 (error) and a1 (value).  Legacy extensions return only a0.
 */
#include "kernel/sbi.h"

/* Each extension is probed when first used, not at boot: under TCG every
 * ecall's path through the firmware is code translated for the first time
 * (issue 14), and a boot before the prompt needs none of them. */
enum { EXT_TIME, EXT_SRST, EXT_HSM, EXT_COUNT };
static const long ext_ids[EXT_COUNT] = { SBI_EXT_TIME, SBI_EXT_SRST, SBI_EXT_HSM };
static signed char ext_state[EXT_COUNT]; /* 0 not probed yet, 1 present, -1 absent */

static struct sbiret sbi_call3(long ext, long fid, long arg0, long arg1, long arg2)
{
	register long a0 __asm__("a0") = arg0;
	register long a1 __asm__("a1") = arg1;
	register long a2 __asm__("a2") = arg2;
	register long a6 __asm__("a6") = fid;
	register long a7 __asm__("a7") = ext;

	__asm__ __volatile__("ecall"
			     : "+r"(a0), "+r"(a1)
			     : "r"(a2), "r"(a6), "r"(a7)
			     : "memory");
	return (struct sbiret){ .error = a0, .value = a1 };
}

static struct sbiret sbi_call(long ext, long fid, long arg0, long arg1)
{
	return sbi_call3(ext, fid, arg0, arg1, 0);
}

bool sbi_has_extension(long ext)
{
	/* base extension, function 3: probe_extension (value != 0 = present) */
	struct sbiret r = sbi_call(SBI_EXT_BASE, 3, ext, 0);

	return r.error == 0 && r.value != 0;
}

static bool have(unsigned ext)
{
	if (!ext_state[ext])
		ext_state[ext] = sbi_has_extension(ext_ids[ext]) ? 1 : -1;
	return ext_state[ext] > 0;
}

void sbi_set_timer(uint64_t stime_value)
{
	if (have(EXT_TIME))
		sbi_call(SBI_EXT_TIME, 0, (long)stime_value, 0);
	else
		sbi_call(SBI_LEGACY_SET_TIMER, 0, (long)stime_value, 0);
}

struct sbiret sbi_system_reset(uint32_t type, uint32_t reason)
{
	if (!have(EXT_SRST))
		return (struct sbiret){ .error = -2 /* SBI_ERR_NOT_SUPPORTED */ };
	return sbi_call(SBI_EXT_SRST, 0, type, reason);
}

struct sbiret sbi_hart_start(unsigned long hartid, uintptr_t start_addr, unsigned long opaque)
{
	if (!have(EXT_HSM))
		return (struct sbiret){ .error = -2 /* SBI_ERR_NOT_SUPPORTED */ };
	return sbi_call3(SBI_EXT_HSM, 0, (long)hartid, (long)start_addr, (long)opaque);
}

void sbi_legacy_shutdown(void)
{
	sbi_call(SBI_LEGACY_SHUTDOWN, 0, 0, 0);
}
