# Host unit tests of the VirtIO library against the simulated device.
# Included from the top-level Makefile; paths are relative to the repo root.
#   make test-host          build build/host/unit and run every case
#   build/host/unit blk     run only the cases whose name contains "blk"
#   VIRTIO_TEST_VERBOSE=1   log what the library and the simulator do

HOST_CC ?= cc
HOST_VIRTIO_SRCS := $(VIRTIO_SRCS)
HOST_TEST_SRCS := $(wildcard tests/host/*/*.c tests/host/*/*/*.c)
HOST_BUILD := build/host
HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-DVIRTIO_PLATFORM_HEADER='"sim/sim_platform.h"' \
	-Idrivers/virtio/include -Itests/host
HOST_OBJS := $(patsubst %.c,$(HOST_BUILD)/%.o,$(HOST_VIRTIO_SRCS) $(HOST_TEST_SRCS))

$(HOST_BUILD)/unit: $(HOST_OBJS)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $(HOST_OBJS)

$(HOST_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

-include $(HOST_OBJS:.o=.d)

.PHONY: test-host
test-host: $(HOST_BUILD)/unit
	$(HOST_BUILD)/unit
