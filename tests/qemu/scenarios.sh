# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
#
# The scenarios of tests/qemu/qemu-migrate.sh, run in this order by the L1
# guest's /init (l1-init.sh, busybox sh), one "check NAME ok|FAIL" each.
# The host sources this file too (bash), for scenario_list and
# scenario_files only: keep it plain POSIX sh.
#
# HOW TO ADD A SCENARIO
#  1. a line "NAME|what it proves" in scenario_list (the host fails NAME when
#     the guest never reports it);
#  2. a function scn_NAME that ends in exactly one
#     `check NAME ok|FAIL "detail"` (use $SCN for NAME); helpers from
#     l1-init.sh: vm_start NAME BDF in|out [EXTRA QEMU ARGS], vm_ready,
#     vm_migrate SRC DST (prints the final status), vm_status, vm_hmp,
#     migrate_info SRC (QEMU's numbers into the JSON), driver_trace (the
#     driver's arcs and log reports into the JSON; call it once before the
#     check), dev_last_state BDF, vm_quit, reload_model ARGS, rec KEY VALUE;
#     $BDF_A / $BDF_B are VF 0 of model PF 0 / PF 1;
#  3. files the L2 needs (a -kernel image, ...): a line "SRC DEST" in
#     scenario_files (SRC relative to the top directory, DEST absolute in
#     L1); the host copies them into the L1 initramfs.
# A scenario starts with no VM running unless it says otherwise ($CUR: the
# running VM the previous scenario left, $CUR_BDF: its VF) and leaves at
# most $CUR running.
#
# The L2 command line is here and only here: $L2_ARGS, plus the per-scenario
# extra arguments given to vm_start (vm_start adds -device vfio-pci,host=BDF,
# enable-migration=on, the HMP pipe, the trace events and -incoming).
L2_ARGS="-accel tcg -m 64 -nodefaults -machine pc -display none"

# HMP commands for every migration source before "migrate": QEMU switches
# over only when less than 2 MiB of RAM is still to send, that is after it
# has sent all of the L2's RAM once while the guest and its VF ran - a live
# migration, in which the VF writes pages QEMU has already sent and only
# the device dirty log gets them to B again. Left to itself, QEMU switched
# over early (with the setting below at 1 TiB/s, or on a quick bandwidth
# estimate) and sent the rest of RAM in the blackout, after the VF had
# stopped: then nothing was at stake, and even a driver that reported no
# page at all passed l2_traffic in 2 runs of 5 (--fault drop-dirty).
# QEMU switches over when what is pending is under avail-switchover-
# bandwidth / 1000 x downtime-limit (ms); with a limit of 1000 ms that is
# the bandwidth figure itself, in bytes. Pending is the RAM still dirty plus
# the device's stop-copy size. A kernel before 6.3 has no
# VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, and QEMU then counts 100 GiB
# (VFIO_MIG_STOP_COPY_SIZE, "big enough to cover the worst case"), so there
# the figure is 100 GiB + 2 MiB (without it QEMU never switches over and
# syncs the dirty bitmap in a tight loop for ever); from 6.3 our driver
# answers with a few hundred bytes. The downtime QEMU reports is measured,
# not set: the limit only places the switchover.
MIGRATE_SWITCHOVER_RAM=$((2 << 20))
kv=$(uname -r 2>/dev/null)
kv=${kv%%-*}
if [ -n "$kv" ] && [ $((${kv%%.*} * 100 + $(echo "$kv" | cut -d. -f2))) -lt 603 ]; then
	MIGRATE_SWITCHOVER_RAM=$((MIGRATE_SWITCHOVER_RAM + (100 << 30)))
fi
MIGRATE_SETUP="migrate_set_parameter downtime-limit 1000
migrate_set_parameter avail-switchover-bandwidth ${MIGRATE_SWITCHOVER_RAM}B"

# QEMU trace events every VM logs to its stderr (the JSON's qemu_log lines).
QEMU_TRACE_EVENTS="vfio_migration_set_state vfio_save_setup vfio_save_iterate
vfio_state_pending_estimate vfio_state_pending_exact vfio_save_complete_precopy vfio_load_state_device_data
vfio_device_dirty_tracking_start migration_bitmap_sync_end
migrate_pending_exact migration_thread_low_pending migration_completion_vm_stop"

scenario_list() {
	cat <<'EOF'
migrate_ab|QEMU migrates an L2 VM from VF A to VF B: completed, the destination runs, the source is postmigrate
pingpong_ba|the migrated VM goes back from B to A (a fresh destination on A)
cancel_preswitchover|pause-before-switchover, migrate_cancel at pre-switchover: the source VM and VF A are RUNNING again
fresh_after_cancel|a new migration after the cancel completes (A to B)
refuse_incompatible|a destination model with fewer queue pairs (queues=4,2) refuses the stream: not running, the driver says why; the source VM and VF A run again
l2_traffic|our guest driver as L2's whole OS (build/vfmig-l2.elf) sends frames to the reflector while QEMU migrates it A -> B: none corrupt or duplicated, none lost beyond the switchover, TX ring consistent
EOF
}

scenario_files() {
	echo "build/vfmig-l2.elf /boot/vfmig-l2.elf"
}

CUR=
CUR_BDF=

# Start SRC on BDF (out) or reuse $CUR, and DST on the other VF (in).
# migrate_checked SRC DST DST_BDF: migrate, record, judge the usual outcome.
migrate_checked() {
	local src=$1 dst=$2 dbdf=$3 st ss ds last why=
	st=$(vm_migrate "$src" "$dst")
	rm -f "$WORK/$dst.port"
	[ "$fault" = no-result ] && [ "$SCN" = migrate_ab ] || migrate_info "$src"
	ss=$(vm_status "$src")
	ds=$(vm_status "$dst")
	driver_trace
	last=$(dev_last_state "$dbdf")
	rec src_vm "$ss"
	rec dst_vm "$ds"
	[ "$st" = completed ] || why="$why; source status '$st'"
	[ "$ds" = running ] || why="$why; destination VM '$ds'"
	[ "$ss" = "paused (postmigrate)" ] || why="$why; source VM '$ss'"
	[ "$last" = RUNNING ] || why="$why; destination VF's last arc: $last"
	if [ -z "$why" ]; then
		check "$SCN" ok "$src -> $dst completed; destination running; destination VF RUNNING"
	else
		check "$SCN" FAIL "${why#; }"
		vm_errors "$dst" | while IFS= read -r l; do detail "destination: $l"; done
		vm_errors "$src" | while IFS= read -r l; do detail "source: $l"; done
		kmsg_new | tail -n 5 | while IFS= read -r l; do detail "dmesg: $l"; done
	fi
}

start_pair() {	# SRC SRC_BDF DST DST_BDF: SRC started unless it is $CUR
	local fresh=
	[ "$1" = "$CUR" ] || { vm_start "$1" "$2" out; fresh=1; }
	vm_start "$3" "$4" in
	{ [ -z "$fresh" ] || vm_ready "$1"; } && vm_ready "$3" && return 0
	check "$SCN" FAIL "QEMU did not come up ($1: $(vm_alive "$1" && echo alive || echo dead), $3: $(vm_alive "$3" && echo alive || echo dead))"
	vm_errors "$1" | while IFS= read -r l; do detail "$1: $l"; done
	vm_errors "$3" | while IFS= read -r l; do detail "$3: $l"; done
	vm_quit "$1"
	vm_quit "$3"
	driver_trace
	CUR=
	return 1
}

scn_migrate_ab() {
	start_pair vm1 "$BDF_A" vm2 "$BDF_B" || return 0
	rec l2_cmdline_src "$(cat "$WORK/vm1.cmd")"
	rec l2_cmdline_dst "$(cat "$WORK/vm2.cmd")"
	rec migrate_setup "$(echo "$MIGRATE_SETUP" | tr '\n' ';')"
	migrate_checked vm1 vm2 "$BDF_B"
	vm_quit vm1
	CUR=vm2 CUR_BDF=$BDF_B
}

scn_pingpong_ba() {
	[ -n "$CUR" ] || { check "$SCN" FAIL "no VM on B (migrate_ab failed)"; return 0; }
	start_pair "$CUR" "$CUR_BDF" vm3 "$BDF_A" || return 0
	migrate_checked "$CUR" vm3 "$BDF_A"
	vm_quit "$CUR"
	CUR=vm3 CUR_BDF=$BDF_A
}

scn_cancel_preswitchover() {
	local st st2 ss last why=
	[ -n "$CUR" ] || { check "$SCN" FAIL "no VM on A (pingpong_ba failed)"; return 0; }
	start_pair "$CUR" "$CUR_BDF" vm4 "$BDF_B" || return 0
	vm_hmp "$CUR" "migrate_set_capability pause-before-switchover on" >/dev/null
	vm_migrate_start "$CUR" vm4
	st=$(vm_wait_status "$CUR" 'pre-switchover|completed|failed|cancelled' 60)
	vm_hmp "$CUR" "migrate_cancel" >/dev/null
	st2=$(vm_wait_status "$CUR" 'cancelled|completed|failed' 30)
	migrate_info "$CUR"
	vm_hmp "$CUR" "migrate_set_capability pause-before-switchover off" >/dev/null
	ss=$(vm_status "$CUR")
	vm_quit vm4
	driver_trace
	last=$(dev_last_state "$CUR_BDF")
	rec src_vm "$ss"
	[ "$st" = pre-switchover ] || why="$why; status before the cancel '$st', not pre-switchover"
	[ "$st2" = cancelled ] || why="$why; status after migrate_cancel '$st2'"
	[ "$ss" = running ] || why="$why; source VM '$ss' after the cancel"
	[ "$last" = RUNNING ] || why="$why; source VF's last arc: $last"
	if [ -z "$why" ]; then
		check "$SCN" ok "pre-switchover, cancelled; source VM running, VF A RUNNING"
	else
		check "$SCN" FAIL "${why#; }"
		vm_errors "$CUR" | while IFS= read -r l; do detail "source: $l"; done
	fi
}

scn_fresh_after_cancel() {
	[ -n "$CUR" ] && vm_alive "$CUR" || { check "$SCN" FAIL "no VM on A"; return 0; }
	start_pair "$CUR" "$CUR_BDF" vm5 "$BDF_B" || return 0
	migrate_checked "$CUR" vm5 "$BDF_B"
	vm_quit "$CUR"
	CUR=vm5 CUR_BDF=$BDF_B
}

# The destination must refuse: QEMU's source may still say "completed"
# (the stream was sent), so judge by the destination.
scn_refuse_incompatible() {
	local q=4,2 out st ds ss ss2 derr last srclast refused n why=
	[ -n "$CUR" ] && vm_quit "$CUR"
	CUR=
	[ "$fault" = accept ] && q=4,4
	out=$(reload_model selftest=0 queues=$q)
	if [ -n "$out" ]; then
		check "$SCN" FAIL "reload of the model with queues=$q: $out"
		return 0
	fi
	rec dst_queues "$q"
	start_pair vm6 "$BDF_A" vm7 "$BDF_B" || return 0
	st=$(vm_migrate vm6 vm7)
	# the destination decides after the source is done: give it time
	n=0
	while vm_alive vm7 && [ $n -lt 50 ]; do
		ds=$(vm_status vm7)
		[ "$ds" = running ] && break
		usleep 200000
		n=$((n + 1))
	done
	migrate_info vm6
	ds=$(vm_status vm7)
	vm_alive vm7 || ds=exited
	derr=$(vm_errors vm7 | grep -E 'load of migration failed|error while loading state' | tr '\n' ' ')
	ss=$(vm_status vm6)
	rec src_vm "$ss"
	rec dst_vm "$ds"
	rec dst_stderr "$derr"
	# The source recovers: QEMU resumes it itself when it saw the failure;
	# when it saw "completed" (the refusal came after the stream was sent)
	# the operator's "cont" must bring VM and VF back.
	[ "$ss" = "paused (postmigrate)" ] && vm_hmp vm6 cont >/dev/null
	ss2=$(vm_status vm6)
	rec src_vm_recovered "$ss2"
	vm_quit vm7
	driver_trace
	last=$(dev_last_state "$BDF_B")
	srclast=$(dev_last_state "$BDF_A")
	rec dst_vf_last "$last"
	rec src_vf_last "$srclast"
	vm_quit vm6
	[ "$ss2" = running ] || why="$why; the source VM is '$ss2' after the refusal (and cont)"
	[ "$srclast" = RUNNING ] || why="$why; the source VF's last arc: $srclast"
	# The driver refuses on a data_fd write (MATCH is checked as it
	# arrives, in pre-copy where the kernel has it) or on RESUMING -> STOP;
	# the reason is a stream pr_debug line (dyndbg) or the arc's warning.
	refused=$(kmsg_new | grep -E "$BDF_B: migration arc to state [0-9]+ failed|vfmig: stream: .*refused" | tail -n 1)
	[ "$ds" != running ] || why="$why; the destination VM runs"
	[ -n "$derr" ] || why="$why; the destination QEMU reported no failed load"
	[ -n "$refused" ] || why="$why; the driver logged no refusal for $BDF_B"
	if [ -z "$why" ]; then
		check "$SCN" ok "source status '$st'; destination $ds; source $ss, then running; driver: ${refused#*] }"
	else
		check "$SCN" FAIL "${why#; } (source status '$st', destination $ds)"
		kmsg_new | tail -n 5 | while IFS= read -r l; do detail "dmesg: $l"; done
	fi
	# later scenarios get the usual model back
	out=$(reload_model selftest=0)
	[ -z "$out" ] || say "info reload_model: $out"
}

# ---- issue 9 part 2: our guest driver as L2's OS, traffic across the migration
# The L2 VM boots build/vfmig-l2.elf (guest/bare/, guest/README.md): the
# portable guest AVF driver drives the VF by polling, sends numbered,
# CRC32C-checked frames to the wire's reflector and checks every frame that
# comes back. QEMU migrates it from A to B while frames flow; the L2 does
# not know, and its result line on the destination's serial says what it
# saw (its variables must not be called res: l1-init.sh's say() writes to
# $res). Rate and frame size are low because L2 runs under TCG inside a TCG
# L1: building and checking a frame costs per byte. The guest takes frames
# off its rings every 50 ms (rx_batch_us), so about ten that the device
# wrote on A wait in B's RAM at the switchover: the check reads them only
# after it, which is what makes a missed dirty page visible (--fault
# drop-dirty: with every frame taken at once, often none was waiting).
L2G_ELF=/boot/vfmig-l2.elf
L2G_RATE=200
L2G_APPEND="seconds=20 rate=$L2G_RATE queues=2 maxlen=256 progress=2 poll_us=10000 rx_batch_us=50000"

# l2g_lines NAME: NAME's serial so far, whole lines only. QEMU writes the
# guest's bytes as they come, so the file can end in the middle of a line;
# a reader that took that half line would judge a result missing its tail.
l2g_lines() {
	local s="$WORK/$1.serial.snap"
	cat "$WORK/$1.serial" >"$s" 2>/dev/null || return 0
	if [ $(($(tail -c 1 "$s" | wc -l))) -eq 1 ]; then
		cat "$s"
	else
		sed '$d' "$s"
	fi
}

# l2g_wait NAME REGEX SECONDS: the last whole line of NAME's serial matching
# REGEX
l2g_wait() {
	local n=0 l
	while [ $n -lt $(($3 * 5)) ]; do
		l=$(l2g_lines "$1" | grep -a "$2" | tail -n 1)
		[ -n "$l" ] && { echo "$l"; return 0; }
		vm_alive "$1" || break
		usleep 200000
		n=$((n + 1))
	done
	return 1
}

# l2g_val LINE KEY: KEY's value in a "vfmig-l2: result|progress k=v ..." line
l2g_val() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }

l2g_serial_rec() {	# NAME: its serial lines, into the record
	tr -d '\r' <"$WORK/$1.serial" 2>/dev/null | grep -a '^vfm' | head -n 60 |
		while IFS= read -r l; do rec "l2_serial $1 $l"; done
}

scn_l2_traffic() {
	local st ss ds derr last result pre down allowed why= k v sent rcvd lost run txd rst
	[ -n "$CUR" ] && vm_quit "$CUR"
	CUR=
	rm -f "$WORK"/l2a.serial* "$WORK"/l2b.serial*
	vm_start l2a "$BDF_A" out -kernel "$L2G_ELF" -append "$L2G_APPEND" \
		-serial "file:$WORK/l2a.serial"
	vm_start l2b "$BDF_B" in -kernel "$L2G_ELF" -append "$L2G_APPEND" \
		-serial "file:$WORK/l2b.serial"
	if ! vm_ready l2a || ! vm_ready l2b; then
		check "$SCN" FAIL "QEMU did not come up (l2a: $(vm_alive l2a && echo alive || echo dead), l2b: $(vm_alive l2b && echo alive || echo dead))"
		vm_errors l2a | while IFS= read -r l; do detail "l2a: $l"; done
		vm_errors l2b | while IFS= read -r l; do detail "l2b: $l"; done
		vm_quit l2a
		vm_quit l2b
		driver_trace
		return 0
	fi
	# Frames flowing on A: the first progress line (2 s of guest time;
	# ~10 s of wall time on a quiet machine). The waits are bounded so a
	# stuck L2 is reported well inside qemu-migrate.sh's limit for L1.
	if ! pre=$(l2g_wait l2a '^vfmig-l2: progress ' 90); then
		check "$SCN" FAIL "the L2 guest never got traffic going on A: $(tr -d '\r' <"$WORK/l2a.serial" | tail -n 3 | tr '\n' ' ')"
		l2g_serial_rec l2a
		vm_quit l2a
		vm_quit l2b
		driver_trace
		return 0
	fi
	rec l2_first_progress "$pre"
	st=$(vm_migrate l2a l2b)
	migrate_info l2a
	if [ "$st" != completed ]; then
		# not converging: say what QEMU saw pending, and stop here
		grep -a 'vfio_state_pending_exact\|migration_bitmap_sync_end' "$WORK/l2a.err" |
			tail -n 4 | while IFS= read -r l; do detail "l2a: $l"; done
		vm_hmp l2a "migrate_cancel" >/dev/null
		check "$SCN" FAIL "migration A -> B did not complete within 60 s (status '$st')"
		l2g_serial_rec l2a
		vm_quit l2a
		vm_quit l2b
		driver_trace
		return 0
	fi
	down=$(sed -n 's/^downtime: *\([0-9]*\) ms.*/\1/p' "$WORK/l2a.info" | head -n 1)
	pre=$(l2g_lines l2a | grep -a "^vfmig-l2: progress " | tail -n 1 | tr -d "\r")
	result=$(l2g_wait l2b '^vfmig-l2: result ' 60 | tr -d '\r')
	ss=$(vm_status l2a)
	ds=$(vm_status l2b)
	derr=$(vm_errors l2b)
	l2g_serial_rec l2a
	l2g_serial_rec l2b
	# the arcs of the migration, before quitting adds B's RUNNING -> STOP
	driver_trace
	last=$(dev_last_state "$BDF_B")
	vm_quit l2a
	vm_quit l2b
	rec src_vm "$ss"
	rec dst_vm "$ds"
	rec l2_source_last "$pre"
	rec l2_result "$result"
	[ "$st" = completed ] || why="$why; migration status '$st'"
	[ "$last" = RUNNING ] || why="$why; destination VF's last arc: $last"
	if [ -z "$result" ]; then
		why="$why; no result line on B's serial (last: $(tr -d '\r' <"$WORK/l2b.serial" | tail -n 1))"
	else
		for k in corrupt dup rx_errors; do
			v=$(l2g_val "$result" $k)
			[ "$v" = 0 ] || why="$why; $k=$v"
		done
		v=$(l2g_val "$result" state)
		[ "$v" = RUNNING ] || why="$why; driver state $v at the end"
		sent=$(l2g_val "$result" sent)
		rcvd=$(l2g_val "$result" received)
		lost=$(l2g_val "$result" lost)
		run=$(l2g_val "$result" max_lost_run)
		txd=$(l2g_val "$result" txdone)
		rst=$(l2g_val "$result" resets)
		# the guest's clock stops with the VM: only frames in flight at
		# the switchover may go missing; allow one second of them plus
		# QEMU's downtime
		allowed=$((L2G_RATE * (1000 + ${down:-0}) / 1000))
		[ "${rcvd:-0}" -gt "$(l2g_val "$pre" received)" ] ||
			why="$why; nothing came back on B (received $rcvd, $(l2g_val "$pre" received) before the switchover)"
		[ "${lost:-1}" -le $allowed ] || why="$why; $lost frames lost (allowed $allowed)"
		[ "${run:-1}" -le $allowed ] || why="$why; $run frames lost in a row (allowed $allowed)"
		[ "$rst" != 0 ] || [ "$txd" = "$sent" ] ||
			why="$why; TX ring: $txd of $sent frames completed without a VF reset"
	fi
	if [ -z "$why" ]; then
		check "$SCN" ok "A -> B with frames flowing (QEMU downtime ${down:-?} ms): $sent sent, $rcvd back intact, $lost lost (longest run $run, allowed $allowed), 0 corrupt, 0 dup, longest silence $(l2g_val "$result" max_gap_ms) ms of guest time, VF resets $rst, TX $txd/$sent completed"
	else
		check "$SCN" FAIL "${why#; }"
		[ -z "$derr" ] || echo "$derr" | while IFS= read -r l; do detail "destination: $l"; done
		kmsg_new | tail -n 5 | while IFS= read -r l; do detail "dmesg: $l"; done
	fi
}
