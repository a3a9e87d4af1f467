# Build of the test kernel (and the VirtIO library it links).
#
#   make / make kernel   gcc build: objects in build/gcc/, build/kernel.{elf,bin}
#   make kernel-clang    clang + ld.lld build: build/clang/kernel.{elf,bin}
#   make run             boot it in QEMU with build/disk.img (made if absent) and
#                        an entropy device
#   make debug           the same, stopped for gdb on :1234
#   make clean
#
# Variables: DISK=path (or DISK=none), RNG=none (no entropy device),
# DEVICES="net gpu keyboard serial" (or none: only the disk and the rng),
# CONSOLE=virtio (the shell on a virtio console sharing stdio), APPEND="bootargs", QEMU_EXTRA="args", and the QEMU_* ones of scripts/qemu.sh;
# SKIP_SETUP=1 (do not check the Debian packages first).

BUILD      := build
CROSS      ?= riscv64-unknown-elf-
GCC        := $(CROSS)gcc
OBJCOPY    := $(CROSS)objcopy
CLANG      ?= clang
LLD        ?= ld.lld
# Debian's interpreter: python3-pexpect (scripts/setup.sh) is installed for it,
# whatever other python3 comes first on PATH.
PYTHON     ?= $(firstword $(wildcard /usr/bin/python3) python3)

DISK       ?= $(BUILD)/disk.img
DISK_SIZE  ?= 64M

# The VirtIO library describes its own sources (every driver, both
# transports); the kernel compiles them with its own rules, twice, with
# its own platform hooks (VIRTIO_CFLAGS carries them to every object).
VIRTIO_DIR := drivers/virtio
VIRTIO_PLATFORM_HEADER := kernel/virtio/virtio_platform.h
include $(VIRTIO_DIR)/virtio.mk

KERNEL_SRCS := $(wildcard boot/*.S) $(wildcard kernel/*.c kernel/*/*.c) $(wildcard lib/*.c) \
	       $(wildcard drivers/uart/*.c)
SRCS        := $(KERNEL_SRCS) $(VIRTIO_SRCS)

ARCH_FLAGS := -march=rv64gc -mabi=lp64d -mcmodel=medany
# -fno-strict-aliasing: lib/string.c copies words through uintptr_t pointers
CFLAGS_COMMON := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding -nostdlib \
		 -fno-common -fno-stack-protector -fno-pic -fno-strict-aliasing \
		 $(ARCH_FLAGS) -I. $(VIRTIO_CFLAGS) -MMD -MP
# gcc would otherwise turn the loops in memset/memcpy into calls to themselves
GCC_CFLAGS   := $(CFLAGS_COMMON) -fno-tree-loop-distribute-patterns
# ld.lld 14 cannot relax, and relaxable objects break on any .balign
CLANG_CFLAGS := $(CFLAGS_COMMON) --target=riscv64 -mno-relax

GCC_OBJS   := $(patsubst %,$(BUILD)/gcc/%.o,$(basename $(SRCS)))
CLANG_OBJS := $(patsubst %,$(BUILD)/clang/%.o,$(basename $(SRCS)))

# Objects depend on the flags they were built with: a changed define (say a
# new VIRTIO_PLATFORM_HEADER) rebuilds everything instead of linking stale
# objects.  The stamp is rewritten only when the flags differ.
flags_stamp = $(if $(filter-out $(file <$(1)),$(2))$(filter-out $(2),$(file <$(1))),\
	$(shell mkdir -p $(dir $(1)))$(file >$(1),$(2)))
GCC_STAMP   := $(BUILD)/gcc/cflags.stamp
CLANG_STAMP := $(BUILD)/clang/cflags.stamp
$(call flags_stamp,$(GCC_STAMP),$(GCC_CFLAGS))
$(call flags_stamp,$(CLANG_STAMP),$(CLANG_CFLAGS))

# read by scripts/qemu.sh
export APPEND RNG DEVICES CONSOLE QEMU_EXTRA QEMU_CACHE QEMU_AIO QEMU_SMP QEMU_MEM

.PHONY: all kernel kernel-clang run debug clean setup-check

all: kernel

kernel: $(BUILD)/kernel.elf $(BUILD)/kernel.bin

kernel-clang: $(BUILD)/clang/kernel.elf $(BUILD)/clang/kernel.bin

# Checked before anything is compiled; order-only, so it never forces a
# rebuild.  Cheap when every package is installed.  `make run` and `make
# debug` install what is missing, as `make check` does (as root; a user gets
# the sudo line to run); the other targets only report it.
SETUP_MODE := $(if $(filter run debug,$(MAKECMDGOALS)),,--check)
setup-check:
ifeq ($(SKIP_SETUP),)
	@scripts/setup.sh $(SETUP_MODE)
endif

$(BUILD)/gcc/%.o: %.c $(GCC_STAMP) | setup-check
	@mkdir -p $(@D)
	$(GCC) $(GCC_CFLAGS) -c $< -o $@

$(BUILD)/gcc/%.o: %.S $(GCC_STAMP) | setup-check
	@mkdir -p $(@D)
	$(GCC) $(GCC_CFLAGS) -c $< -o $@

$(BUILD)/clang/%.o: %.c $(CLANG_STAMP) | setup-check
	@mkdir -p $(@D)
	$(CLANG) $(CLANG_CFLAGS) -c $< -o $@

$(BUILD)/clang/%.o: %.S $(CLANG_STAMP) | setup-check
	@mkdir -p $(@D)
	$(CLANG) $(CLANG_CFLAGS) -c $< -o $@

$(BUILD)/kernel.elf: $(GCC_OBJS) linker.ld
	$(GCC) $(GCC_CFLAGS) -static -T linker.ld -Wl,--build-id=none \
		-Wl,-Map=$(BUILD)/gcc/kernel.map -o $@ $(GCC_OBJS)

$(BUILD)/clang/kernel.elf: $(CLANG_OBJS) linker.ld
	$(LLD) -T linker.ld --build-id=none -Map=$(BUILD)/clang/kernel.map -o $@ $(CLANG_OBJS)

%.bin: %.elf
	$(OBJCOPY) -O binary $< $@

# A recognisable test disk: see scripts/mkdisk.py.
ifneq ($(DISK),none)
RUN_DISK := $(DISK)
$(DISK): | setup-check
	@mkdir -p $(dir $@)
	$(PYTHON) scripts/mkdisk.py --size $(DISK_SIZE) $@
endif

run: kernel $(RUN_DISK)
	KERNEL=$(BUILD)/kernel.elf DISK=$(DISK) scripts/qemu.sh

debug: kernel $(RUN_DISK)
	KERNEL=$(BUILD)/kernel.elf DISK=$(DISK) scripts/qemu.sh --debug

clean:
	rm -rf $(BUILD)

-include $(GCC_OBJS:.o=.d) $(CLANG_OBJS:.o=.d)

# The lead's test targets (check, test-host, fuzz, bench).
-include tests/tests.mk

# The library's source list, for scripts (scripts/cross_build.sh).
.PHONY: print-virtio-srcs
print-virtio-srcs:
	@echo $(VIRTIO_SRCS)
