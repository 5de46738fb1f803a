#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check's part of issue 9: real QEMU 10 migrates L2 VMs between the
# model-backed VFs inside an L1 guest of every installed Debian kernel
# (tests/qemu/qemu-migrate.sh; make check-qemu-migrate runs it alone).
# Prints "# skip:" and exits 77 without qemu-system-x86_64.
cd "$(dirname "$0")/../.." || exit 1
exec tests/qemu/qemu-migrate.sh "$@"
