# Build, run and test the kernel. `make run` and `make test` install missing Debian packages first.

ARCH      := riscv
KCROSS    := riscv64-unknown-elf-
UCROSS    := riscv64-linux-gnu-
BUILD     := build
QEMU      := qemu-system-riscv64

KCC       := $(KCROSS)gcc
KOBJCOPY  := $(KCROSS)objcopy
KOBJDUMP  := $(KCROSS)objdump
KNM       := $(KCROSS)nm

KCFLAGS   := -std=c11 -Wall -Wextra -Werror -O2 -g \
             -ffreestanding -fno-builtin -nostdlib -fno-common -fno-pie -fno-stack-protector \
             -mcmodel=medany -march=rv64imac_zicsr_zifencei -mabi=lp64 -mno-relax \
             -fno-jump-tables -fno-omit-frame-pointer \
             -Ikernel -Ikernel/arch/$(ARCH) -MMD -MP
# Assembly may touch the FPU registers (to save user state); C never does.
KASFLAGS  := -march=rv64gc_zicsr_zifencei -mabi=lp64 -mcmodel=medany -mno-relax -g \
             -Ikernel -Ikernel/arch/$(ARCH) -MMD -MP
# No libgcc: Debian's bare-metal one is built for lp64d only, so the kernel must not need it.
KLDFLAGS  := -nostdlib -static -T kernel/arch/$(ARCH)/kernel.ld -Wl,--no-relax -Wl,-z,max-page-size=4096

KSRCS_C   := $(shell find kernel -name '*.c' -not -path 'kernel/tests/*' | sort)
KSRCS_S   := $(shell find kernel -name '*.S' -not -path 'kernel/tests/*' | sort)
KOBJS     := $(patsubst %.c,$(BUILD)/%.o,$(KSRCS_C)) $(patsubst %.S,$(BUILD)/%.o,$(KSRCS_S))

INITRAMFS := $(BUILD)/initramfs.cpio

.PHONY: all kernel user run test gdb clean deps host-test guest-test
all: kernel

deps:
	@sh scripts/deps.sh

kernel: $(BUILD)/kernel.elf $(BUILD)/kernel.bin $(BUILD)/kernel.asm $(BUILD)/kernel.sym

-include user/bench/bench.mk
include user/user.mk
include user/userland.mk
include user/dyn/dyn.mk
-include platform/platform.mk
include user/ltp/ltp.mk

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(KCC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(KCC) $(KASFLAGS) -c $< -o $@

# The embedded initramfs is pulled in by .incbin, so its object depends on the archive.
$(BUILD)/kernel/fs/initramfs_blob.o: $(INITRAMFS)
$(BUILD)/kernel/fs/initramfs_blob.o: KASFLAGS += -DINITRAMFS_PATH='"$(INITRAMFS)"'

# Two links: the first one's function addresses become the symbol table (.ksyms, placed after
# .text so no function moves) that the second link embeds for symbolized backtraces.
$(BUILD)/ksyms0.S:
	@mkdir -p $(BUILD)
	python3 scripts/mksyms.py < /dev/null > $@

$(BUILD)/%.o: $(BUILD)/%.S
	$(KCC) $(KASFLAGS) -c $< -o $@

$(BUILD)/kernel.elf: $(KOBJS) $(BUILD)/ksyms0.o kernel/arch/$(ARCH)/kernel.ld scripts/mksyms.py
	@echo "  LD      $@"
	@$(KCC) $(KCFLAGS) $(KLDFLAGS) $(KOBJS) $(BUILD)/ksyms0.o -o $(BUILD)/kernel.pass1.elf
	@$(KNM) -n $(BUILD)/kernel.pass1.elf | python3 scripts/mksyms.py > $(BUILD)/ksyms.S
	@$(KCC) $(KASFLAGS) -c $(BUILD)/ksyms.S -o $(BUILD)/ksyms.o
	@$(KCC) $(KCFLAGS) $(KLDFLAGS) $(KOBJS) $(BUILD)/ksyms.o -o $@
	@$(KNM) -n $(BUILD)/kernel.pass1.elf | grep -i ' t ' > $(BUILD)/pass1.syms
	@$(KNM) -n $@ | grep -i ' t ' > $(BUILD)/pass2.syms
	@cmp -s $(BUILD)/pass1.syms $(BUILD)/pass2.syms || { echo "ksyms: text moved between links"; exit 1; }
	@# OpenSBI's fw_jump puts the device tree 32 MiB above the kernel's load address: the
	@# image with its .bss (the embedded initramfs included) must end below it (docs/boot.md).
	@sz=$$($(KNM) $@ | awk '$$3 == "_image_size" { print $$1 }'); \
	  [ $$((0x$$sz)) -le $$((0x2000000)) ] || { echo "kernel: image_size 0x$$sz exceeds 32 MiB: it would cover fw_jump's device tree (shrink the initramfs)"; rm -f $@; exit 1; }

$(BUILD)/kernel.bin: $(BUILD)/kernel.elf
	$(KOBJCOPY) -O binary $< $@

$(BUILD)/kernel.asm: $(BUILD)/kernel.elf
	$(KOBJDUMP) -d -S $< > $@

$(BUILD)/kernel.sym: $(BUILD)/kernel.elf
	$(KNM) -n $< > $@

# Interactive boot. BOOTARGS and QEMU_EXTRA may be overridden on the command line.
SMP       ?= 1
MEM       ?= 256M
BOOTARGS  ?=
QEMU_VIRT := $(QEMU) -machine virt -m $(MEM) -smp $(SMP) -nographic -bios default \
             -kernel $(BUILD)/kernel.bin
# -- blk -- : make run attaches build/disk.img (ext2, made once by scripts/mkdiskimg.py) as
# /dev/vda; init mounts it at /home. DISK= names another image, DISK= (empty) attaches none.
DISK      ?= $(BUILD)/disk.img
COMMA     := ,
DISK_ARGS  = $(if $(DISK),-drive file=$(DISK)$(COMMA)format=raw$(COMMA)if=none$(COMMA)id=d0 -device virtio-blk-device$(COMMA)drive=d0)
# (end of blk)
run: deps
	$(MAKE) all
	$(if $(DISK),python3 scripts/mkdiskimg.py $(DISK))
	$(QEMU_VIRT) $(if $(BOOTARGS),-append "$(BOOTARGS)") $(DISK_ARGS) $(QEMU_EXTRA)

# QEMU waits for the debugger on :1234; gdb loads the kernel's symbols (see docs/debugging.md).
gdb: deps
	$(MAKE) all
	$(QEMU_VIRT) $(if $(BOOTARGS),-append "$(BOOTARGS)") -s -S $(QEMU_EXTRA) & \
	  gdb-multiarch -q $(BUILD)/kernel.elf -ex 'set architecture riscv:rv64' \
	    -ex 'target remote localhost:1234'; kill %1 2>/dev/null || true

test: deps
	$(MAKE) all
	@sh scripts/test-all.sh

host-test:
	@sh scripts/host-tests.sh

guest-test: all
	@python3 scripts/qemu-test.py

# -- fsverify -- the kill test with many kills (make test runs 3); CRASH_KILLS, CRASH_SEED
CRASH_KILLS ?= 20
crash: all
	python3 scripts/crash-test.py --kills $(CRASH_KILLS) $(if $(CRASH_SEED),--seed $(CRASH_SEED))
# The ext2 libFuzzer target for FUZZ_TIME seconds (make test runs 45).
FUZZ_TIME ?= 300
fuzz:
	FUZZ_TIME=$(FUZZ_TIME) sh scripts/fuzz.sh
.PHONY: crash fuzz
# (end of fsverify)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
