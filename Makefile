# ucphone: one entry point builds everything.
#   make            kernel modules (Kbuild, against linux-headers-amd64) + userspace (Meson)
#   make modules    kernel modules only
#   make userspace  daemon, CLI and unit tests only
#   make check-kernel   checkpatch --strict and sparse on the kernel code
KVER ?= $(shell ls -1d /lib/modules/*/build 2>/dev/null | sed -n 's|/lib/modules/\(.*\)/build|\1|p' | sort -V | tail -n1)
KDIR ?= /lib/modules/$(KVER)/build
BUILD ?= build
MESON_OPTS ?=

.PHONY: all modules userspace test-modules clean check-kernel

all: modules test-modules userspace

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# Test-only hardware models (tests/kmod): built like a driver, never shipped.
test-modules: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/kmod KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers modules

userspace:
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) $(MESON_OPTS)
	ninja -C $(BUILD)

check-kernel:
	scripts/check-kernel-style.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/kmod clean
	rm -rf $(BUILD)
