# Benchmarks (docs/benchmarks.md) and the trap-flow scenario (docs/trap-flow.md, "A real run").
# Included by the top-level Makefile. Every program in user/bench/ is one C file built twice:
#  - for the guest, static glibc, into $(BUILD)/bench/<name>; user.mk installs $(BENCH_PROGS)
#    in the initramfs as /bench/<name>;
#  - for the build machine, into $(BUILD)/bench-host/<name>, to compare with Linux.
# run-smoke and run-all5 are copies of run-all that choose their mode by their name (the kernel
# passes no arguments to the programs it starts).

BENCH_NAMES     := lat_syscall lat_ctx lat_proc lat_pagefault lat_sig bw_pipe lat_mmap \
                   hello run-all trapdemo_a trapdemo_b
BENCH_CFLAGS    := -std=c11 -D_GNU_SOURCE -static -O2 -Wall -Wextra -Werror
BENCH_HOSTCC    ?= gcc
BENCH_DIR       := $(BUILD)/bench
BENCH_HOST_DIR  := $(BUILD)/bench-host
BENCH_PROGS     := $(addprefix $(BENCH_DIR)/,$(BENCH_NAMES) run-smoke run-all5)
BENCH_HOST_PROGS := $(addprefix $(BENCH_HOST_DIR)/,$(BENCH_NAMES))

.PHONY: bench bench-smoke bench-progs trapflow
bench-progs: $(BENCH_PROGS) $(BENCH_HOST_PROGS)

$(BENCH_DIR)/%: user/bench/%.c user/bench/bench.h user/bench/bench.mk
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	@$(UCROSS)gcc $(BENCH_CFLAGS) $< -o $@

$(BENCH_DIR)/run-smoke $(BENCH_DIR)/run-all5: $(BENCH_DIR)/run-all
	@cp $< $@

$(BENCH_HOST_DIR)/%: user/bench/%.c user/bench/bench.h user/bench/bench.mk
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(BENCH_HOSTCC) $(BENCH_CFLAGS) $< -o $@

# The full suite: QEMU with -icount, QEMU wall clock (medians of 5), the host (medians of 5).
bench: kernel $(BENCH_PROGS) $(BENCH_HOST_PROGS)
	@python3 scripts/bench.py

# Every benchmark once with tiny counts in the guest (PASS/FAIL lines; part of make test).
bench-smoke: kernel $(BENCH_PROGS)
	@python3 scripts/bench.py --smoke

# Boot the scenario of user/bench/trapdemo_{a,b}.c with trace=1 and render build/trapflow.{txt,svg}.
trapflow: kernel $(BENCH_PROGS)
	@python3 scripts/bench.py --trapflow
