#!/bin/busybox sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the L1 guest of tests/qemu/qemu-migrate.sh (packed by
# tests/kernel/mkinitramfs.sh --init). The L1 kernel is Debian's; QEMU 10
# (the host's binary, staged with its libraries by stage-qemu.sh) runs in
# it as the migration engine: L2 VMs get the model-backed VFs with
# -device vfio-pci,enable-migration=on and are migrated between them.
#
# Loads the vfio stack and our modules (vfmig_portable with selftest=0: the
# boot test runs the self-tests), binds both edu devices to i40e_vfio_pci
# (VF 0 of model PF 0 = A, VF 0 of model PF 1 = B), sets kprobe events on
# the driver's migration entry points (tracefs: no driver change needed),
# then runs the scenarios of /etc/vfmig/scenarios.sh in order. Report lines
# on the second serial port (a file on the host), as tests/kernel/init.sh:
#
#   check ID ok|FAIL DETAIL     one per scenario (and setup step)
#   detail TEXT                 explanation of the check before it
#   info KEY VALUE              facts
#   rec SCENARIO KEY VALUE      measured values, into the host's JSON
#   done                        ran to the end
#
# Kernel command line: vfmig.fault=accept (the refusal scenario's
# destination model gets as many queue pairs as the source: its check must
# fail), vfmig.fault=no-result (the first migration's result is not
# recorded: its check must fail), vfmig.fault=warning (a fake WARNING),
# vfmig.fault=drop-dirty (vfmig_portable.ko drop_dirty=1 empties the driver's
# dirty reports: l2_traffic must fail), vfmig.fault=timer-stall (on the
# first boot, vfmig.boot=1: the kernel line of a lost timer, then nothing
# more - the host must boot L1 again).
#
# Helpers for scenarios (see scenarios.sh): vm_start, vm_hmp, vm_migrate,
# vm_status, vm_quit, vm_wait_status, migrate_info, driver_trace, reload_model.

# ---- L1 ----------------------------------------------------------------------
if [ -z "${VFMIG_L1_LIB:-}" ]; then
	/bin/busybox mkdir -p /proc /sys /dev /tmp
	/bin/busybox mount -t proc proc /proc
	/bin/busybox mount -t sysfs sysfs /sys
	/bin/busybox mount -t devtmpfs devtmpfs /dev
	/bin/busybox --install -s
	exec </dev/console >/dev/console 2>&1
	export PATH=/bin:/sbin:/usr/bin:/usr/sbin
	res=/dev/ttyS1
	[ -c $res ] || res=/dev/null
fi
: "${res:=/dev/stderr}"
: "${WORK:=/tmp}"
: "${QEMU:=qemu-system-x86_64}"
drv=i40e_vfio_pci
tr=/sys/kernel/tracing

say() {
	echo "$*" >$res
	echo "@@vfmig $*"
}
check() { say "check $*"; }
detail() { say "detail $*"; }
SCN=setup
rec() { say "rec $SCN $*"; }
now() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# ---- L2 VMs --------------------------------------------------------------------
# A VM is a name: its files are $WORK/NAME.{in,out} (HMP pipes), .hmp (all
# monitor output), .err (QEMU's stderr: trace lines and errors), .pid, .port.
# Writes go through "1<>", which never blocks, even on a QEMU that died.
next_port=4444

# vm_start NAME BDF in|out [EXTRA QEMU ARGS...]: "in" waits for a migration
# on the next free port. $L2_ARGS (scenarios.sh) is the L2 command line.
vm_start() {
	local name=$1 bdf=$2 dir=$3 f
	shift 3
	for f in in out hmp err pid port; do rm -f "$WORK/$name.$f"; done
	mkfifo "$WORK/$name.in" "$WORK/$name.out"
	cat "$WORK/$name.out" >"$WORK/$name.hmp" &
	set -- $L2_ARGS -device "vfio-pci,host=$bdf,id=vf0,enable-migration=on" \
		-monitor "pipe:$WORK/$name" $L2_TRACE "$@"
	if [ "$dir" = in ]; then
		echo $next_port >"$WORK/$name.port"
		set -- "$@" -incoming "tcp:127.0.0.1:$next_port"
		next_port=$((next_port + 1))
	fi
	echo "$QEMU $*" >"$WORK/$name.cmd"
	"$QEMU" "$@" 2>"$WORK/$name.err" </dev/null >/dev/null &
	echo $! >"$WORK/$name.pid"
}

vm_alive() { kill -0 "$(cat "$WORK/$1.pid" 2>/dev/null)" 2>/dev/null; }

# vm_hmp NAME CMD: the command's output (everything up to the next prompt);
# status 1 when no prompt came within 20 s.
vm_hmp() {
	local name=$1 off n=0 out
	off=$(($(wc -c <"$WORK/$name.hmp") + 1))
	echo "$2" 1<>"$WORK/$name.in"
	while [ $n -lt 200 ]; do
		out=$(tail -c +$off "$WORK/$name.hmp" | tr -d '\r')
		# readline echoes the command (with cursor moves) on the first line
		case $out in *"(qemu)"*)
			echo "$out" | sed '1d;/^(qemu)/d'
			return 0 ;;
		esac
		vm_alive "$name" || break
		usleep 100000
		n=$((n + 1))
	done
	return 1
}

# The first prompt says the monitor is up; for "in", the port must listen.
vm_ready() {	# NAME
	local name=$1 n=0 port hex
	while [ $n -lt 300 ]; do
		vm_alive "$name" || return 1
		if grep -q '(qemu)' "$WORK/$name.hmp" 2>/dev/null; then
			[ -f "$WORK/$name.port" ] || return 0
			port=$(cat "$WORK/$name.port")
			hex=$(printf '%04X' "$port")
			grep -q "^ *[0-9]*: [0-9A-F]*:$hex 00000000:0000 0A" /proc/net/tcp && return 0
		fi
		usleep 100000
		n=$((n + 1))
	done
	return 1
}

# "running", "paused (postmigrate)", "paused (inmigrate)", ...
vm_status() { vm_hmp "$1" "info status" | sed -n 's/^VM status: //p'; }

# "Migration status: X" of "info migrate" (completed, failed, active, ...).
migrate_status() {
	vm_hmp "$1" "info migrate" | sed -n 's/^Migration status: *\([a-z-]*\).*/\1/p' | head -n 1
}

# vm_wait_status NAME REGEX SECONDS: wait until the migration status matches.
vm_wait_status() {
	local n=0 st=
	while [ $n -lt $(($3 * 5)) ]; do
		st=$(migrate_status "$1")
		echo "$st" | grep -qE "^($2)\$" && { echo "$st"; return 0; }
		vm_alive "$1" || break
		usleep 200000
		n=$((n + 1))
	done
	echo "${st:-none}"
	return 1
}

# vm_migrate_start SRC DST: $MIGRATE_SETUP (scenarios.sh) on SRC, then
# migrate -d to DST's port. A setup command that answers (HMP is silent on
# success) goes into the record.
vm_migrate_start() {
	local c out
	echo "$MIGRATE_SETUP" | while IFS= read -r c; do
		[ -n "$c" ] || continue
		out=$(vm_hmp "$1" "$c")
		[ -z "$out" ] || rec migrate_setup_error "$c: $out"
	done
	vm_hmp "$1" "migrate -d tcp:127.0.0.1:$(cat "$WORK/$2.port")" >/dev/null
}

# vm_migrate SRC DST: migrate and wait (60 s, then migrate_cancel); prints
# the final status.
vm_migrate() {
	vm_migrate_start "$1" "$2"
	vm_wait_status "$1" 'completed|failed|cancelled' 60 && return 0
	vm_hmp "$1" migrate_cancel >/dev/null
	vm_wait_status "$1" 'completed|failed|cancelled' 10 >/dev/null
	echo "timeout"
}

# migrate_info NAME: "info migrate" of a source as rec lines (status,
# times in ms, transferred bytes, the vfio channel's bytes, dirty syncs).
migrate_info() {
	vm_hmp "$1" "info migrate" >"$WORK/$1.info"
	sed 's/^/#   /' "$WORK/$1.info" >>"$WORK/$1.infolog"
	# "Migration status: completed", "total time: 22 ms", "downtime: 6 ms",
	# "setup: 1 ms", "dirty sync count: 2", "transferred ram: 722 kbytes",
	# "vfio device transferred: 1 kbytes" (QEMU 10.0's HMP layout)
	awk -F': *' '
	/^Migration status:/ { split($2, w, " "); print "status", w[1]; if ($2 ~ /\(/) { r = $0; sub(/^[^(]*\(/, "", r); sub(/\)$/, "", r); print "error", r } next }
	NF == 2 && $1 ~ /^[a-z][a-z -]*$/ && $2 ~ /^-?[0-9.]+( [a-z]+)?$/ {
		k = $1; gsub(/[ -]/, "_", k); split($2, v, " ")
		if (k == "total_time") k = "total"; else if (k == "downtime") k = "down"
		else if (k == "dirty_sync_count") k = "dirty_syncs"
		else if (v[2] != "" && v[2] != "ms") k = k "_" v[2]
		print k, v[1]
	}
' "$WORK/$1.info" | while read -r k v; do rec "qemu_$k" "$v"; done
}

# vm_quit NAME: "quit", then SIGKILL after 10 s.
vm_quit() {
	local n=0 pid
	pid=$(cat "$WORK/$1.pid" 2>/dev/null) || return 0
	vm_alive "$1" && echo quit 1<>"$WORK/$1.in"
	while vm_alive "$1" && [ $n -lt 100 ]; do usleep 100000; n=$((n + 1)); done
	vm_alive "$1" && kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	vm_log "$1"
	rm -f "$WORK/$1.pid"
}

# At most the first 8 and the last 4 lines of each kind (first word, after
# an optional "PID@TIME:" prefix), then "squeezed KIND N": a migration
# that loops must not flood the serial port (slow under TCG).
squeeze() {
	awk '{
		k = $1; sub(/^[0-9]+@[0-9.]+:/, "", k); if (k == "drv") k = k " " $2
		n[k]++
		if (n[k] <= 8) { print; next }
		tail[k, n[k] % 4] = $0
	}
	END {
		for (k in n) if (n[k] > 8) {
			print "squeezed " k " " n[k] - 8 " more lines, the last:"
			for (i = n[k] - 3; i <= n[k]; i++) if (i > 8) print tail[k, i % 4]
		}
	}'
}

# QEMU's stderr and trace lines of a VM, as rec lines of the scenario.
vm_log() {
	[ -f "$WORK/$1.err" ] || return 0
	squeeze <"$WORK/$1.err" | while IFS= read -r l; do rec "qemu_log $1 $l"; done
	rm -f "$WORK/$1.err"
}

vm_errors() { grep -v '^[0-9]*@[0-9.]*:\|^vfio_' "$WORK/$1.err" 2>/dev/null | head -n 5; }

# ---- the driver, seen through kprobe events ----------------------------------
# The first member of struct vfio_device is the parent struct device *, whose
# first member (kobject) starts with the name: the BDF.
KPROBES="
p:vfmig/set_state $drv:i40e_vfio_set_device_state dev=+0(+0(+0(%di))):string target=%si:u32
r:vfmig/set_state_ret $drv:i40e_vfio_set_device_state ret=\$retval:x64
p:vfmig/arc $drv:vfmig_vfdev_set_state next=%si:u32
r:vfmig/arc_ret $drv:vfmig_vfdev_set_state ret=\$retval:s32
r:vfmig/precopy_info $drv:vfmig_vfdev_precopy_info ret=\$retval:s32
p:vfmig/log_start $drv:i40e_vfio_log_start dev=+0(+0(+0(%di))):string nranges=%dx:u32
r:vfmig/log_start_ret $drv:i40e_vfio_log_start ret=\$retval:s32
p:vfmig/log_stop $drv:i40e_vfio_log_stop dev=+0(+0(+0(%di))):string
p:vfmig/log_report $drv:i40e_vfio_log_read_and_clear dev=+0(+0(+0(%di))):string iova=%si:x64 length=%dx:x64
r:vfmig/log_report_ret $drv:i40e_vfio_log_read_and_clear ret=\$retval:s32
p:vfmig/dirty_set $drv:i40e_vfio_dirty_set iova=%si:x64 length=%dx:x64
r:vfmig/save_read $drv:i40e_vfio_save_read ret=\$retval:s64
r:vfmig/resume_write $drv:i40e_vfio_resume_write ret=\$retval:s64
"

trace_setup() {
	local l bad=
	[ -e $tr/kprobe_events ] || mount -t tracefs nodev $tr 2>/dev/null ||
		mount -t debugfs nodev /sys/kernel/debug
	[ -d $tr ] || tr=/sys/kernel/debug/tracing
	echo 16384 >$tr/buffer_size_kb
	echo "$KPROBES" | while IFS= read -r l; do
		[ -n "$l" ] || continue
		echo "$l" >>$tr/kprobe_events 2>/dev/null || echo "${l%% *}"
	done >$WORK/kprobe.bad
	bad=$(tr '\n' ' ' <$WORK/kprobe.bad)
	echo 1 >$tr/events/vfmig/enable 2>/dev/null || bad="$bad (no events/vfmig)"
	echo 1 >$tr/tracing_on
	: >$tr/trace
	echo "$bad"
}

# driver_trace: this scenario's driver events (then cleared), as
# "rec SCN drv EVENT k=v..." lines, and the arcs per device as
# "rec SCN arcs BDF S1>S2>..." (kernel state names) with failed ones "!".
driver_trace() {
	cat $tr/trace 2>/dev/null | grep -v '^#' >$WORK/trace.$SCN
	: >$tr/trace
	awk '
	BEGIN { split("ERROR STOP RUNNING STOP_COPY RESUMING RUNNING_P2P PRE_COPY PRE_COPY_P2P", n, " ")
		for (i = 1; i <= 8; i++) name[i - 1] = n[i] }
	{
		pid = $1; sub(/.*-/, "", pid)
		ev = ""; for (i = 1; i <= NF; i++) if ($i ~ /^(set_state|set_state_ret|arc|arc_ret|precopy_info|log_start|log_start_ret|log_stop|log_report|log_report_ret|dirty_set|save_read|resume_write):$/) { ev = $i; f = i; break }
		if (ev == "") next
		sub(/:$/, "", ev)
		args = ""; for (i = f + 1; i <= NF; i++) if ($i ~ /=/) args = args " " $i
		gsub(/"/, "", args)
		if (ev == "set_state") { match(args, /dev=[^ ]*/); dev[pid] = substr(args, RSTART + 4, RLENGTH - 4) }
		if (ev == "log_report") { match(args, /dev=[^ ]*/); reports[substr(args, RSTART + 4, RLENGTH - 4)]++ }
		if (ev == "arc") { match(args, /next=[0-9]*/); nx[pid] = substr(args, RSTART + 5, RLENGTH - 5) + 0 }
		if (ev == "arc_ret") {
			match(args, /ret=-?[0-9]*/); r = substr(args, RSTART + 4, RLENGTH - 4) + 0
			d = dev[pid]; if (d == "") d = "?"
			arcs[d] = arcs[d] ">" name[nx[pid]] (r ? "!" r : "")
		}
		if (ev == "precopy_info") { pi++ }
		if (ev == "save_read") { match(args, /ret=-?[0-9]*/); r = substr(args, RSTART + 4, RLENGTH - 4) + 0; if (r > 0) saved += r; else if (r < 0) save_err[r]++ }
		if (ev == "resume_write") { match(args, /ret=-?[0-9]*/); r = substr(args, RSTART + 4, RLENGTH - 4) + 0; if (r > 0) resumed += r; else if (r < 0) res_err++ }
		if (ev == "dirty_set") dirty++
		if (ev != "dirty_set" && ev != "save_read" && ev != "resume_write") print "drv " ev args
	}
	END {
		for (d in arcs) print "arcs " d " " substr(arcs[d], 2)
		for (d in reports) print "log_reports " d " " reports[d]
		print "precopy_info_calls " pi + 0
		print "dirty_set_calls " dirty + 0
		print "save_bytes " saved + 0
		print "resume_bytes " resumed + 0
		if (res_err) print "resume_write_errors " res_err
	}' $WORK/trace.$SCN | squeeze | while IFS= read -r l; do rec "$l"; done
}

# The last arc the driver walked on BDF succeeded and ended in STATE.
dev_last_state() {	# BDF (of the trace just recorded in $WORK/trace.$SCN)
	awk -v d="$1" '
	{ pid = $1; sub(/.*-/, "", pid) }
	/ set_state: / { match($0, /dev="?[^ "]*/); cur[pid] = substr($0, RSTART + 4, RLENGTH - 4); gsub(/"/, "", cur[pid]) }
	/ arc: / && cur[pid] == d { match($0, /next=[0-9]*/); nx = substr($0, RSTART + 5, RLENGTH - 5) }
	/ arc_ret: / && cur[pid] == d { match($0, /ret=-?[0-9]*/); last = (substr($0, RSTART + 4, RLENGTH - 4) + 0 == 0) ? nx : "failed" }
	END { split("ERROR STOP RUNNING STOP_COPY RESUMING RUNNING_P2P PRE_COPY PRE_COPY_P2P", n, " ")
		if (last == "failed") print "failed"; else if (last != "") print n[last + 1]; else print "none" }' \
		$WORK/trace.$SCN
}

# Kernel messages since the scenario began, for details and the record.
kmsg_mark() { dmesg | wc -l >$WORK/kmsg.mark; }
kmsg_new() { dmesg | tail -n +$(($(cat $WORK/kmsg.mark 2>/dev/null || echo 0) + 1)); }

# ---- binding -------------------------------------------------------------------
edus() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ] && echo "${d##*/}"
	done
}

bind_all() {	# BDF... -> i40e_vfio_pci; prints what went wrong
	local b dev cur
	for b in "$@"; do
		dev=/sys/bus/pci/devices/$b
		echo $drv >"$dev/driver_override"
		echo "$b" >/sys/bus/pci/drivers_probe 2>/dev/null
		cur=$(readlink "$dev/driver" 2>/dev/null)
		[ "${cur##*/}" = $drv ] || echo "$b not bound (driver ${cur:-none})"
	done
}

unbind_all() {
	local b
	for b in "$@"; do
		[ -e /sys/bus/pci/drivers/$drv/$b ] && echo "$b" >/sys/bus/pci/drivers/$drv/unbind
		echo >"/sys/bus/pci/devices/$b/driver_override"
	done
}

# reload_model ARGS: unbind both VFs, reload vfmig_portable with ARGS, bind
# again. Prints what went wrong (nothing: fine).
reload_model() {
	local out
	unbind_all $BDF_A $BDF_B
	rmmod vfmig_portable 2>&1 || return 0
	out=$(insmod /lib/modules/vfmig/vfmig_portable.ko "$@" $MODEL_FAULT 2>&1) ||
		{ echo "insmod vfmig_portable $* $MODEL_FAULT: $out"; return 0; }
	bind_all $BDF_A $BDF_B
}

[ -n "${VFMIG_L1_LIB:-}" ] && return 0

# ---- main ----------------------------------------------------------------------
fault=
boot=
read -r cmdline </proc/cmdline
for w in $cmdline; do
	case $w in
	vfmig.fault=*) fault=${w#vfmig.fault=} ;;
	vfmig.boot=*) boot=${w#vfmig.boot=} ;;
	esac
done
if [ "$fault" = timer-stall ] && [ "${boot:-1}" = 1 ]; then
	echo "<3>rcu: rcu_preempt kthread timer wakeup didn't happen for 5252 jiffies! (injected by vfmig.fault=timer-stall)" >/dev/kmsg
	while :; do sleep 3600; done
fi
# vfmig_portable's arguments for the fault, on every load of it
MODEL_FAULT=
[ "$fault" = drop-dirty ] && MODEL_FAULT=drop_dirty=1
ip link set lo up
say "info uptime_at_init_s $(now)"
say "info guest_kernel $(uname -r)"
[ "$fault" = warning ] &&
	echo "<4>WARNING: CPU: 0 PID: 1 at tests/qemu/l1-init.sh: injected by vfmig.fault=warning" >/dev/kmsg

# Dependencies in load order (mkinitramfs.sh: /etc/vfmig/deps), as init.sh.
failed=
while read -r kind name; do
	[ -n "$name" ] && [ ! -d /sys/module/"$name" ] || continue
	out=$(insmod "/lib/modules/deps/$name.ko" 2>&1) ||
		{ [ "$kind" = req ] && failed="$failed $name: $out"; }
done </etc/vfmig/deps
# dyndbg: the driver's and the core's pr_debug lines reach the kernel log.
out=$(insmod /lib/modules/vfmig/$drv.ko dyndbg=+p 2>&1) || failed="$failed $drv: $out"
out=$(insmod /lib/modules/vfmig/vfmig_portable.ko selftest=0 $MODEL_FAULT 2>&1) ||
	failed="$failed vfmig_portable: $out"
# shellcheck disable=SC2046
set -- $(edus)
BDF_A=${1:-}
BDF_B=${2:-}
if [ -z "$failed" ] && [ -n "$BDF_B" ]; then
	failed=$(bind_all "$BDF_A" "$BDF_B")
	for b in $BDF_A $BDF_B; do
		dmesg | grep -q "$b: VF [0-9]* served by .*: migration enabled" ||
			failed="$failed; $b: no 'migration enabled' in the kernel log"
	done
elif [ -z "$BDF_B" ]; then
	failed="$failed; two edu devices needed, found: $*"
fi
if [ -z "$failed" ]; then
	check setup ok "modules loaded; $BDF_A (A, model PF 0) and $BDF_B (B, model PF 1) bound, migration enabled"
else
	check setup FAIL "${failed#; }"
	dmesg | tail -n 10 | while IFS= read -r l; do detail "dmesg: $l"; done
fi
# where our modules are (an L1 hang is located from the host by RIP)
say "info modules $(awk '$1 ~ /vfio|vfmig/ { printf "%s@%s ", $1, $6 }' /proc/modules)"
say "info vf_a $BDF_A"
say "info vf_b $BDF_B"
[ -r /sys/kernel/debug/dynamic_debug/control ] || mount -t debugfs nodev /sys/kernel/debug 2>/dev/null
say "info dyndbg_sites $(grep -c "\[$drv\]" /proc/dynamic_debug/control 2>/dev/null || echo 0)"
bad=$(trace_setup)
if [ -z "$bad" ]; then
	say "info kprobes $(grep -c vfmig/ $tr/kprobe_events)"
else
	say "info kprobes_missing $bad"
fi
say "info qemu $($QEMU --version | head -n 1)"

. /etc/vfmig/scenarios.sh
# QEMU's own view, on each VM's stderr (trace backend "log").
printf '%s\n' $QEMU_TRACE_EVENTS >$WORK/qemu-trace.events
L2_TRACE="-trace events=$WORK/qemu-trace.events"
# A scenario stuck for 180 s (the slowest takes ~40 s; L1 has 300 s in all):
# the kernel's view of it (blocked tasks, every
# CPU's backtrace) goes to the console before the host's timeout kills L1.
(
	while sleep 10; do
		[ -f $WORK/scn.t0 ] || continue
		read -r sname st0 <$WORK/scn.t0
		[ "$(awk -v a="$st0" -v b="$(now)" 'BEGIN { print (b - a > 180) }')" = 1 ] || continue
		say "info watchdog: scenario $sname stuck for 180 s; sysrq w and l follow on the console"
		echo w >/proc/sysrq-trigger
		echo l >/proc/sysrq-trigger
		rm -f $WORK/scn.t0
	done
) &
wdog=$!
if [ -z "$failed" ]; then
	scenario_list >$WORK/scenarios
	while IFS='|' read -r name desc <&3; do
		[ -n "$name" ] || continue
		SCN=$name
		kmsg_mark
		t0=$(now)
		say "begin $name"
		echo "$name $t0" >$WORK/scn.t0
		"scn_$name" </dev/null
		rm -f $WORK/scn.t0
		rec wall_s "$(elapsed "$t0")"
		kmsg_new | while IFS= read -r l; do rec "kmsg $l"; done
	done 3<$WORK/scenarios
fi

kill $wdog 2>/dev/null
SCN=teardown
for f in $WORK/*.pid; do
	[ -f "$f" ] || continue
	f=${f##*/}
	vm_quit "${f%.pid}"
done
unbind_all $BDF_A $BDF_B
rmmod vfmig_portable 2>/dev/null
rmmod $drv 2>/dev/null
say "info tainted $(cat /proc/sys/kernel/tainted)"
say "done"
sync
poweroff -f
