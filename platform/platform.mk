# Boot images for U-Boot, one per machine (included by the top-level Makefile).
#   make image PLATFORM=<board>   build/image/<board>/{Image,initramfs.cpio,boot.scr} and
#                                 build/image/<board>.fat (a FAT image holding the three);
#                                 qemu-virt also gets build/image/qemu-virt.img, a disk with
#                                 an MBR partition table around that FAT (for -drive).
#   make images                   every board.   make image-check: verify the images' headers.
#   make image PLATFORM=<board> ROOT_EXT2=1
#                                 also build/image/<board>-root.ext2: the initramfs's tree as an
#                                 ext2 file system (mke2fs -d), for root=/dev/vda or /dev/vda1.
# See platform/<board>/README.md and docs/boards.md.

PLATFORMS := qemu-virt qemu-sifive-u hifive-unmatched visionfive2
PLATFORM  ?= qemu-virt
MKIMAGE   ?= mkimage
IMAGE_DIR := $(BUILD)/image

ifneq ($(filter image,$(MAKECMDGOALS)),)
ifeq ($(filter $(PLATFORM),$(PLATFORMS)),)
$(error PLATFORM=$(PLATFORM) is not one of: $(PLATFORMS))
endif
endif

.PHONY: image images image-check
# Pattern-rule outputs are what `make image` is for: never delete them as intermediates.
.PRECIOUS: $(IMAGE_DIR)/%/Image $(IMAGE_DIR)/%/initramfs.cpio $(IMAGE_DIR)/%/boot.scr $(IMAGE_DIR)/%.fat
image: $(addprefix $(IMAGE_DIR)/$(PLATFORM)/,Image initramfs.cpio boot.scr) \
       $(IMAGE_DIR)/$(PLATFORM).fat $(if $(filter qemu-virt,$(PLATFORM)),$(IMAGE_DIR)/$(PLATFORM).img) \
       $(if $(ROOT_EXT2),$(IMAGE_DIR)/$(PLATFORM)-root.ext2)
	@echo "  IMAGE   $(IMAGE_DIR)/$(PLATFORM)/{Image,initramfs.cpio,boot.scr}"

images:
	@for p in $(PLATFORMS); do $(MAKE) --no-print-directory image PLATFORM=$$p || exit 1; done

image-check: images
	@python3 scripts/check-image.py $(PLATFORMS)

# The raw kernel binary starts with the Linux RISC-V Image header that booti checks.
$(IMAGE_DIR)/%/Image: $(BUILD)/kernel.bin
	@mkdir -p $(dir $@)
	@cp $< $@

$(IMAGE_DIR)/%/initramfs.cpio: $(INITRAMFS)
	@mkdir -p $(dir $@)
	@cp $< $@

# A legacy U-Boot script image (64-byte header, type script), run by distro boot or `source`.
$(IMAGE_DIR)/%/boot.scr: platform/%/boot.cmd
	@mkdir -p $(dir $@)
	@echo "  MKIMAGE $@"
	@$(MKIMAGE) -A riscv -O linux -T script -C none -n "rvix boot script ($*)" -d $< $@ >/dev/null

$(IMAGE_DIR)/%.fat: $(IMAGE_DIR)/%/Image $(IMAGE_DIR)/%/initramfs.cpio $(IMAGE_DIR)/%/boot.scr platform/mkdisk.py
	@echo "  FAT     $@"
	@python3 platform/mkdisk.py fat $@ $(filter-out %.py,$^)

$(IMAGE_DIR)/%.img: $(IMAGE_DIR)/%.fat platform/mkdisk.py
	@echo "  DISK    $@"
	@python3 platform/mkdisk.py disk $< $@

# -- blk --
# An ext2 root file system holding what the initramfs holds (4 KiB blocks, 64 MiB of room).
$(IMAGE_DIR)/%-root.ext2: $(INITRAMFS)
	@mkdir -p $(dir $@)
	@echo "  EXT2    $@"
	@rm -f $@.tmp && mke2fs -q -F -t ext2 -b 4096 -d $(ROOTFS) $@.tmp 64M >/dev/null && mv $@.tmp $@
# (end of blk)
