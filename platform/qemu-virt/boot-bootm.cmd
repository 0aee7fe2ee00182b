# U-Boot script for the two-address test (scripts/boot-chains.py, case uboot-bootm): bootm of
# a legacy uImage whose header names the load and entry address, so the kernel runs where
# that header says instead of where booti would put it (RAM base + text_offset).
# No apostrophes anywhere in this file: U-Boot hush would take them as quotes.
echo "boot.scr: bootm of Image.uimg from ${devtype} ${devnum}:${distro_bootpart} ${prefix}"
if test -n "${rvix_bootargs}"; then setenv bootargs "${rvix_bootargs}"; else setenv bootargs; fi
if load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} ${prefix}Image.uimg; then
    if load ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} ${prefix}initramfs.cpio; then
        bootm ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}
    fi
fi
echo "boot.scr: boot failed"
