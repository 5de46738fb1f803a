# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# What every booted-kernel test shares: the machine's VF stand-ins and the
# kernel-log judgement. Sourced by tests/kernel/boot-test.sh and
# tests/qemu/qemu-migrate.sh, whose pass/fail functions it calls.

# QEMU arguments: a vIOMMU that VFIO can use (caching mode; interrupt
# remapping, which needs the split irqchip) and two edu devices, each behind
# its own PCIe root port so that VFIO_DEVICE_RESET works through a
# secondary bus reset. The first becomes VF A (model PF 0), the second VF B.
LAB_MACHINE=(-machine q35,kernel-irqchip=split -accel tcg
	-nographic -no-reboot -vga none -nic none
	-device intel-iommu,caching-mode=on,intremap=on
	-device pcie-root-port,id=rp0,chassis=1,slot=1 -device edu,bus=rp0
	-device pcie-root-port,id=rp1,chassis=2,slot=2 -device edu,bus=rp1)

# Kernel log lines that fail a boot: warnings, bugs, oopses, KASAN, panics,
# hung tasks, lockups and RCU stalls.
BAD_RE='WARNING:|\bBUG:|Oops|KASAN|general protection|Call Trace|[Kk]ernel panic|blocked for more than|soft lockup|rcu.*stall'

# judge_kernel_log CONSOLE RESULTS WHAT: one check - no BAD_RE line in the
# console log (the guest's own "@@vfmig " report lines are not kernel output)
# and no W (warning, 512) or D (died, 128) taint in the guest's "info
# tainted" report line. WHAT names the log ("the kernel log").
judge_kernel_log() {
	local console=$1 results=$2 what=$3 bad tainted
	local check="no WARNING/BUG/Oops/KASAN/Call Trace/panic/hung task/lockup in $what"

	bad=$(grep -naE "$BAD_RE" "$console" | grep -v '@@vfmig ' || true)
	tainted=$(sed -n 's/^info tainted \([0-9]*\).*/\1/p' "$results" | head -n 1)
	if [ -z "$bad" ] && { [ -z "$tainted" ] || [ $((tainted & (512 | 128))) -eq 0 ]; }; then
		pass "$check"
	else
		fail "$check"
		[ -n "$bad" ] && echo "$bad" | head -n 20 | sed 's/^/#   console:/'
		[ -n "$tainted" ] && [ $((tainted & (512 | 128))) -ne 0 ] &&
			echo "#   kernel tainted $tainted (W=512 warning, D=128 died)"
	fi
	return 0
}
