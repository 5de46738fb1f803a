# SPDX-License-Identifier: GPL-2.0-only
#
# vfmig top-level build. Userspace parts land in build/; the kernel module is
# built by Kbuild (see ./Kbuild) from a staged copy under build/kbuild/.
#
#   make            userspace: build/libvfmig.a and the tools
#   make check      every test (unit under ASAN+UBSAN, Kbuild portability),
#                   ending with the line "N passed, M failed"
#   make demo       the main job (as root: the netns lab, iperf3 through a
#                   migrating VF; PROBE=dpdk adds the DPDK probe)
#   make check-long 200 seeded lab migrations, every page and frame checked
#   make driver     i40e_vfio_pci.ko against KDIR (default: newest headers);
#                   MODEL=1 adds the test-only vfmig_portable.ko (model,
#                   agent, core and the in-kernel self-tests)
#   make check-kernel  boot Debian's 6.1 and 6.12 in QEMU, load the modules
#   make check-kernel-lab  the same, with the kernel lab's figures per kernel
#   make check-qemu-migrate  real QEMU 10 migrates L2 VMs on the VFs in an L1
#   make fuzz       libFuzzer on the stream parser for FUZZ_SECONDS
#   make bench      benchmarks under bench/
#   make checkpatch checkpatch.pl --strict over all kernel-side code

CC        ?= gcc
CLANG     ?= clang
BUILD     := build
FUZZ_SECONDS ?= 60

WARN      := -Wall -Wextra -Werror -Wvla -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wdeclaration-after-statement \
             -Wno-unused-parameter
# Userspace only: include/vfmig/shim stands in for the kernel headers that
# <linux/avf/virtchnl.h> includes, and $(BUILD)/shim holds that one header,
# copied from KDIR (see "virtchnl.h" below). Kbuild sees neither.
BASEFLAGS := -std=gnu11 -g -Iinclude -Iinclude/vfmig/shim -I$(BUILD)/shim \
             -D_GNU_SOURCE $(WARN)
CFLAGS_OPT := $(BASEFLAGS) -O2
SANFLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
CFLAGS_SAN := $(BASEFLAGS) -O1 $(SANFLAGS)

# The one core: every portable source, compiled unchanged here and by Kbuild.
PORTABLE_DIRS := driver/core pf-agent model guest
PORTABLE_SRCS := $(wildcard $(addsuffix /*.c,$(PORTABLE_DIRS)))
LIB_SRCS      := $(PORTABLE_SRCS) lab/osdep_user.c
VIRTCHNL_H    := $(BUILD)/shim/linux/avf/virtchnl.h
HDRS          := $(wildcard include/vfmig/*.h include/vfmig/shim/linux/*.h tests/*.h \
                   include/vfmig/shim/uapi/linux/*.h) $(VIRTCHNL_H)

LIB     := $(BUILD)/libvfmig.a
LIB_SAN := $(BUILD)/san/libvfmig.a

# The lab: userspace-only code (CLI, hosts, engine) on top of libvfmig.a.
LAB_SRCS   := $(filter-out lab/osdep_user.c,$(wildcard lab/*.c))
LAB_BIN    := $(if $(LAB_SRCS),$(BUILD)/vfmig-lab)
# The DPDK probe (dpdk-test/): only where pkg-config finds libdpdk.
HAVE_DPDK   := $(shell pkg-config --exists libdpdk 2>/dev/null && echo 1)
PROBE_BIN   := $(if $(HAVE_DPDK),$(BUILD)/vfmig-probe)

TEST_SRCS  := $(wildcard tests/unit/test_*.c)
# Script tests (tests/scripts/test_*.sh) drive the built tools end to end.
SCRIPT_TESTS := $(wildcard tests/scripts/test_*.sh)
TEST_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/san/tests/%,$(TEST_SRCS))
BENCH_SRCS := $(wildcard bench/bench_*.c)
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
# Tools that write fuzz seed corpora (tests/fuzz/seed_*.c, one per target).
SEED_SRCS  := $(wildcard tests/fuzz/seed_*.c)
SEED_BINS  := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(SEED_SRCS))

# Kernel trees: KDIR for `make driver`; every installed Debian amd64 header
# tree for the portability tests in `make check`.
KDIRS := $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v -e -cloud- -e -rt- | sort -V)
KDIR  ?= $(lastword $(KDIRS))

# virtchnl.h for userspace: KDIR's own copy, found in KDIR itself, in its
# source/ link, or in the tree its Makefile includes (Debian's -common).
VIRTCHNL_SRC := $(firstword $(wildcard $(KDIR)/include/linux/avf/virtchnl.h \
	$(KDIR)/source/include/linux/avf/virtchnl.h \
	$(patsubst %/Makefile,%/include/linux/avf/virtchnl.h, \
		$(shell sed -n 's/^include //p' $(KDIR)/Makefile 2>/dev/null))))

.PHONY: all check demo driver fuzz bench checkpatch clean help FORCE
all: $(LIB) $(LAB_BIN) $(SEED_BINS) $(BENCH_BINS) $(PROBE_BIN) $(L2_BIN)

help:
	@sed -n '3,20p' Makefile | sed 's/^# \{0,1\}//'

# ---- virtchnl.h ------------------------------------------------------------
# The one kernel header userspace needs, copied alone: KDIR's whole include/
# would shadow the C library's <linux/...>. Rewritten only when its content
# differs, so objects rebuild exactly when KDIR's virtchnl.h changes.
$(VIRTCHNL_H): FORCE
	@if [ -z "$(VIRTCHNL_SRC)" ]; then \
		echo "no linux/avf/virtchnl.h for KDIR='$(KDIR)' (run scripts/install-deps.sh, or pass KDIR=)" >&2; \
		exit 1; \
	fi
	@mkdir -p $(dir $@)
	@cmp -s $(VIRTCHNL_SRC) $@ || cp $(VIRTCHNL_SRC) $@

FORCE:

# ---- userspace library ----------------------------------------------------
$(BUILD)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OPT) -c $< -o $@

$(BUILD)/san/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SAN) -c $< -o $@

$(LIB): $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
	@rm -f $@
	ar rcs $@ $^

$(LIB_SAN): $(patsubst %.c,$(BUILD)/san/obj/%.o,$(LIB_SRCS))
	@rm -f $@
	ar rcs $@ $^

# The netns lab's capture uses libpcap (libpcap-dev); without it the lab
# still builds and `vfmig-lab capture` says what to install.
LAB_PCAP   := $(shell test -e /usr/include/pcap/pcap.h && echo -lpcap)
LAB_CFLAGS := $(if $(LAB_PCAP),,-DLAB_NO_PCAP)
LAB_FLAGS_STAMP := $(BUILD)/lab-flags

# Rewritten only when the choice changes, so installing libpcap-dev rebuilds.
$(LAB_FLAGS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@echo "$(LAB_CFLAGS) $(LAB_PCAP)" | cmp -s - $@ || echo "$(LAB_CFLAGS) $(LAB_PCAP)" > $@

$(BUILD)/vfmig-lab: $(LAB_SRCS) $(LIB) $(HDRS) $(wildcard lab/*.h) $(LAB_FLAGS_STAMP)
	$(CC) $(CFLAGS_OPT) $(LAB_CFLAGS) -Ilab $(LAB_SRCS) $(LIB) -lpthread $(LAB_PCAP) -lm -o $@

# The lab for the boot test's initramfs (no C library there): static, no
# libpcap. tests/kernel/boot-test.sh makes it and runs migrate --vfio in the
# booted kernels (the kernel lab, docs/kernel-lab.md).
KLAB_BIN := $(BUILD)/kernel-test/vfmig-lab
$(KLAB_BIN): $(LAB_SRCS) $(LIB) $(HDRS) $(wildcard lab/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OPT) -DLAB_NO_PCAP -Ilab $(LAB_SRCS) $(LIB) -static -lpthread -lm -o $@

# ---- DPDK continuity probe (dpdk-test/, issue 8) ---------------------------
# Built by `all` only when pkg-config finds libdpdk (HAVE_DPDK above; Debian 12:
# libdpdk-dev, DPDK 22.11). DPDK's headers come in with -isystem, so their own
# warnings do not trip -Werror while our sources keep every flag of WARN.
PROBE_SRCS  := $(wildcard dpdk-test/*.c)
DPDK_CFLAGS  = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libdpdk))
DPDK_LIBS    = $(shell pkg-config --libs libdpdk)

# The counting rules alone (no DPDK) are a unit test: it includes account.c.
$(BUILD)/san/tests/test_probe_account: dpdk-test/account.c dpdk-test/account.h

$(BUILD)/vfmig-probe: $(PROBE_SRCS) $(wildcard dpdk-test/*.h)
	@pkg-config --exists libdpdk || { echo "vfmig-probe needs libdpdk-dev and pkg-config (scripts/install-deps.sh)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OPT) $(DPDK_CFLAGS) $(PROBE_SRCS) $(DPDK_LIBS) -o $@

# ---- the guest driver as a VM's whole OS (guest/bare/, issue 9) --------------
# build/vfmig-l2.elf: the portable guest driver (guest/*.c, unchanged) in the
# freestanding home (include/vfmig/osdep_bare.h, -DVFMIG_BARE: no libc), with
# a boot stub that QEMU's -kernel starts on machine pc (PVH ELF note). An
# x86-64 image, so `all` builds it only where $(CC) targets x86-64; it takes
# a second. No red zone (exceptions push on the same stack), no PIC, no
# stack protector (no TLS to hold the canary), no SSE, and no memcpy loops
# turned back into calls to memcpy.
L2_ELF    := $(BUILD)/vfmig-l2.elf
L2_CSRCS  := $(wildcard guest/*.c) $(wildcard guest/bare/*.c)
L2_OBJS   := $(patsubst %.c,$(BUILD)/l2/%.o,$(L2_CSRCS)) $(BUILD)/l2/guest/bare/start.o
L2_CFLAGS := -std=gnu11 -g -O2 -Iinclude -Iinclude/vfmig/shim -I$(BUILD)/shim $(WARN) \
             -DVFMIG_BARE -ffreestanding -fno-delete-null-pointer-checks \
             -fno-tree-loop-distribute-patterns -mno-red-zone -mgeneral-regs-only \
             -fno-pic -fno-pie -mcmodel=small -fno-stack-protector \
             -fcf-protection=none -fno-asynchronous-unwind-tables -fno-common
L2_BIN    := $(if $(filter x86_64-%,$(shell $(CC) -dumpmachine)),$(L2_ELF))

$(BUILD)/l2/%.o: %.c $(HDRS) $(wildcard guest/bare/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(L2_CFLAGS) -c $< -o $@

$(BUILD)/l2/guest/bare/start.o: guest/bare/start.S
	@mkdir -p $(dir $@)
	$(CC) $(L2_CFLAGS) -c $< -o $@

$(L2_ELF): $(L2_OBJS) guest/bare/l2.ld
	$(CC) -nostdlib -static -no-pie -Wl,-T,guest/bare/l2.ld -Wl,--build-id=none \
		-Wl,-z,noexecstack $(L2_OBJS) -o $@

# ---- tests ----------------------------------------------------------------
# The portable self-tests and their test world (tests/selftest/, also linked
# into vfmig_portable.ko) are an archive every unit test links: the runner
# test_selftest takes the suite, tests/hostfix.h users take the world.
SELFTEST_SRCS := $(wildcard tests/selftest/*.c)
SELFTEST_HDRS := $(wildcard tests/selftest/*.h)
SELFTEST_OBJS_SAN := $(patsubst %.c,$(BUILD)/san/obj/%.o,$(SELFTEST_SRCS))
SELFTEST_LIB_SAN := $(BUILD)/san/libvfmig_selftest.a
$(SELFTEST_OBJS_SAN): $(SELFTEST_HDRS)
$(SELFTEST_LIB_SAN): $(SELFTEST_OBJS_SAN)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/san/tests/%: tests/unit/%.c $(SELFTEST_LIB_SAN) $(SELFTEST_HDRS) $(LIB_SAN) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_SAN) -Itests $< $(SELFTEST_LIB_SAN) $(LIB_SAN) -lpthread -o $@

$(BUILD)/bench/%: bench/%.c $(LIB) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OPT) -Itests $< $(LIB) -lpthread -o $@

$(BUILD)/fuzz/seed_%: tests/fuzz/seed_%.c $(LIB) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_OPT) $< $(LIB) -lpthread -o $@

# libFuzzer targets are built by clang straight from the portable sources.
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(BASEFLAGS) -Wno-declaration-after-statement -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$< $(LIB_SRCS) -lpthread -o $@

check: all $(TEST_BINS) $(FUZZ_BINS)
	@scripts/run-tests.sh --kdirs "$(KDIRS)" $(TEST_BINS) $(SCRIPT_TESTS) -- $(FUZZ_BINS)

# The long lab run: 200 seeded live migrations, each with missed_device_pages
# and ram_mismatch_pages 0 (tests/scripts/long_lab_seeds.sh; LAB_SEEDS=N).
.PHONY: check-long
check-long: $(BUILD)/vfmig-lab
	@bash tests/scripts/long_lab_seeds.sh

# ---- kernel ---------------------------------------------------------------
driver:
	@scripts/kbuild.sh "$(KDIR)" product
	@if [ "$(MODEL)" = 1 ]; then scripts/kbuild.sh "$(KDIR)" portable; fi

# Boot Debian's kernels under QEMU (TCG) and load the modules in them
# (tests/kernel/boot-test.sh; images cached in build/kernel-images/).
.PHONY: check-kernel
check-kernel:
	@tests/kernel/boot-test.sh $(patsubst /usr/src/linux-headers-%,%,$(KDIRS))

# Real QEMU 10 migrates L2 VMs on the model-backed VFs inside an L1 guest
# of each kernel (tests/qemu/; also part of make check).
.PHONY: check-qemu-migrate
# build/vfmig-l2.elf: the l2_traffic scenario's L2 kernel (guest/bare/)
check-qemu-migrate: $(L2_ELF)
	@tests/qemu/qemu-migrate.sh $(patsubst /usr/src/linux-headers-%,%,$(KDIRS))

# The kernel lab: the same boot test (it runs vfmig-lab migrate --vfio after
# the VFIO client), then the lab's figures of each kernel side by side.
.PHONY: check-kernel-lab
check-kernel-lab:
	@tests/kernel/boot-test.sh $(patsubst /usr/src/linux-headers-%,%,$(KDIRS)); rc=$$?; \
	tests/kernel/klab-summary.sh $(patsubst /usr/src/linux-headers-%,%,$(KDIRS)); exit $$rc

# ---- fuzzing and benchmarks -----------------------------------------------
fuzz: $(FUZZ_BINS) $(SEED_BINS)
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

checkpatch:
	@scripts/checkpatch.sh

bench: $(BENCH_BINS)
	@for b in $(BENCH_BINS); do echo "== $$b"; $$b || exit 1; done

# The demo (issue 6, docs/lab.md section 8): root; installs the Debian
# packages it lacks (scripts/demo-deps.sh), builds the lab with the new
# packages in view (a sub-make reads the Makefile again), then runs
# scripts/demo.sh (DEMO_ARGS: its options, e.g. DEMO_ARGS="--reverse").
# PROBE=dpdk adds the DPDK continuity probe (dpdk-test/, needs libdpdk-dev).
DEMO_ARGS ?=
PROBE ?=
demo:
	@scripts/demo-deps.sh
	@$(MAKE) --no-print-directory $(BUILD)/vfmig-lab $(if $(filter dpdk,$(PROBE)),$(BUILD)/vfmig-probe)
	@scripts/demo.sh $(if $(filter dpdk,$(PROBE)),--probe dpdk) $(DEMO_ARGS)

clean:
	rm -rf $(BUILD)
