# The part of an example's build that is the same on every board: the
# library (blk over mmio only, its objects in $(OUT)/virtio), the program
# read_sector.c, the link.  A board's Makefile sets CC, CFLAGS, LDFLAGS (with
# its link script), BOARD_OBJS and ELF, then includes this; LINK (default
# $(CC)) links, LIBS (default -lgcc) is what the link takes last.
OUT ?= build
LINK ?= $(CC)
LIBS ?= -lgcc

VIRTIO_DIR := ../../drivers/virtio
VIRTIO_OBJDIR := $(OUT)/virtio
VIRTIO_DEVICES := blk
VIRTIO_TRANSPORTS := mmio
VIRTIO_PLATFORM_HEADER := my_platform.h
include $(VIRTIO_DIR)/virtio.mk

OBJS := $(addprefix $(OUT)/,$(BOARD_OBJS) read_sector.o)
# Only the code that includes the library's headers gets VIRTIO_CFLAGS.
$(OUT)/read_sector.o: CFLAGS += $(VIRTIO_CFLAGS)

$(OUT)/$(ELF): $(OBJS) $(VIRTIO_OBJS) link.ld
	$(LINK) $(LDFLAGS) -o $@ $(OBJS) $(VIRTIO_OBJS) $(LIBS)

vpath %.c ../common
$(OUT)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -I../common -MMD -MP -c $< -o $@
$(OUT)/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@
-include $(OBJS:.o=.d)
