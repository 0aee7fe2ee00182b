# User programs and the initramfs. Included by the top-level Makefile.
# Two kinds of program, both installed in the initramfs as /bin/<name> or /tests/<name>:
#  - user/bare/{bin,tests}/*.c: no C library, linked with user/lib's own start-up code;
#  - user/tests/*.c: ordinary C programs with Debian's static glibc.

UCC      := $(UCROSS)gcc
USTRIP   := $(UCROSS)strip
UCFLAGS  := -std=c11 -static -nostdlib -ffreestanding -fno-builtin -O2 -g -Wall -Wextra -Werror \
            -march=rv64gc -mabi=lp64d -msmall-data-limit=0 -fno-pie -fno-stack-protector \
            -fno-tree-loop-distribute-patterns -Iuser/lib -MMD -MP
ULDFLAGS := -static -nostdlib -no-pie -Wl,--build-id=none

ULIB_SRCS := $(sort $(wildcard user/lib/*.c user/lib/*.S))
ULIB_OBJS := $(patsubst user/%,$(BUILD)/user/%.o,$(basename $(ULIB_SRCS)))
UPROG_SRCS := $(sort $(wildcard user/bare/bin/*.c user/bare/tests/*.c))
UPROGS   := $(patsubst user/%.c,$(BUILD)/user/%,$(UPROG_SRCS))
GPROG_SRCS := $(sort $(wildcard user/tests/*.c))
GPROGS   := $(patsubst user/%.c,$(BUILD)/user/glibc/%,$(GPROG_SRCS))
GCFLAGS  := -std=c11 -D_GNU_SOURCE -static -O2 -g -Wall -Wextra -Werror -MMD -MP
ROOTFS   := $(BUILD)/rootfs
# Malformed executables for user/tests/exec.c, installed as /tests/bad/<name> (scripts/mkbadelf.py).
BADELF_BASE := $(BUILD)/user/bare/bin/hello
BADELF_DIR  := $(BUILD)/user/badelf
BADELF      := $(BADELF_DIR)/.stamp

.PHONY: user
user: $(UPROGS) $(GPROGS) $(BADELF) $(INITRAMFS)

$(BUILD)/user/glibc/%: user/%.c
	@mkdir -p $(dir $@)
	$(UCC) $(GCFLAGS) $< -o $@

# The thread tests are built the way a user builds a pthreads program (glibc 2.36 has
# libpthread inside libc; -pthread also defines _REENTRANT).
$(BUILD)/user/glibc/tests/threads $(BUILD)/user/glibc/tests/threadsem $(BUILD)/user/glibc/tests/futex_ops: GCFLAGS += -pthread

# -- fsverify -- fs_ext2 is linked dynamically (ld.so and libc.so.6 are in /lib): a static
# copy would push the initramfs past the 32 MiB image limit.
$(BUILD)/user/glibc/tests/fs_ext2: GCFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -MMD -MP
# (end of fsverify)

# rwx has only read+write+execute PT_LOADs, as some course suites ship (scripts/mkrwx.py).
$(BUILD)/user/glibc/tests/rwx: user/tests/rwx.c scripts/mkrwx.py
	@mkdir -p $(dir $@)
	$(UCC) $(GCFLAGS) $< -o $@.tmp
	python3 scripts/mkrwx.py $@.tmp && mv $@.tmp $@

$(BADELF): $(BADELF_BASE) scripts/mkbadelf.py
	@echo "  BADELF  $(BADELF_DIR)"
	@rm -rf $(BADELF_DIR) && mkdir -p $(BADELF_DIR)
	@$(USTRIP) -o $(BADELF_DIR).base $(BADELF_BASE)
	@python3 scripts/mkbadelf.py $(BADELF_DIR).base $(BADELF_DIR)
	@touch $@

# Keep the objects (make would delete them as intermediates).
.SECONDARY: $(ULIB_OBJS) $(UPROGS:=.o)

$(BUILD)/user/%.o: user/%.c user/user.mk
	@mkdir -p $(dir $@)
	@echo "  UCC     $<"
	@$(UCC) $(UCFLAGS) -c $< -o $@

$(BUILD)/user/%.o: user/%.S user/user.mk
	@mkdir -p $(dir $@)
	@echo "  UAS     $<"
	@$(UCC) $(UCFLAGS) -c $< -o $@

# One program is a position-independent executable (ET_DYN without an interpreter), built
# without user/lib (binutils crashes linking its non-PIC objects into a PIE).
$(BUILD)/user/bare/tests/pie: user/bare/tests/pie.c
	@mkdir -p $(dir $@)
	@echo "  UPIE    $@"
	@$(UCC) -std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -fPIE -fno-jump-tables -nostdlib \
	  -pie -Wl,--no-dynamic-linker -Wl,--build-id=none $< -o $@

$(BUILD)/user/%: $(BUILD)/user/%.o $(ULIB_OBJS)
	@echo "  ULD     $@"
	@$(UCC) $(ULDFLAGS) $^ -lgcc -o $@

# The staging tree is rebuilt from scratch so removed programs disappear.
# Sorted names, owner root, fixed mtimes: the archive is reproducible.
$(INITRAMFS): $(UPROGS) $(GPROGS) $(BENCH_PROGS) $(BADELF)
	@echo "  CPIO    $@"
	@rm -rf $(ROOTFS) && mkdir -p $(ROOTFS)/bin $(ROOTFS)/tests/bad
	@cp $(BADELF_DIR)/* $(ROOTFS)/tests/bad/
	@for p in $(UPROGS); do $(USTRIP) -o $(ROOTFS)/$${p#$(BUILD)/user/bare/} $$p || exit 1; done
	@for p in $(GPROGS); do $(USTRIP) -o $(ROOTFS)/$${p#$(BUILD)/user/glibc/} $$p || exit 1; done
	@$(call userland-install,$(ROOTFS))
	@$(call dyn-install,$(ROOTFS))
	@if [ -n "$(strip $(BENCH_PROGS))" ]; then mkdir -p $(ROOTFS)/bench && \
	  for p in $(BENCH_PROGS); do $(USTRIP) -o $(ROOTFS)/bench/$$(basename $$p) $$p || exit 1; done; fi
	@# -- fsverify -- one binary, three modes chosen by name (user/tests/fs_ext2.c)
	@ln -s fs_ext2 $(ROOTFS)/tests/fs_crash && ln -s fs_ext2 $(ROOTFS)/tests/fs_bench
	@# (end of fsverify)
	@chmod -R u=rwX,go=rX $(ROOTFS) && find $(ROOTFS) -exec touch -h -d @0 {} +
	@cd $(ROOTFS) && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort | \
	  cpio -o -H newc --quiet --reproducible -R 0:0 > $(abspath $@).tmp
	@mv $@.tmp $@
