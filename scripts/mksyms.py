#!/usr/bin/env python3
"""Turn `nm -n kernel.elf` output (stdin) into an assembly file holding the kernel's
function-name table (.ksyms section), used by ksyms_format() for backtraces."""
import sys

def main():
    syms = []
    for line in sys.stdin:
        parts = line.split()
        if len(parts) == 3 and parts[1] in "Tt" and not parts[2].startswith(".L"):
            syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    out = ['    .section .ksyms, "a"', "    .balign 8",
           "    .globl ksyms_count, ksyms_addrs, ksyms_name_offsets, ksyms_names",
           "ksyms_count:", f"    .dword {len(syms)}", "ksyms_addrs:"]
    out += [f"    .dword {addr:#x}" for addr, _ in syms]
    out.append("ksyms_name_offsets:")
    offset = 0
    for _, name in syms:
        out.append(f"    .word {offset}")
        offset += len(name) + 1
    out.append("ksyms_names:")
    out += [f'    .asciz "{name}"' for _, name in syms]
    out.append("    .byte 0")
    print("\n".join(out))

main()
