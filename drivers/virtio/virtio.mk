# The VirtIO library for an embedder's Makefile.
#
#   VIRTIO_DIR        := path/to/drivers/virtio
#   VIRTIO_OBJDIR     := $(BUILD)/virtio     # where the objects go (default build/virtio)
#   VIRTIO_DEVICES    := blk                 # optional; default: every device driver below
#   VIRTIO_TRANSPORTS := mmio                # optional; default: every transport below
#   VIRTIO_PLATFORM_HEADER := board/my_platform.h   # optional; your hooks
#   include $(VIRTIO_DIR)/virtio.mk
#
#   $(BUILD)/my_driver.o: CFLAGS += $(VIRTIO_CFLAGS)   # only code that includes virtio/*.h
#   kernel.elf: $(MY_OBJS) $(VIRTIO_OBJS)
#
# Gives:
#   VIRTIO_SRCS      the selected sources (paths under VIRTIO_DIR)
#   VIRTIO_OBJS      their objects under VIRTIO_OBJDIR, built by the rule at the end with
#                    $(CC) $(CFLAGS) $(VIRTIO_CFLAGS): your CFLAGS for the target (-march,
#                    -ffreestanding, ...), never the library's includes on your own code
#   VIRTIO_CFLAGS    the library's include directory and, with VIRTIO_PLATFORM_HEADER, the
#                    -D that selects it plus -I of its directory
#   VIRTIO_INCLUDES  the include directory alone
VIRTIO_DIR ?= drivers/virtio
VIRTIO_OBJDIR ?= build/virtio

# The one source list, one line per group; drivers/virtio/CMakeLists.txt reads
# these lines too.  The core is always built; a transport or a device driver
# when selected.  A new device is one more VIRTIO_DEVICE_SRCS.<name> line.
VIRTIO_CORE_SRCS := core/errors.c core/device.c core/queue.c core/dispatch.c core/recovery.c core/wait.c core/virtq.c core/virtq_split.c core/virtq_packed.c
VIRTIO_TRANSPORT_SRCS.mmio := transport/mmio.c
VIRTIO_TRANSPORT_SRCS.pci := transport/pci.c
VIRTIO_DEVICE_SRCS.blk := devices/blk.c devices/blk_check.c devices/blk_sync.c
VIRTIO_DEVICE_SRCS.rng := devices/rng.c
VIRTIO_DEVICE_SRCS.console := devices/console.c devices/console_ctrl.c
VIRTIO_DEVICE_SRCS.gpu := devices/gpu.c devices/gpu_sync.c
VIRTIO_DEVICE_SRCS.net := devices/net.c devices/net_ctrl.c
VIRTIO_DEVICE_SRCS.input := devices/input.c

# Every name that has a line above.
virtio_group_names = $(sort $(patsubst $(1).%,%,$(filter $(1).%,$(.VARIABLES))))
VIRTIO_ALL_TRANSPORTS := $(call virtio_group_names,VIRTIO_TRANSPORT_SRCS)
VIRTIO_ALL_DEVICES := $(call virtio_group_names,VIRTIO_DEVICE_SRCS)
VIRTIO_TRANSPORTS ?= $(VIRTIO_ALL_TRANSPORTS)
VIRTIO_DEVICES ?= $(VIRTIO_ALL_DEVICES)
$(foreach n,$(filter-out $(VIRTIO_ALL_TRANSPORTS),$(VIRTIO_TRANSPORTS)),\
	$(error virtio.mk: unknown transport '$(n)' (there are: $(VIRTIO_ALL_TRANSPORTS))))
$(foreach n,$(filter-out $(VIRTIO_ALL_DEVICES),$(VIRTIO_DEVICES)),\
	$(error virtio.mk: unknown device '$(n)' (there are: $(VIRTIO_ALL_DEVICES))))

VIRTIO_SRC_NAMES := $(VIRTIO_CORE_SRCS) \
	$(foreach n,$(VIRTIO_TRANSPORTS),$(VIRTIO_TRANSPORT_SRCS.$(n))) \
	$(foreach n,$(VIRTIO_DEVICES),$(VIRTIO_DEVICE_SRCS.$(n)))
VIRTIO_SRCS := $(addprefix $(VIRTIO_DIR)/,$(VIRTIO_SRC_NAMES))
VIRTIO_OBJS := $(patsubst %.c,$(VIRTIO_OBJDIR)/%.o,$(VIRTIO_SRC_NAMES))

VIRTIO_INCLUDES := -I$(VIRTIO_DIR)/include
# Every header of the library, for rules that build it in one command
# without dependency files (the host bench and the fuzzers).
VIRTIO_HEADERS := $(wildcard $(VIRTIO_DIR)/include/virtio/*.h $(VIRTIO_DIR)/include/virtio/wire/*.h \
	$(VIRTIO_DIR)/core/*.h $(VIRTIO_DIR)/transport/*.h $(VIRTIO_DIR)/devices/*.h)
# A quoted #include searches the includer's directory first: a header named
# platform.h would find virtio/platform.h itself, so give yours another name.
VIRTIO_CFLAGS := $(VIRTIO_INCLUDES)
ifneq ($(VIRTIO_PLATFORM_HEADER),)
VIRTIO_CFLAGS += -I$(patsubst %/,%,$(dir $(VIRTIO_PLATFORM_HEADER))) \
	-DVIRTIO_PLATFORM_HEADER='"$(notdir $(VIRTIO_PLATFORM_HEADER))"'
endif

$(VIRTIO_OBJDIR)/%.o: $(VIRTIO_DIR)/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(VIRTIO_CFLAGS) -MMD -MP -c $< -o $@

# Header dependencies, without letting them become the including
# Makefile's default goal.
virtio_goal := $(.DEFAULT_GOAL)
-include $(VIRTIO_OBJS:.o=.d)
.DEFAULT_GOAL := $(virtio_goal)
