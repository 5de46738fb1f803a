// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfmig-lab: the lab CLI (issue 4 section 3).
 *
 *   vfmig-lab migrate [options]   live-migrate a VM whose VF carries traffic
 *   vfmig-lab save --out FILE     run traffic, write the VF's device stream
 *   vfmig-lab load --in FILE      feed a stream to a fresh destination VF
 *   vfmig-lab demo                one migration with a human summary
 *
 * Exit codes: 0 ok; 1 migration refused or cancelled cleanly (the source
 * kept running, checks passed); 2 usage error (load: stream rejected);
 * 3 a check failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>
#include <vfmig/fsm.h>
#include "cli.h"
#include "sim.h"

static const char *cmd = "vfmig-lab";

void lab_usage_error(const char *sub, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", cmd, sub);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s %s --help')\n", cmd, sub);
	exit(LAB_EXIT_USAGE);
}

static const char migrate_help[] =
"usage: vfmig-lab migrate [options]\n"
"\n"
"Boot a guest (the guest AVF driver) on VF 0 of simulated host A, run\n"
"sequence-numbered, checksummed traffic between it and a peer on the wire,\n"
"live-migrate it to VF 1 of host B (device dirty logging, iterative RAM\n"
"pre-copy, switchover-ack, stop-copy, resume), keep the traffic running and\n"
"check everything: device pages missed by the tracker, RAM differences,\n"
"frames lost, duplicated or corrupted.\n"
"\n"
"guest and traffic:\n"
"  --queues N            queue pairs of the VF and the guest (1..16, default 4)\n"
"  --ring N              descriptors per ring (64..4096, multiple of 32; default 512)\n"
"  --ram-mib N           guest RAM (default: what the rings need, at least 32)\n"
"  --seconds S           virtual seconds of traffic (default 1; runs longer\n"
"                        if the migration needs it)\n"
"  --rate PPS            frames per second in each direction (default 20000)\n"
"  --traffic T           idle | rx | tx | bidir (default bidir)\n"
"  --dirty-rate N        guest CPU page writes per second (default 4000)\n"
"  --seed N              reproduce a run exactly (default 1)\n"
"migration:\n"
"  --bandwidth B         migration link, bits/s: 10G, 2.5G, 800M (default 10G)\n"
"  --downtime-limit MS   switch over when the rest fits (default 300)\n"
"  --max-rounds N        switch over after N rounds anyway (default 30)\n"
"  --migrate-at F        start after this fraction of --seconds (default 0.25)\n"
"  --no-device-precopy   no PRE_COPY: the device state moves in stop-copy only\n"
"  --cancel-at STATE     abort there: PRE_COPY, PRE_COPY_P2P, RUNNING_P2P,\n"
"                        STOP, STOP_COPY (source side) or RESUMING (destination);\n"
"                        RUNNING_P2P and STOP imply --no-device-precopy\n"
"  --dest-max-queues N   the destination VF has only N queue pairs\n"
"the kernel lab (real VFIO devices bound to i40e_vfio_pci; the boot test):\n"
"  --vfio SRC_BDF        run the guest on this device instead of a simulated\n"
"                        host and migrate it, in real time, to --to's device;\n"
"                        each has a type1 container with its own guest RAM\n"
"                        at IOVA 0; device DMA logging where the kernel has\n"
"                        it, else every page dirty at every sync (as QEMU);\n"
"                        PRE_COPY where the kernel has it. The guest polls\n"
"                        and sends its frames to --reflector, which sends\n"
"                        them back; --seconds are real seconds. Not with\n"
"                        --cancel-at, --dest-max-queues, --step-us,\n"
"                        --debug-corrupt-frames or --traffic rx|tx; a\n"
"                        migration that does not complete is exit 3\n"
"  --to DST_BDF          the destination device (another IOMMU group)\n"
"  --reflector MAC       where the wire reflects frames (default\n"
"                        02:76:66:6d:69:67, tests/kbuild/model_backend.c's)\n"
"  --cpu-tracking T      auto | uffd | mprotect: guest CPU write tracking\n"
"                        (auto: userfaultfd WP_ASYNC + PAGEMAP_SCAN where the\n"
"                        kernel has them, 6.7+; else mprotect)\n"
"output:\n"
"  --json FILE           the report (issue 4 keys; '-' for stdout)\n"
"  --stats FILE          more figures (rounds, tracker, CPU tracking) as JSON\n"
"  --quiet               no human summary\n"
"\n"
"exit: 0 migrated and every check passed; 1 refused or cancelled cleanly\n"
"(source kept running, checks passed); 2 usage error; 3 a check failed.\n";

static const char save_help[] =
"usage: vfmig-lab save --out FILE [--queues N] [--ring N] [--ram-mib N]\n"
"                      [--seconds S] [--rate PPS] [--traffic T] [--seed N] [--quiet]\n"
"\n"
"Boot a guest on a simulated VF, run traffic for --seconds x 0.25, take the\n"
"VF to PRE_COPY (MATCH, CONFIG), keep the traffic going for 5 ms, stop the\n"
"vCPU, take it to STOP_COPY and write the whole device-state stream (pre-copy\n"
"then stop-copy data, docs/stream-format.md) to FILE.\n"
"exit: 0 written; 2 usage error; 3 failure.\n";

static const char load_help[] =
"usage: vfmig-lab load --in FILE [--queues N] [--seed N] [--quiet]\n"
"\n"
"Feed FILE to a fresh destination VF (N queue pairs, default 16) through the\n"
"resume path in writes of random sizes, then RESUMING -> STOP. A rejected\n"
"stream is reported with a one-line reason on stderr. Either way the VF is\n"
"then reset and checked to be exactly as new; a refused RESUMING -> STOP\n"
"must not have touched it at all.\n"
"exit: 0 accepted; 2 rejected (or usage error); 3 the VF was left changed.\n";

static const char demo_help[] =
"usage: vfmig-lab demo [--seed N]\n"
"\n"
"One live migration in the in-process lab (4 queue pairs x 512, bidirectional\n"
"test traffic) with a human summary. The full demo, with the hosts as\n"
"processes in network namespaces, iperf3 through the VF and a throughput\n"
"plot, is `make demo` (scripts/demo.sh; docs/lab.md section 7).\n";

static const char main_help[] =
"usage: vfmig-lab COMMAND [options]\n"
"\n"
"Two simulated hosts with X710 PFs, in one process or (the netns lab) as\n"
"processes in network namespaces; a VM whose SR-IOV VF carries traffic is\n"
"live-migrated between them.\n"
"\n"
"commands:\n"
"  migrate   live-migrate a VM with traffic and check everything\n"
"  save      write a VF's device-state stream to a file\n"
"  load      feed a device-state stream to a fresh destination VF\n"
"  demo      one in-process migration with a human summary\n"
"netns lab (make demo, scripts/demo.sh):\n"
"  host      one host as a process: model PF, agent, driver core, the VM\n"
"  capture   the peer side's libpcap view of the VM's traffic\n"
"  report    merge hosts, capture and iperf3 into report.json and a plot\n"
"  json      print values from a JSON file (for scripts)\n"
"  help      this text\n"
"\n"
"'vfmig-lab COMMAND --help' describes each command. docs/lab.md explains\n"
"what is simulated, what is real, and every field of the report.\n";

/* ---- parsing ---------------------------------------------------------------- */

u64 lab_parse_u64(const char *sub, const char *opt, const char *v, u64 lo, u64 hi)
{
	char *end;
	unsigned long long x;

	if (!v || !*v || *v == '-')
		lab_usage_error(sub, "%s needs a number", opt);
	errno = 0;
	x = strtoull(v, &end, 0);
	if (errno || *end)
		lab_usage_error(sub, "%s: '%s' is not a number", opt, v);
	if (x < lo || x > hi)
		lab_usage_error(sub, "%s %llu is out of range (%llu..%llu)", opt, x,
			    (unsigned long long)lo, (unsigned long long)hi);
	return x;
}

double lab_parse_double(const char *sub, const char *opt, const char *v,
			double lo, double hi)
{
	char *end;
	double x;

	if (!v || !*v)
		lab_usage_error(sub, "%s needs a number", opt);
	errno = 0;
	x = strtod(v, &end);
	if (errno || *end || x != x)
		lab_usage_error(sub, "%s: '%s' is not a number", opt, v);
	if (x < lo || x > hi)
		lab_usage_error(sub, "%s %s is out of range (%g..%g)", opt, v, lo, hi);
	return x;
}

u64 lab_parse_bandwidth(const char *sub, const char *opt, const char *v)
{
	double x, mult = 1;
	char *end;

	if (!v || !*v)
		lab_usage_error(sub, "%s needs a rate", opt);
	x = strtod(v, &end);
	if (*end == 'G' || *end == 'g')
		mult = 1e9;
	else if (*end == 'M' || *end == 'm')
		mult = 1e6;
	else if (*end == 'K' || *end == 'k')
		mult = 1e3;
	if (mult != 1)
		end++;
	if (!strcasecmp(end, "bit") || !strcasecmp(end, "bps") || !strcasecmp(end, "b/s"))
		end += strlen(end);
	if (*end || x != x)
		lab_usage_error(sub, "%s: '%s' is not a rate (10G, 2.5G, 800M)", opt, v);
	x *= mult;
	if (x < 1e6 || x > 1e12)
		lab_usage_error(sub, "%s %s is out of range (1M..1000G)", opt, v);
	return (u64)x;
}

static int parse_cancel_state(const char *sub, const char *v)
{
	static const struct { const char *n; int s; } t[] = {
		{ "PRE_COPY", VFMIG_MIG_PRE_COPY },
		{ "PRE_COPY_P2P", VFMIG_MIG_PRE_COPY_P2P },
		{ "RUNNING_P2P", VFMIG_MIG_RUNNING_P2P },
		{ "STOP", VFMIG_MIG_STOP },
		{ "STOP_COPY", VFMIG_MIG_STOP_COPY },
		{ "RESUMING", VFMIG_MIG_RESUMING },
	};
	u32 i;

	for (i = 0; v && i < ARRAY_SIZE(t); i++)
		if (!strcasecmp(v, t[i].n))
			return t[i].s;
	lab_usage_error(sub, "--cancel-at %s: a migration can be cancelled in PRE_COPY, PRE_COPY_P2P, RUNNING_P2P, STOP, STOP_COPY or RESUMING",
		    v ? v : "(nothing)");
}

static enum lab_traffic parse_traffic(const char *sub, const char *v)
{
	if (v && !strcmp(v, "idle"))
		return LAB_TRAFFIC_IDLE;
	if (v && !strcmp(v, "rx"))
		return LAB_TRAFFIC_RX;
	if (v && !strcmp(v, "tx"))
		return LAB_TRAFFIC_TX;
	if (v && !strcmp(v, "bidir"))
		return LAB_TRAFFIC_BIDIR;
	lab_usage_error(sub, "--traffic %s: use idle, rx, tx or bidir", v ? v : "(nothing)");
}

static void parse_mac(const char *sub, const char *opt, const char *v, u8 *mac)
{
	unsigned int b[6];
	int used = -1, i;

	if (!v || sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3],
			 &b[4], &b[5], &used) != 6 || used != (int)strlen(v))
		lab_usage_error(sub, "%s %s: a MAC address is six hex bytes with colons (02:76:66:6d:69:67)",
				opt, v ? v : "(nothing)");
	for (i = 0; i < 6; i++)
		mac[i] = (u8)b[i];
	if (mac[0] & 1)
		lab_usage_error(sub, "%s %s is a multicast address: the reflector needs a unicast one",
				opt, v);
}

/* A PCI device the kernel knows, as "DDDD:BB:DD.F". */
static const char *parse_bdf(const char *sub, const char *opt, const char *v)
{
	unsigned int dom, bus, dev, fn;
	char path[96];
	int used = -1;

	if (!v || sscanf(v, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &used) != 4 ||
	    used != (int)strlen(v) || strlen(v) != 12)
		lab_usage_error(sub, "%s %s: a PCI address is DDDD:BB:DD.F (0000:01:00.0)",
				opt, v ? v : "(nothing)");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", v);
	if (access(path, F_OK))
		lab_usage_error(sub, "%s %s: no such PCI device (%s: %s)", opt, v, path,
				strerror(errno));
	return v;
}

enum { F_MIGRATE = 1, F_SAVE = 2, F_LOAD = 4, F_GUEST = F_MIGRATE | F_SAVE };

struct opt {
	const char *name;
	bool arg;
	u32 where;
};

static const struct opt opts[] = {
	{ "queues", true, F_MIGRATE | F_SAVE | F_LOAD },
	{ "ring", true, F_GUEST },
	{ "ram-mib", true, F_GUEST },
	{ "seconds", true, F_GUEST },
	{ "rate", true, F_GUEST },
	{ "traffic", true, F_GUEST },
	{ "dirty-rate", true, F_GUEST },
	{ "seed", true, F_MIGRATE | F_SAVE | F_LOAD },
	{ "quiet", false, F_MIGRATE | F_SAVE | F_LOAD },
	{ "cancel-at", true, F_MIGRATE },
	{ "dest-max-queues", true, F_MIGRATE },
	{ "json", true, F_MIGRATE },
	{ "stats", true, F_MIGRATE },
	{ "bandwidth", true, F_MIGRATE },
	{ "downtime-limit", true, F_MIGRATE },
	{ "max-rounds", true, F_MIGRATE },
	{ "migrate-at", true, F_MIGRATE },
	{ "no-device-precopy", false, F_MIGRATE },
	/* negative controls: prove the checks can fail */
	{ "debug-drop-device-report", false, F_MIGRATE },
	{ "debug-drop-cpu-dirty", false, F_MIGRATE },
	{ "debug-skip-final-pages", false, F_MIGRATE },
	{ "debug-corrupt-frames", true, F_MIGRATE },
	{ "step-us", true, F_MIGRATE | F_SAVE },
	{ "vfio", true, F_MIGRATE },
	{ "to", true, F_MIGRATE },
	{ "reflector", true, F_MIGRATE },
	{ "cpu-tracking", true, F_MIGRATE },
	{ "out", true, F_SAVE },
	{ "in", true, F_LOAD },
};

static void parse(const char *sub, u32 where, int argc, char **argv,
		  struct lab_opts *o, const char *help)
{
	const char *not_kernel = NULL;	/* an option the kernel lab has not */
	bool precopy_set = false, kernel_only = false;
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *name, *val = NULL, *eq;
		const struct opt *op = NULL;
		char nbuf[64];
		size_t nl;
		u32 k;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(help, stdout);
			exit(LAB_EXIT_OK);
		}
		if (strncmp(a, "--", 2))
			lab_usage_error(sub, "unexpected argument '%s'", a);
		name = a + 2;
		eq = strchr(name, '=');
		nl = eq ? (size_t)(eq - name) : strlen(name);
		if (nl >= sizeof(nbuf))
			lab_usage_error(sub, "unknown option %s", a);
		memcpy(nbuf, name, nl);
		nbuf[nl] = 0;
		for (k = 0; k < ARRAY_SIZE(opts); k++)
			if (!strcmp(opts[k].name, nbuf) && (opts[k].where & where))
				op = &opts[k];
		if (!op)
			lab_usage_error(sub, "unknown option --%s", nbuf);
		if (op->arg) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				lab_usage_error(sub, "--%s needs a value", nbuf);
		} else if (eq) {
			lab_usage_error(sub, "--%s takes no value", nbuf);
		}
		if (!strcmp(nbuf, "cancel-at") || !strcmp(nbuf, "dest-max-queues") ||
		    !strcmp(nbuf, "step-us") || !strcmp(nbuf, "debug-corrupt-frames"))
			not_kernel = op->name;
		if (!strcmp(nbuf, "queues"))
			o->queues = (u16)lab_parse_u64(sub, a, val, 1, 16);
		else if (!strcmp(nbuf, "ring")) {
			o->ring = (u16)lab_parse_u64(sub, "--ring", val, 64, 4096);
			if (o->ring % 32)
				lab_usage_error(sub, "--ring %u is not a multiple of 32", o->ring);
		} else if (!strcmp(nbuf, "ram-mib"))
			o->ram_mib = (u32)lab_parse_u64(sub, "--ram-mib", val, 4, 16384);
		else if (!strcmp(nbuf, "seconds"))
			o->seconds = lab_parse_double(sub, "--seconds", val, 0.001, 3600);
		else if (!strcmp(nbuf, "rate"))
			o->rate_pps = lab_parse_u64(sub, "--rate", val, 1, 5000000);
		else if (!strcmp(nbuf, "traffic"))
			o->traffic = parse_traffic(sub, val);
		else if (!strcmp(nbuf, "dirty-rate"))
			o->dirty_rate = lab_parse_u64(sub, "--dirty-rate", val, 0, 10000000);
		else if (!strcmp(nbuf, "seed"))
			o->seed = lab_parse_u64(sub, "--seed", val, 0, U64_MAX);
		else if (!strcmp(nbuf, "quiet"))
			o->quiet = true;
		else if (!strcmp(nbuf, "cancel-at"))
			o->cancel_at = parse_cancel_state(sub, val);
		else if (!strcmp(nbuf, "dest-max-queues"))
			o->dest_max_queues = (u16)lab_parse_u64(sub, "--dest-max-queues", val, 1, 16);
		else if (!strcmp(nbuf, "json"))
			o->json = val;
		else if (!strcmp(nbuf, "stats"))
			o->stats = val;
		else if (!strcmp(nbuf, "bandwidth"))
			o->bandwidth_bps = lab_parse_bandwidth(sub, "--bandwidth", val);
		else if (!strcmp(nbuf, "downtime-limit"))
			o->downtime_limit_ms = lab_parse_u64(sub, "--downtime-limit", val, 1, 100000);
		else if (!strcmp(nbuf, "max-rounds"))
			o->max_rounds = (u32)lab_parse_u64(sub, "--max-rounds", val, 1, 200);
		else if (!strcmp(nbuf, "migrate-at"))
			o->migrate_at = lab_parse_double(sub, "--migrate-at", val, 0, 1);
		else if (!strcmp(nbuf, "no-device-precopy")) {
			o->device_precopy = false;
			precopy_set = true;
		} else if (!strcmp(nbuf, "debug-drop-device-report"))
			o->drop_device_report = true;
		else if (!strcmp(nbuf, "debug-drop-cpu-dirty"))
			o->drop_cpu_dirty = true;
		else if (!strcmp(nbuf, "debug-skip-final-pages"))
			o->skip_final_pages = true;
		else if (!strcmp(nbuf, "debug-corrupt-frames"))
			o->corrupt_every = (u32)lab_parse_u64(sub, "--debug-corrupt-frames", val, 1, 1000000);
		else if (!strcmp(nbuf, "step-us"))
			o->step_ns = (u32)lab_parse_u64(sub, "--step-us", val, 1, 1000) * 1000;
		else if (!strcmp(nbuf, "vfio"))
			o->vfio_src = parse_bdf(sub, "--vfio", val);
		else if (!strcmp(nbuf, "to")) {
			o->vfio_dst = parse_bdf(sub, "--to", val);
			kernel_only = true;
		} else if (!strcmp(nbuf, "reflector")) {
			parse_mac(sub, "--reflector", val, o->reflector);
			kernel_only = true;
		} else if (!strcmp(nbuf, "cpu-tracking")) {
			if (!strcmp(val, "auto"))
				o->cpu_tracking = LAB_CPU_TRACK_AUTO;
			else if (!strcmp(val, "uffd"))
				o->cpu_tracking = LAB_CPU_TRACK_UFFD;
			else if (!strcmp(val, "mprotect"))
				o->cpu_tracking = LAB_CPU_TRACK_MPROTECT;
			else
				lab_usage_error(sub, "--cpu-tracking %s: use auto, uffd or mprotect", val);
			kernel_only = true;
		} else if (!strcmp(nbuf, "out") || !strcmp(nbuf, "in")) {
			if (!val || !*val)
				lab_usage_error(sub, "--%s needs a file name", nbuf);
			o->path = val;
		}
		else
			lab_die(LAB_EXIT_CHECK, "internal: option --%s not handled", nbuf);
	}
	if (o->vfio_src) {
		if (!o->vfio_dst)
			lab_usage_error(sub, "--vfio %s needs --to DST_BDF, the destination device",
					o->vfio_src);
		if (!strcmp(o->vfio_src, o->vfio_dst))
			lab_usage_error(sub, "--vfio and --to name the same device %s: source and destination are two VMs, two devices",
					o->vfio_src);
		if (not_kernel)
			lab_usage_error(sub, "--%s is an option of the in-process lab, not of --vfio",
					not_kernel);
		if (o->traffic == LAB_TRAFFIC_RX || o->traffic == LAB_TRAFFIC_TX)
			lab_usage_error(sub, "--traffic %s: with --vfio every frame goes out to the reflector and comes back: use bidir or idle",
					lab_traffic_name(o->traffic));
	} else if (kernel_only) {
		lab_usage_error(sub, "--to, --reflector and --cpu-tracking need --vfio SRC_BDF");
	}
	if (o->cancel_at == VFMIG_MIG_RUNNING_P2P || o->cancel_at == VFMIG_MIG_STOP) {
		/* those states are only on the path without device pre-copy */
		o->device_precopy = false;
	} else if ((o->cancel_at == VFMIG_MIG_PRE_COPY ||
		    o->cancel_at == VFMIG_MIG_PRE_COPY_P2P) && precopy_set) {
		lab_usage_error(sub, "--cancel-at %s needs device pre-copy (drop --no-device-precopy)",
			    vfmig_fsm_state_name(o->cancel_at));
	}
	if ((where & F_GUEST) && o->ram_mib &&
	    (u64)o->ram_mib * LAB_MIB < lab_ram_needed(o))
		lab_usage_error(sub, "--ram-mib %u is too small for %u queue pairs x %u descriptors (needs %llu)",
			    o->ram_mib, o->queues, o->ring,
			    (unsigned long long)(lab_ram_needed(o) / LAB_MIB));
	if ((where & F_SAVE) && !(where & F_MIGRATE) && !o->path)
		lab_usage_error(sub, "--out FILE is required");
	if ((where & F_LOAD) && !o->path)
		lab_usage_error(sub, "--in FILE is required");
}

/* ---- commands --------------------------------------------------------------- */

static int do_migrate(struct lab_opts *o, const char *sub)
{
	struct lab_result *r = lab_zalloc(sizeof(*r));
	int code;

	code = o->vfio_src ? lab_run_kernel_migrate(o, r) : lab_run_migrate(o, r);
	if (o->json) {
		FILE *f = strcmp(o->json, "-") ? fopen(o->json, "w") : stdout;

		if (!f) {
			fprintf(stderr, "%s %s: cannot write %s: %s\n", cmd, sub, o->json,
				strerror(errno));
			code = LAB_EXIT_CHECK;
		} else {
			lab_report_json(f, r);
			if (f != stdout)
				fclose(f);
		}
	}
	if (o->stats) {
		FILE *f = fopen(o->stats, "w");

		if (f) {
			lab_report_stats(f, o, r);
			fclose(f);
		}
	}
	if (!o->quiet)
		lab_report_human(stdout, o, r);
	fflush(stdout);
	if (code == LAB_EXIT_CHECK)
		fprintf(stderr, "%s %s: check failed: %s\n", cmd, sub, r->error);
	else if (code == LAB_EXIT_REFUSED)
		fprintf(stderr, "%s %s: not migrated: %s\n", cmd, sub, r->error);
	free(r);
	return code;
}

int main(int argc, char **argv)
{
	struct lab_opts o;
	const char *sub;

	setvbuf(stdout, NULL, _IOLBF, 0);
	lab_opts_default(&o);
	if (argc < 2) {
		fprintf(stderr, "%s: a command is needed: migrate, save, load, demo or help (see '%s help')\n",
			cmd, cmd);
		return LAB_EXIT_USAGE;
	}
	sub = argv[1];
	if (!strcmp(sub, "help") || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(main_help, stdout);
		return LAB_EXIT_OK;
	}
	if (!strcmp(sub, "migrate")) {
		parse(sub, F_MIGRATE, argc - 2, argv + 2, &o, migrate_help);
		return do_migrate(&o, sub);
	}
	if (!strcmp(sub, "save")) {
		parse(sub, F_SAVE, argc - 2, argv + 2, &o, save_help);
		return lab_run_save(&o);
	}
	if (!strcmp(sub, "load")) {
		o.queues = 16;
		parse(sub, F_LOAD, argc - 2, argv + 2, &o, load_help);
		return lab_run_load(&o);
	}
	if (!strcmp(sub, "host"))
		return lab_host_main(argc - 2, argv + 2);
	if (!strcmp(sub, "capture"))
		return lab_capture_main(argc - 2, argv + 2);
	if (!strcmp(sub, "report"))
		return lab_report_main(argc - 2, argv + 2);
	if (!strcmp(sub, "json"))
		return lab_json_main(argc - 2, argv + 2);
	if (!strcmp(sub, "demo")) {
		int i;

		for (i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
				fputs(demo_help, stdout);
				return LAB_EXIT_OK;
			}
			if (!strcmp(argv[i], "--seed") && i + 1 < argc)
				o.seed = lab_parse_u64("demo", "--seed", argv[++i], 0, U64_MAX);
			else
				lab_usage_error("demo", "unexpected argument '%s'", argv[i]);
		}
		printf("vfmig-lab demo: the in-process lab (two simulated hosts, one VM, a VF carrying traffic).\n"
		       "The full demo (hosts in network namespaces, iperf3 through the VF, a throughput plot)\n"
		       "is `make demo`. Running one in-process migration now:\n\n");
		return do_migrate(&o, "demo");
	}
	fprintf(stderr, "%s: unknown command '%s' (commands: migrate, save, load, demo, host, capture, report, json, help)\n",
		cmd, sub);
	return LAB_EXIT_USAGE;
}
