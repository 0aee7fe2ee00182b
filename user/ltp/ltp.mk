# The Linux Test Project runner (docs/testing.md, "LTP"). Included by the top-level Makefile.
# LTP itself is not part of this tree: the user builds it (static, riscv64) and passes its
# install prefix or build tree as LTP_DIR. scripts/ltp.py packs the chosen test programs with
# build/initramfs.cpio into one archive per batch and boots it with user/ltp/ltprun as pid 1.
#   make ltp LTP_DIR=...                  every test of LTP's runtest/syscalls
#   make ltp LTP_DIR=... LTP_TESTS="a b"  only these (names from runtest/syscalls)
#   LTP_TIMEOUT (seconds per test, 30), LTP_SMP (harts, 1), LTP_ARGS (more scripts/ltp.py options)

LTPRUN := $(BUILD)/user/ltp/ltprun
all: $(LTPRUN)

$(LTPRUN): user/ltp/ltprun.c user/ltp/ltp.mk
	@mkdir -p $(dir $@)
	$(UCROSS)gcc -std=c11 -D_GNU_SOURCE -static -O2 -Wall -Wextra -Werror $< -o $@

.PHONY: ltp
ltp: kernel $(LTPRUN)
	@python3 scripts/ltp.py $(if $(LTP_DIR),--ltp-dir "$(LTP_DIR)") \
	  $(if $(LTP_TESTS),--tests "$(LTP_TESTS)") $(if $(LTP_TIMEOUT),--timeout $(LTP_TIMEOUT)) \
	  $(if $(LTP_SMP),--smp $(LTP_SMP)) $(LTP_ARGS)
