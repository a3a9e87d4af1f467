/* The error-injection suite, registered when bootargs say `ioerr`. */
#ifndef KERNEL_SELFTEST_IOERR_H
#define KERNEL_SELFTEST_IOERR_H

#include "kernel/selftest/selftest.h"

void selftest_ioerr_register(void);

#endif
