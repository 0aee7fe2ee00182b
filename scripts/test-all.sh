#!/bin/sh
# Run every test layer and finish with the line "N passed, N failed".
set -u
mkdir -p build
log=build/test.log
: > "$log"
sh scripts/host-tests.sh 2>&1 | tee -a "$log"
make -s userland-host-test 2>&1 | tee -a "$log"
python3 scripts/qemu-test.py 2>&1 | tee -a "$log"
python3 scripts/host-compare.py 2>&1 | tee -a "$log"
python3 scripts/qemu-test.py --smp 4 2>&1 | tee -a "$log"
python3 scripts/boot-chains.py 2>&1 | tee -a "$log"
python3 scripts/bench.py --smoke 2>&1 | tee -a "$log"
python3 scripts/tests/test_trapflow.py 2>&1 | tee -a "$log"
# -- fsverify -- the kill test: QEMU SIGKILLed while the guest writes ext2 (make crash: many kills)
python3 scripts/crash-test.py --kills 3 2>&1 | tee -a "$log"
FUZZ_TIME=45 sh scripts/fuzz.sh 2>&1 | tee -a "$log"      # the ext2 fuzzer, short (make fuzz: long)
# (end of fsverify)
# LTP regression set: only with LTP_DIR set (make test LTP_DIR=...); otherwise one SKIP line.
python3 scripts/ltp.py --regress user/ltp/regress.txt 2>&1 | tee -a "$log"
passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
