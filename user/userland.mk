# The interactive userland: init, the shell and the multi-call "box" tools, ordinary static
# glibc programs. Included by the top-level Makefile after user/user.mk.
#   $(USERLAND_BINS)                   the riscv64 programs
#   $(call userland-install,DIR)       recipe lines that install them into a root directory
#   make userland-host-test            builds them for this host and runs the host tests

USERLAND_CFLAGS   := -std=c11 -D_GNU_SOURCE -static -O2 -Wall -Wextra -Werror
USERLAND_DIR      := $(BUILD)/userland
USERLAND_HOST_DIR := $(BUILD)/userland-host

USERLAND_SH_SRCS  := $(sort $(wildcard user/sh/*.c))
USERLAND_BOX_SRCS := $(sort $(wildcard user/box/*.c))
USERLAND_SH_DEPS  := $(USERLAND_SH_SRCS) $(wildcard user/sh/*.h)
USERLAND_BOX_DEPS := $(USERLAND_BOX_SRCS) $(wildcard user/box/*.h)

# Every name box answers to (box with no arguments prints the same list).
USERLAND_TOOLS := [ basename cat chmod clear cp date dirname echo env false free grep head \
                  kill ln ls mkdir mv poweroff ps pwd reboot rm rmdir seq sleep stat sync \
                  tail tee test touch true uname uptime wc yes \
                  dd mount umount df

USERLAND_BINS      := $(USERLAND_DIR)/init $(USERLAND_DIR)/sh $(USERLAND_DIR)/box
USERLAND_HOST_BINS := $(USERLAND_HOST_DIR)/init $(USERLAND_HOST_DIR)/sh $(USERLAND_HOST_DIR)/box

.PHONY: userland userland-host userland-host-test
userland: $(USERLAND_BINS)
userland-host: $(USERLAND_HOST_BINS)

$(USERLAND_DIR)/init: user/init/init.c
	@mkdir -p $(dir $@)
	$(UCROSS)gcc $(USERLAND_CFLAGS) $< -o $@

$(USERLAND_DIR)/sh: $(USERLAND_SH_DEPS)
	@mkdir -p $(dir $@)
	$(UCROSS)gcc $(USERLAND_CFLAGS) $(USERLAND_SH_SRCS) -o $@

$(USERLAND_DIR)/box: $(USERLAND_BOX_DEPS)
	@mkdir -p $(dir $@)
	$(UCROSS)gcc $(USERLAND_CFLAGS) $(USERLAND_BOX_SRCS) -o $@

$(USERLAND_HOST_DIR)/init: user/init/init.c
	@mkdir -p $(dir $@)
	gcc $(USERLAND_CFLAGS) $< -o $@

$(USERLAND_HOST_DIR)/sh: $(USERLAND_SH_DEPS)
	@mkdir -p $(dir $@)
	gcc $(USERLAND_CFLAGS) $(USERLAND_SH_SRCS) -o $@

$(USERLAND_HOST_DIR)/box: $(USERLAND_BOX_DEPS)
	@mkdir -p $(dir $@)
	gcc $(USERLAND_CFLAGS) $(USERLAND_BOX_SRCS) -o $@

# Prints "PASS userland/<name>" or "FAIL userland/<name>: why" per check; fails if any failed.
# With qemu-riscv64 installed, the riscv64 programs also get a smoke test under user-mode QEMU.
userland-host-test: $(USERLAND_HOST_BINS) $(USERLAND_BINS)
	python3 user/tests/host/userland-test.py $(USERLAND_HOST_DIR) $(USERLAND_DIR)

# Installs into $(1): /init and /sbin/init, /bin/sh, /bin/box plus a symlink per tool,
# /etc/motd, and the empty mount points /tmp, /dev, /proc.
define userland-install
	@mkdir -p $(1)/bin $(1)/sbin $(1)/etc $(1)/tmp $(1)/dev $(1)/proc
	@$(UCROSS)strip -o $(1)/init $(USERLAND_DIR)/init
	@cp $(1)/init $(1)/sbin/init
	@$(UCROSS)strip -o $(1)/bin/sh $(USERLAND_DIR)/sh
	@$(UCROSS)strip -o $(1)/bin/box $(USERLAND_DIR)/box
	@for t in $(USERLAND_TOOLS); do ln -sfn box "$(1)/bin/$$t" || exit 1; done
	@cp user/init/motd $(1)/etc/motd
endef

# The initramfs (user/user.mk) needs these built before its recipe installs them.
ifdef INITRAMFS
$(INITRAMFS): $(USERLAND_BINS) user/init/motd
endif
