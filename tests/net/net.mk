# Host unit tests of the kernel's network stack (kernel/net/), with the
# fake device and clock of tests/net/fake.c and the host tests' runner.
# Included from tests/tests.mk.
#   make test-net           build build/net/unit and run every case
#   build/net/unit arp      only the cases whose name contains "arp"
NET_TEST_SRCS := $(wildcard kernel/net/*.c) $(wildcard tests/net/*.c) lib/printf.c \
	tests/host/harness/unit.c $(wildcard tests/host/sim/*.c)
NET_BUILD := build/net
NET_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I. -Itests/host -Idrivers/virtio/include -Itests/net
NET_OBJS := $(patsubst %.c,$(NET_BUILD)/%.o,$(NET_TEST_SRCS))

$(NET_BUILD)/unit: $(NET_OBJS)
	$(HOST_CC) $(NET_CFLAGS) -o $@ $(NET_OBJS)

$(NET_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(NET_CFLAGS) -MMD -MP -c $< -o $@

-include $(NET_OBJS:.o=.d)

.PHONY: test-net
test-net: $(NET_BUILD)/unit
	$(NET_BUILD)/unit
