#!/usr/bin/env python3
"""Host-side check of the boot images `make image PLATFORM=<board>` produces.

For each board, build/image/<board>/:
  Image           the Linux RISC-V Image header U-Boot's booti checks: code0 a jump (jal x0),
                  text_offset 0x200000, image_size non-zero and equal to the kernel's size
                  through the end of .bss (_bss_end - _kernel_start in build/kernel.elf),
                  flags 0 (little-endian), version 0.2, magic "RISCV\\0\\0\\0", magic2 "RSC\\x05"; and the file is
                  build/kernel.bin and no longer than image_size
  boot.scr        a legacy U-Boot image (header magic 0x27051956, both CRCs right), OS Linux,
                  arch RISC-V, type script, not compressed, whose script calls booti
                  (and `mkimage -l` agrees, when mkimage is installed)
  initramfs.cpio  a newc cpio archive
and build/image/<board>.fat holds the three files (checked with mdir when mtools is installed).
Prints "PASS boards/image/<board>" or "FAIL boards/image/<board>: reasons".

Usage: scripts/check-image.py [BOARD...]   (default: visionfive2 hifive-unmatched)
"""

import os
import shutil
import struct
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGE_DIR = "build/image"
KERNEL_BIN = "build/kernel.bin"
KERNEL_ELF = "build/kernel.elf"
DEFAULT_BOARDS = ["visionfive2", "hifive-unmatched"]

UIMAGE_MAGIC = 0x27051956
IH_OS_LINUX, IH_ARCH_RISCV, IH_TYPE_SCRIPT, IH_COMP_NONE = 5, 26, 6, 0


def kernel_symbols(path):
    """name -> value of every symbol in an ELF64 little-endian file's .symtab."""
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ValueError("%s is not a little-endian ELF64 file" % path)
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3a)
    sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    syms = {}
    for (_name, typ, _fl, _addr, off, size, link, _info, _align, entsize) in sections:
        if typ != 2:            # SHT_SYMTAB
            continue
        stroff = sections[link][4]
        for i in range(size // (entsize or 24)):
            st_name, _st_info, _st_other, _st_shndx, st_value, _st_size = struct.unpack_from(
                "<IBBHQQ", elf, off + i * (entsize or 24))
            end = elf.index(b"\0", stroff + st_name)
            syms[elf[stroff + st_name:end].decode(errors="replace")] = st_value
    return syms


def check_kernel_image(path, errs):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 64:
        errs.append("Image: only %d bytes" % len(data))
        return
    (code0, _code1, text_offset, image_size, flags, version, res1, res2, magic, magic2,
     res4) = struct.unpack("<IIQQQIIQ8sII", data[:64])
    if code0 & 0x7f != 0x6f or (code0 >> 7) & 0x1f != 0:
        errs.append("Image: code0 %#010x is not a jump (jal x0)" % code0)
    if text_offset != 0x200000:
        errs.append("Image: text_offset %#x, expected 0x200000" % text_offset)
    if image_size == 0:
        errs.append("Image: image_size is 0 (booti refuses it)")
    if flags != 0:
        errs.append("Image: flags %#x, expected 0 (little-endian)" % flags)
    if version != 2:
        errs.append("Image: header version %#x, expected 0x2" % version)
    if magic != b"RISCV\0\0\0":
        errs.append("Image: magic %r, expected 'RISCV\\0\\0\\0'" % magic)
    if magic2 != 0x05435352:
        errs.append("Image: magic2 %#x, expected 0x05435352 ('RSC\\x05')" % magic2)
    if res1 or res2 or res4:
        errs.append("Image: reserved header fields are not zero")
    if image_size and len(data) > image_size:
        errs.append("Image: file is %d bytes, more than image_size %d" % (len(data), image_size))
    try:
        syms = kernel_symbols(os.path.join(ROOT, KERNEL_ELF))
        start, end = syms.get("_kernel_start"), syms.get("_bss_end", syms.get("_kernel_end"))
        if start is None or end is None:
            errs.append("%s has no _kernel_start/_bss_end" % KERNEL_ELF)
        elif image_size != end - start:
            errs.append("Image: image_size %#x, but the kernel through .bss is %#x bytes"
                        % (image_size, end - start))
    except (OSError, ValueError, struct.error) as e:
        errs.append("cannot read the symbols of %s: %s" % (KERNEL_ELF, e))
    try:
        with open(os.path.join(ROOT, KERNEL_BIN), "rb") as f:
            if f.read() != data:
                errs.append("Image differs from %s (stale image? run make image)" % KERNEL_BIN)
    except OSError as e:
        errs.append("cannot read %s: %s" % (KERNEL_BIN, e))


def check_script_image(path, errs):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 64:
        errs.append("boot.scr: only %d bytes" % len(data))
        return
    (magic, hcrc, _time, size, _load, _ep, dcrc, os_, arch, typ, comp) = struct.unpack(
        ">IIIIIIIBBBB", data[:32])
    if magic != UIMAGE_MAGIC:
        errs.append("boot.scr: magic %#010x, expected 0x27051956" % magic)
        return
    hdr = bytearray(data[:64])
    hdr[4:8] = b"\0\0\0\0"
    if zlib.crc32(bytes(hdr)) != hcrc:
        errs.append("boot.scr: header CRC mismatch")
    payload = data[64:]
    if len(payload) != size:
        errs.append("boot.scr: data size %d in the header, %d in the file" % (size, len(payload)))
    elif zlib.crc32(payload) != dcrc:
        errs.append("boot.scr: data CRC mismatch")
    if (os_, arch, typ, comp) != (IH_OS_LINUX, IH_ARCH_RISCV, IH_TYPE_SCRIPT, IH_COMP_NONE):
        errs.append("boot.scr: os/arch/type/comp %d/%d/%d/%d, expected %d/%d/%d/%d (linux/riscv/"
                    "script/none)" % (os_, arch, typ, comp, IH_OS_LINUX, IH_ARCH_RISCV,
                                      IH_TYPE_SCRIPT, IH_COMP_NONE))
    # A script image's data: big-endian sizes of its parts, ending with 0, then the parts.
    sizes, off = [], 0
    while off + 4 <= len(payload):
        (n,) = struct.unpack(">I", payload[off:off + 4])
        off += 4
        if n == 0:
            break
        sizes.append(n)
    text = payload[off:off + sizes[0]] if sizes else b""
    if b"booti" not in text:
        errs.append("boot.scr: the script never calls booti")
    if b"'" in text:
        errs.append("boot.scr: the script contains an apostrophe (U-Boot hush takes it as a quote)")
    mkimage = shutil.which("mkimage")
    if mkimage:
        r = subprocess.run([mkimage, "-l", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = r.stdout.decode(errors="replace")
        if r.returncode != 0 or "Script" not in out:
            errs.append("boot.scr: mkimage -l does not see a script: " + " ".join(out.split())[:120])


def check_fat(path, errs):
    mdir = shutil.which("mdir")
    if not mdir:
        return
    r = subprocess.run([mdir, "-b", "-i", path, "::/"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
    names = {ln.strip().lstrip(":/").lower() for ln in r.stdout.decode(errors="replace").splitlines()}
    missing = [n for n in ("image", "initramfs.cpio", "boot.scr") if n not in names]
    if r.returncode != 0 or missing:
        errs.append("%s: missing %s" % (os.path.basename(path), ", ".join(missing) or "(unreadable)"))


def check_board(board):
    errs = []
    base = os.path.join(ROOT, IMAGE_DIR, board)
    checks = [("Image", check_kernel_image), ("boot.scr", check_script_image)]
    for name, fn in checks:
        path = os.path.join(base, name)
        if not os.path.isfile(path):
            errs.append("%s/%s/%s missing (run make image PLATFORM=%s)" % (IMAGE_DIR, board, name, board))
            continue
        fn(path, errs)
    cpio = os.path.join(base, "initramfs.cpio")
    try:
        with open(cpio, "rb") as f:
            if f.read(6) != b"070701":
                errs.append("initramfs.cpio is not a newc cpio archive")
    except OSError:
        errs.append("%s/%s/initramfs.cpio missing" % (IMAGE_DIR, board))
    fat = os.path.join(ROOT, IMAGE_DIR, board + ".fat")
    if os.path.isfile(fat):
        check_fat(fat, errs)
    else:
        errs.append("%s/%s.fat missing" % (IMAGE_DIR, board))
    return errs


def main(argv):
    boards = argv[1:] or DEFAULT_BOARDS
    failed = False
    for b in boards:
        errs = check_board(b)
        if errs:
            failed = True
            print("FAIL boards/image/%s: %s" % (b, "; ".join(errs)))
        else:
            print("PASS boards/image/%s" % b)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
