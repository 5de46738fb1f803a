#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build/vfmig-l2.elf (guest/bare/: the portable guest AVF driver as a VM's
# whole OS) booted by the host's qemu-system-x86_64 with -kernel on machine
# pc, TCG, with no VF: everything up to the VF itself.
#
#   l2_build      the image builds and carries the PVH entry note
#   l2_no_vf      boot stub, COM1, command line, TSC calibration and the PCI
#                 scan: every device of a bare pc (host bridge, PIIX3 ISA,
#                 IDE, ACPI) listed, "no VF", one result line with
#                 state=NO_VF, isa-debug-exit status 37
#   l2_cmdline    options reach the run (and a bad one is named, not taken)
#   l2_edu_bar0   an edu device (the model-backed lab's VF stand-in, here
#                 without the model) is taken as the VF: memory decoding on,
#                 BAR0 mapped (its ID register reads 0x010000ed), the driver
#                 polls VFGEN_RSTAT until its own 10 s reset timeout (guest
#                 clock) and gives up: state=FAILED, status 39
#   l2_judge      selftest=1: made-up frames through the run's judgement:
#                 a good one, the same again (dup), an older one of the
#                 same TX queue (reorder), a flipped payload bit, a zeroed
#                 buffer, a number never sent, a runt and a frame for
#                 another MAC (corrupt, each said why, no crash), numbers
#                 not back in time (lost, longest run) and one that comes
#                 after all (late): status 33 and "selftest ok"
#   l2_exception  a page fault (fault=1) is reported with vector and address
#                 and exits with status 43 instead of a silent triple fault
#   l2_halt       without isa-debug-exit the image says so and halts
#
# The migration run itself (a VF behind the model, traffic to the reflector)
# needs the L1 harness: tests/qemu/.
set -u
cd "$(dirname "$0")/../.." || exit 1
qemu=$(command -v qemu-system-x86_64 || true)
if [ -z "$qemu" ]; then
	echo "# skip: l2_guest: qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
	exit 77
fi
case $(${CC:-cc} -dumpmachine 2>/dev/null) in
x86_64-*) ;;
*)	echo "# skip: l2_guest: the compiler does not target x86-64"
	exit 77 ;;
esac
elf=build/vfmig-l2.elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failed=0
ok() { echo "ok $*"; }
fail() { echo "FAIL $*"; failed=1; }

# boot NAME TIMEOUT QEMU-ARGS...: serial in $tmp/NAME.log, status in $rc
boot() {
	local name=$1 t=$2
	shift 2
	timeout "$t" "$qemu" -machine pc -m 64 -nodefaults -display none \
		-no-reboot -serial "file:$tmp/$name.log" -kernel "$elf" "$@" \
		>"$tmp/$name.out" 2>&1
	rc=$?
}
has() { grep -qF -- "$2" "$tmp/$1.log"; }
show() { sed 's/^/#   /' "$tmp/$1.log" "$tmp/$1.out" | tail -8; }

if make --no-print-directory "$elf" >"$tmp/make.log" 2>&1 && [ -f "$elf" ]; then
	if ! command -v readelf >/dev/null ||
		readelf -nW "$elf" | grep -q 'Xen.*0x00000012'; then
		ok "l2_build: $elf has the PVH entry note"
	else
		fail "l2_build: $elf has no Xen PHYS32_ENTRY note"
	fi
else
	fail "l2_build: make $elf failed"
	sed 's/^/#   /' "$tmp/make.log" | tail -8
	exit 1
fi

dx=(-device isa-debug-exit,iobase=0xf4)

boot novf 60 "${dx[@]}"
if [ $rc -eq 37 ] && has novf "vfmig-l2: boot" &&
	has novf "pci 00:00.0 8086:1237" && has novf "pci 00:01.0 8086:7000" &&
	has novf "pci 00:01.1 8086:7010" && has novf "pci 00:01.3 8086:7113" &&
	has novf "vfmig-l2: no VF" &&
	[ "$(grep -c '^vfmig-l2: result ' "$tmp/novf.log")" = 1 ] &&
	has novf "state=NO_VF" && grep -Eq 'tsc [1-9][0-9]{3,} kHz' "$tmp/novf.log"; then
	ok "l2_no_vf: stub, serial, TSC, PCI scan of 4 devices, no VF: status 37"
else
	fail "l2_no_vf: status $rc (want 37) or serial output wrong"
	show novf
fi

boot cmdline 60 "${dx[@]}" -append "seconds=7 rate=123 queues=2 ring=64 nonsense=5"
if [ $rc -eq 37 ] && has cmdline "seconds=7 rate=123 queues=2 ring=64" &&
	has cmdline "ignoring bad or unknown option 'nonsense=5'"; then
	ok "l2_cmdline: seconds/rate/queues/ring taken, unknown option named"
else
	fail "l2_cmdline: status $rc or options not taken"
	show cmdline
fi

if "$qemu" -device help 2>/dev/null | grep -q '"edu"'; then
	boot edu 120 "${dx[@]}" -device edu
	if [ $rc -eq 39 ] && has edu "VF 00:" && has edu "1234:11e8 BAR0" &&
		has edu "reads 0x10000ed" && has edu "state=FAILED" &&
		has edu "error -110"; then
		ok "l2_edu_bar0: edu taken as VF, BAR0 reads its ID, reset wait times out: status 39"
	else
		fail "l2_edu_bar0: status $rc (want 39) or BAR0/driver output wrong"
		show edu
	fi
else
	echo "# skip: l2_edu_bar0: this QEMU has no edu device"
fi

boot judge 60 "${dx[@]}" -append "selftest=1"
if [ $rc -eq 33 ] && has judge "vfmig-l2: selftest ok" &&
	[ "$(grep -c '^vfmig-l2: corrupt frame' "$tmp/judge.log")" = 5 ] &&
	has judge "corrupt frame (checksum)" && has judge "corrupt frame (header)"; then
	ok "l2_judge: dup, reorder, 5 kinds of corrupt, lost, late counted as they should: status 33"
else
	fail "l2_judge: status $rc (want 33) or a counter off"
	show judge
fi

boot fault 60 "${dx[@]}" -append "fault=1"
if [ $rc -eq 43 ] && has fault "exception 14" && has fault "cr2 0x10000000000" &&
	has fault "state=CRASHED"; then
	ok "l2_exception: #PF reported with its address, status 43"
else
	fail "l2_exception: status $rc (want 43) or no exception report"
	show fault
fi

# no isa-debug-exit: the image halts; QEMU runs until the timeout kills it
boot halt 8
if [ $rc -eq 124 ] && has halt "state=NO_VF" && has halt "halting"; then
	ok "l2_halt: without isa-debug-exit the image halts"
else
	fail "l2_halt: status $rc (want the timeout's 124) or no halt message"
	show halt
fi
exit $failed
