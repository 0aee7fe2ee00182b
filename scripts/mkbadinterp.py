#!/usr/bin/env python3
"""Generate programs with broken interpreters for the dynamic-linking tests (user/dyn/errors.c).

Usage: scripts/mkbadinterp.py PROGRAM LDSO OUTDIR
PROGRAM is a dynamically linked executable whose PT_INTERP names the real loader; LDSO is
that loader. OUTDIR receives PROGRAM copies with a rewritten PT_INTERP, and the files they
name (installed in the guest as /tests/dynbad/):
  missing-interp      names /lib/ld-missing.so.1, which does not exist        -> ENOENT
  interp-short        names ld-short: the first 40 bytes of LDSO              -> EIO
  interp-truncated    names ld-trunc: the first 8 KiB of LDSO                 -> ELIBBAD
  interp-text         names ld-text: an executable text file                  -> ELIBBAD
  interp-noexec       names ld-noexec: LDSO without execute permission        -> EACCES
  interp-dir          names /tests, a directory                               -> EACCES
  interp-unterminated PT_INTERP bytes without a NUL                           -> ENOEXEC
  interp-toolong      PT_INTERP p_filesz 4097 (> PATH_MAX)                    -> ENOEXEC
  interp-tiny         PT_INTERP p_filesz 1                                    -> ENOEXEC
  interp-chained      names ld-chained: LDSO with a PT_INTERP of its own, naming a missing
                      file; Linux ignores an interpreter's PT_INTERP          -> runs
  interp-static       names /bin/hello, a static ET_EXEC program: loaded at its link
                      address and started instead of the program              -> runs
The list is kept in sync with user/dyn/errors.c.
"""

import os
import struct
import sys

PT_INTERP, PT_NOTE = 3, 4
E_PHOFF, E_PHENTSIZE, E_PHNUM = 32, 54, 56
P_TYPE, P_OFFSET, P_FILESZ, P_MEMSZ = 0, 8, 32, 40
DIR = "/tests/dynbad/"


def get(b, off, fmt):
    return struct.unpack_from("<" + fmt, b, off)[0]


def put(b, off, fmt, value):
    struct.pack_into("<" + fmt, b, off, value)


def phdr(b, ptype):
    phoff, phentsize, phnum = get(b, E_PHOFF, "Q"), get(b, E_PHENTSIZE, "H"), get(b, E_PHNUM, "H")
    for i in range(phnum):
        p = phoff + i * phentsize
        if get(b, p + P_TYPE, "I") == ptype:
            return p
    sys.exit("mkbadinterp: no program header of type %d" % ptype)


def with_interp(prog, name):
    """PROGRAM with its PT_INTERP string replaced in place (NUL padded to the same size)."""
    b = bytearray(prog)
    p = phdr(b, PT_INTERP)
    off, size = get(b, p + P_OFFSET, "Q"), get(b, p + P_FILESZ, "Q")
    name = name.encode()
    if len(name) >= size:
        sys.exit("mkbadinterp: %s does not fit in %d bytes" % (name, size))
    b[off:off + size] = name + b"\0" * (size - len(name))
    return b


def main():
    prog_path, ldso_path, out = sys.argv[1:4]
    prog = open(prog_path, "rb").read()
    ldso = open(ldso_path, "rb").read()
    files = {}     # name -> (bytes, mode)

    def program(name, b):
        files[name] = (b, 0o755)

    program("missing-interp", with_interp(prog, "/lib/ld-missing.so.1"))
    program("interp-short", with_interp(prog, DIR + "ld-short"))
    files["ld-short"] = (ldso[:40], 0o755)
    program("interp-truncated", with_interp(prog, DIR + "ld-trunc"))
    files["ld-trunc"] = (ldso[:8192], 0o755)
    program("interp-text", with_interp(prog, DIR + "ld-text"))
    files["ld-text"] = (b"#!/bin/sh\n# not an ELF file, long enough to hold an ELF header.......\n", 0o755)
    program("interp-noexec", with_interp(prog, DIR + "ld-noexec"))
    files["ld-noexec"] = (ldso, 0o644)
    program("interp-dir", with_interp(prog, "/tests"))

    b = bytearray(prog)
    p = phdr(b, PT_INTERP)
    off, size = get(b, p + P_OFFSET, "Q"), get(b, p + P_FILESZ, "Q")
    b[off:off + size] = b"x" * size
    program("interp-unterminated", b)
    for name, filesz in (("interp-toolong", 4097), ("interp-tiny", 1)):
        b = bytearray(prog)
        p = phdr(b, PT_INTERP)
        put(b, p + P_FILESZ, "Q", filesz)
        put(b, p + P_MEMSZ, "Q", filesz)
        program(name, b)

    chained = bytearray(ldso)
    p = phdr(chained, PT_NOTE)
    put(chained, p + P_TYPE, "I", PT_INTERP)
    put(chained, p + P_OFFSET, "Q", len(chained))
    put(chained, p + P_FILESZ, "Q", len(b"/lib/ld-missing.so.1\0"))
    chained.extend(b"/lib/ld-missing.so.1\0")
    files["ld-chained"] = (chained, 0o755)
    program("interp-chained", with_interp(prog, DIR + "ld-chained"))

    program("interp-static", with_interp(prog, "/bin/hello"))

    os.makedirs(out, exist_ok=True)
    for name, (data, mode) in sorted(files.items()):
        path = os.path.join(out, name)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, mode)


if __name__ == "__main__":
    main()
