#!/usr/bin/env python3
"""Generate malformed executables for the exec tests (user/tests/exec.c).

Usage: scripts/mkbadelf.py BASE OUTDIR
BASE is a small, valid, static RISC-V ELF64 executable (ET_EXEC, at least two PT_LOADs,
the first one executable and mapping the ELF header). Every file written to OUTDIR is BASE
with one defect, except:
  control   BASE unchanged: must execute (exit status 0)
  x86-64    a valid static x86-64 Linux executable (exit(0)), built here byte by byte
  empty     zero bytes
  text      a line of text
The list of names and what exec.c expects of each is kept in sync with exec.c.
"""

import os
import struct
import sys

PT_LOAD, PT_INTERP = 1, 3
PF_X, PF_W, PF_R = 1, 2, 4

# Offsets into Elf64_Ehdr and Elf64_Phdr.
E_MACHINE, E_ENTRY, E_PHOFF, E_PHENTSIZE, E_PHNUM = 18, 24, 32, 54, 56
P_TYPE, P_FLAGS, P_OFFSET, P_VADDR, P_PADDR, P_FILESZ, P_MEMSZ = 0, 4, 8, 16, 24, 32, 40


def get(b, off, fmt):
    return struct.unpack_from("<" + fmt, b, off)[0]


def put(b, off, fmt, value):
    struct.pack_into("<" + fmt, b, off, value)


def phdr_offsets(b):
    phoff, phentsize, phnum = get(b, E_PHOFF, "Q"), get(b, E_PHENTSIZE, "H"), get(b, E_PHNUM, "H")
    return [phoff + i * phentsize for i in range(phnum)]


def loads(b):
    return [p for p in phdr_offsets(b) if get(b, p + P_TYPE, "I") == PT_LOAD]


def check_base(b):
    if b[:4] != b"\x7fELF" or b[4] != 2 or b[5] != 1 or get(b, E_MACHINE, "H") != 243:
        sys.exit("mkbadelf: base is not a little-endian RISC-V ELF64 file")
    ls = loads(b)
    if len(ls) < 2 or not get(b, ls[0] + P_FLAGS, "I") & PF_X or get(b, ls[0] + P_OFFSET, "Q") != 0:
        sys.exit("mkbadelf: base needs two PT_LOADs, the first executable and at offset 0")


def modified(base, fn):
    b = bytearray(base)
    fn(b)
    return bytes(b)


def set_last_load(field, fmt, value_fn):
    def fn(b):
        p = loads(b)[-1]
        put(b, p + field, fmt, value_fn(b, p))
    return fn


def out_of_file(b):
    """The last PT_LOAD claims file bytes beyond the end of the file (page offsets still agree)."""
    p = loads(b)[-1]
    vaddr = get(b, p + P_VADDR, "Q")
    size = max(get(b, p + P_MEMSZ, "Q"), 16)
    put(b, p + P_OFFSET, "Q", ((len(b) + 0x1fff) & ~0xfff) + (vaddr & 0xfff))
    put(b, p + P_FILESZ, "Q", size)
    put(b, p + P_MEMSZ, "Q", size)


def kernel_half(b):
    p = loads(b)[-1]
    va = 0xffffffc000000000 + (get(b, p + P_VADDR, "Q") & 0xfff)
    put(b, p + P_VADDR, "Q", va)
    put(b, p + P_PADDR, "Q", va)


def make_interp(b):
    """Turn the first program header that is not a PT_LOAD into a PT_INTERP naming a file that
    does not exist (execve fails with ENOENT; user/dyn/errors.c tests the other cases)."""
    for p in phdr_offsets(b):
        if get(b, p + P_TYPE, "I") != PT_LOAD:
            put(b, p + P_TYPE, "I", PT_INTERP)
            put(b, p + P_OFFSET, "Q", len(b))
            put(b, p + P_FILESZ, "Q", len(b"/lib/ld-missing.so.1\0"))
            b.extend(b"/lib/ld-missing.so.1\0")
            return
    sys.exit("mkbadelf: base has no spare program header for PT_INTERP")


def misaligned(b):
    """The first PT_LOAD's file offset no longer agrees with its address modulo the page size."""
    p = loads(b)[0]
    put(b, p + P_OFFSET, "Q", 0x10)


def overlap(b):
    """The last PT_LOAD is moved into the first one's last page (bytes still disjoint: loads)."""
    first, last = loads(b)[0], loads(b)[-1]
    va = (get(b, first + P_VADDR, "Q") & ~0xfff) + (get(b, last + P_OFFSET, "Q") & 0xfff)
    put(b, last + P_VADDR, "Q", va)
    put(b, last + P_PADDR, "Q", va)


def x86_64():
    """ELF header, one R+X PT_LOAD at 0x400000 and: mov eax, 60; xor edi, edi; syscall."""
    code = b"\xb8\x3c\x00\x00\x00\x31\xff\x0f\x05"
    base, size = 0x400000, 64 + 56 + len(code)
    ehdr = (b"\x7fELF\x02\x01\x01" + bytes(9) +
            struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, base + 120, 64, 0, 0, 64, 56, 1, 64, 0, 0))
    phdr = struct.pack("<IIQQQQQQ", PT_LOAD, PF_R | PF_X, 0, base, base, size, size, 0x1000)
    return ehdr + phdr + code


def variants(base):
    m = lambda fn: modified(base, fn)
    return {
        "control": base,
        "badmagic": m(lambda b: b.__setitem__(1, ord("X"))),
        "wrongmachine": m(lambda b: put(b, E_MACHINE, "H", 62)),
        "elf32": m(lambda b: b.__setitem__(4, 1)),
        "bigendian": m(lambda b: b.__setitem__(5, 2)),
        "truncated": base[:40],
        "truncated-phdrs": base[:phdr_offsets(base)[-1] + 20],
        "segment-out-of-range": m(out_of_file),
        "kernel-half": m(kernel_half),
        "huge-memsz": m(set_last_load(P_MEMSZ, "Q", lambda b, p: 1 << 40)),
        "wrapping-memsz": m(set_last_load(P_MEMSZ, "Q", lambda b, p: (1 << 64) - 0x800)),
        "wx-segment": m(lambda b: put(b, loads(b)[0] + P_FLAGS, "I", PF_R | PF_W | PF_X)),
        "entry-outside": m(lambda b: put(b, E_ENTRY, "Q", 0x1000)),
        "interp": m(make_interp),
        "phentsize": m(lambda b: put(b, E_PHENTSIZE, "H", 32)),
        "phnum0": m(lambda b: put(b, E_PHNUM, "H", 0)),
        "misaligned": m(misaligned),
        "overlap": m(overlap),
        "empty": b"",
        "text": b"this is not an executable\n",
        "x86-64": x86_64(),
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as f:
        base = f.read()
    check_base(base)
    os.makedirs(sys.argv[2], exist_ok=True)
    for name, data in sorted(variants(base).items()):
        path = os.path.join(sys.argv[2], name)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o755)


if __name__ == "__main__":
    main()
