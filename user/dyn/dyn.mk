# Dynamically linked programs and the shared libraries they need. Included by the top-level
# Makefile. Everything is built with the cross gcc's defaults (PIE, PT_INTERP naming
# /lib/ld-linux-riscv64-lp64d.so.1, libc.so.6 as DT_NEEDED); see docs/elf-and-initramfs.md.
#   user/dyn/*.c          -> /tests/dyn_<name>
#   DYN_REBUILT tests     -> /tests/dyn_<name>: user/tests/<name>.c linked dynamically
#   user/dyn/lib/*.c      -> /usr/lib/lib<name>.so (for dlopen and DT_NEEDED tests)
#   /tests/dynrun-<name>  -> symlink to dyn_run, the guest cases' driver (user/dyn/run.c)
#   /tests/dynbad/*       -> broken interpreters and PT_INTERPs (scripts/mkbadinterp.py)
# The loader and the libraries from Debian's libc6-riscv64-cross and libgcc-s1-riscv64-cross
# are copied into /lib from the host at build time (never committed).

DYN_CFLAGS  := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -fno-builtin -MMD -MP
DYN_DIR     := $(BUILD)/user/dyn
DYN_SRCS    := $(sort $(wildcard user/dyn/*.c))
DYN_REBUILT := basic signals f_basic threads futex_ops timer_epoll
DYN_PROGS   := $(patsubst user/dyn/%.c,$(DYN_DIR)/dyn_%,$(DYN_SRCS)) \
               $(patsubst %,$(DYN_DIR)/dyn_%,$(DYN_REBUILT))
DYN_LIB_SRCS := $(sort $(wildcard user/dyn/lib/*.c))
DYN_LIBS    := $(patsubst user/dyn/lib/%.c,$(DYN_DIR)/lib%.so,$(DYN_LIB_SRCS))
DYN_RUN_NAMES := $(filter-out run,$(patsubst $(DYN_DIR)/dyn_%,%,$(DYN_PROGS)))
DYN_BAD     := $(DYN_DIR)/bad/.stamp
# The host's copies of what goes into the guest's /lib (asked from the cross gcc, so the
# Debian multiarch layout is not hard-coded).
DYN_HOST_LIBS := ld-linux-riscv64-lp64d.so.1 libc.so.6 libm.so.6 libgcc_s.so.1
DYN_HOST_PATHS = $(foreach l,$(DYN_HOST_LIBS),$(shell $(UCC) -print-file-name=$(l)))

# Extra link flags per program.
DYN_LDLIBS_libm    := -lm
DYN_LDLIBS_dlopen  := -ldl
DYN_LDLIBS_needed  := -L$(DYN_DIR) -ldyntest
DYN_LDLIBS_nopie   := -no-pie
# A plain `gcc -pthread prog.c` (glibc 2.36 keeps libpthread in libc.so.6; the flag must still work).
DYN_LDLIBS_threads := -pthread
DYN_LDLIBS_futex_ops := -pthread

$(DYN_DIR)/lib%.so: user/dyn/lib/%.c user/dyn/dyn.mk
	@mkdir -p $(dir $@)
	@echo "  USO     $@"
	@$(UCC) $(DYN_CFLAGS) -fPIC -shared -Wl,-soname,lib$*.so $< -o $@

$(DYN_DIR)/dyn_%: user/dyn/%.c user/dyn/dyn.mk $(DYN_LIBS)
	@mkdir -p $(dir $@)
	@echo "  UDYN    $@"
	@$(UCC) $(DYN_CFLAGS) $< -o $@ $(DYN_LDLIBS_$*)

$(DYN_DIR)/dyn_%: user/tests/%.c user/dyn/dyn.mk
	@mkdir -p $(dir $@)
	@echo "  UDYN    $@"
	@$(UCC) $(filter-out -fno-builtin,$(DYN_CFLAGS)) $< -o $@ $(DYN_LDLIBS_$*)

$(DYN_BAD): $(DYN_DIR)/dyn_hello scripts/mkbadinterp.py
	@echo "  BADINT  $(dir $@)"
	@rm -rf $(dir $@) && mkdir -p $(dir $@)
	@python3 scripts/mkbadinterp.py $(DYN_DIR)/dyn_hello $(firstword $(DYN_HOST_PATHS)) $(dir $@)
	@touch $@

# Recipe lines installing all of it into the root directory $(1).
define dyn-install
	@mkdir -p $(1)/lib $(1)/usr/lib $(1)/tests/dynbad
	@for l in $(DYN_HOST_PATHS); do [ -f "$$l" ] || { echo "dyn: $$l missing (apt-get install libc6-riscv64-cross)"; exit 1; }; \
	  $(USTRIP) --strip-unneeded -o $(1)/lib/$$(basename $$l) $$l || exit 1; done
	@for l in $(DYN_LIBS); do $(USTRIP) --strip-unneeded -o $(1)/usr/lib/$$(basename $$l) $$l || exit 1; done
	@for p in $(DYN_PROGS); do $(USTRIP) -o $(1)/tests/$$(basename $$p) $$p || exit 1; done
	@for n in $(DYN_RUN_NAMES); do ln -sfn dyn_run $(1)/tests/dynrun-$$n || exit 1; done
	@cp -P $(dir $(DYN_BAD))* $(1)/tests/dynbad/
endef

ifdef INITRAMFS
$(INITRAMFS): $(DYN_PROGS) $(DYN_LIBS) $(DYN_BAD)
endif
