// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfmig-lab host: one host of the netns lab, as its own process.
 *
 * The same host as the in-process lab (lab/host.c: an X710 model PF with
 * its VFs, the PF agent, a struct vfmig_vfio_dev per VF on the userspace
 * driver core) and the same migration engine (lab/mig.c), run in real
 * time instead of virtual time:
 *
 *   - the model's port is a TAP on the fabric bridge (--fabric-netns,
 *     --port-tap): frames leaving the port are written to it, frames read
 *     from it enter the port;
 *   - the source boots the VM here: guest RAM (memfd, vCPU and device
 *     views, mprotect write tracking), the guest AVF driver on VF 0 and the
 *     guest's netdev, which serves the guest's TAP in the vm namespace
 *     (--vm-netns, --vm-tap; lab/netdev.c);
 *   - the migration stream and its return path are one TCP connection on
 *     the migration link (--connect on the source, --listen on the
 *     destination); SIGUSR1 starts the migration on the source;
 *   - the destination keeps VF 1 and its guest-RAM copy ready; when the
 *     engine resumes the VM there, its vCPU runs here and this host's queue
 *     of the guest's TAP takes over.
 *
 * One thread, one loop: TAP and socket I/O, vfmig_model_poll() at the wall
 * clock, the vCPU slice, the engine step; poll() when nothing moved.
 * SIGTERM/SIGINT end it; --json gets this host's figures (the source's
 * when its half ends, the destination's at exit), which `vfmig-lab report`
 * merges.
 *
 * The judges work across the two processes: the source judges device
 * pages (it sees the DMA ground truth, every send and every report); RAM
 * is compared by per-page hashes: the destination hashes every page as it
 * stores it (so nothing is added to the downtime), the source hashes its
 * RAM once the migration is over (it no longer changes: vCPU and device
 * stopped) and sends them after RESUMED.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <vfmig/osdep_user_ctl.h>
#include "cli.h"
#include "host.h"
#include "judge.h"
#include "json.h"
#include "mig.h"
#include "netdev.h"
#include "tap.h"
#include "vfio_null.h"
#include "vm.h"

#define NS_PER_MS	1000000ULL
#define NS_PER_S	1000000000ULL
#define LAB_NH_HASHES	100	/* source -> destination: per-page hashes */
#define GUEST_IP	0xc6120002u	/* 198.18.0.2 (the orchestrator's plan) */

static const char *sub = "host";

static const char host_help[] =
"usage: vfmig-lab host --role src|dst [options]\n"
"\n"
"One host of the netns lab (docs/lab.md, section 7), normally started by\n"
"scripts/demo.sh inside its own network namespace: an X710 model PF with its\n"
"VFs, the PF agent and the userspace driver core, running in real time. Its\n"
"port is a TAP on the fabric bridge. The source boots the VM (guest RAM, the\n"
"guest AVF driver on VF 0, the guest's netdev serving the guest's TAP) and\n"
"migrates it on SIGUSR1 over TCP to the destination, which resumes it on its\n"
"VF 1. SIGTERM or SIGINT ends the process.\n"
"\n"
"  --role src|dst         source (boots the VM) or destination\n"
"  --name NAME            for messages (default hostA / hostB)\n"
"  --fabric-netns NS      namespace of the fabric bridge (default: this one)\n"
"  --port-tap NAME        this host's port TAP there (required)\n"
"  --vm-netns NS          namespace of the guest's network stack\n"
"  --vm-tap NAME          the guest's multi-queue TAP there (required)\n"
"  --connect IP:PORT      source: the destination's migration address\n"
"  --listen IP:PORT       destination: where to accept the migration\n"
"  --guest-ip A.B.C.D     the guest's address, for its gratuitous ARP\n"
"                         (default 198.18.0.2)\n"
"  --queues N             queue pairs of the VF and the guest (1..16, default 4)\n"
"  --ring N               descriptors per ring (64..4096, default 512)\n"
"  --ram-mib N            guest RAM (default: what the rings need, at least 64)\n"
"  --cpu-tracking T       guest CPU write tracking: uffd (userfaultfd WP_ASYNC\n"
"                         + PAGEMAP_SCAN, Linux 6.7+), mprotect (SIGSEGV per\n"
"                         first write) or auto (default: uffd when the kernel\n"
"                         has it, else mprotect)\n"
"  --no-vf                the same VM without a VF (bench): no NIC, no traffic,\n"
"                         a device with no state; --port-tap, --vm-tap unused\n"
"migration (QEMU's parameters):\n"
"  --bandwidth B          max-bandwidth of the stream, bits/s (default 10G)\n"
"  --downtime-limit MS    switch over when the rest fits (default 300)\n"
"  --max-rounds N         switch over after N rounds anyway (default 30)\n"
"  --no-device-precopy    no PRE_COPY: device state in stop-copy only\n"
"  --migrate-burst KIB    while the vCPU runs, the stream may queue this much\n"
"                         per turn of the host's one loop before the vCPU\n"
"                         runs again (default 128; 0: no limit)\n"
"output:\n"
"  --json FILE            this host's figures\n"
"  --ready FILE           written once the host is ready (source: the guest\n"
"                         runs and its TAP is up; destination: listening)\n"
"  --progress auto|line|off  the source's progress line (default auto: one\n"
"                         updating line on a terminal, plain lines otherwise)\n"
"  --quiet                only errors\n"
"\n"
"exit: 0 done (and every check passed); 1 the migration was refused or\n"
"cancelled (the VM kept running on the source); 2 usage error; 3 a check or\n"
"the setup failed.\n";

struct nh_opts {
	bool src;
	const char *name;
	const char *fabric_netns, *port_tap, *vm_netns, *vm_tap;
	const char *connect, *listen, *json, *ready;
	u32 guest_ip;
	u16 queues, ring;
	u32 ram_mib;
	u64 bandwidth_bps;
	u64 downtime_limit_ms;
	u32 max_rounds;
	bool device_precopy;
	u64 burst;		/* bytes the engine may queue per loop turn */
	int progress;		/* 0 off, 1 plain lines, 2 updating line */
	bool quiet;
	bool drop_device_report, drop_cpu_dirty, skip_final_pages, no_announce;
	bool no_vf;		/* the same VM without a VF (bench) */
	int uffd;		/* guest CPU writes: 1 userfaultfd, 0 mprotect, -1 auto */
};

struct nh {
	struct nh_opts o;
	struct lab_host *h;
	struct lab_hvf *vf;
	struct vfmig_vfio_dev *dev;	/* the VF's, or the null device (--no-vf) */
	struct lab_ram *ram;
	struct vfmig_guest_cfg gcfg;
	struct lab_vm vm;
	struct lab_netdev_io *io;
	int port_fd, listen_fd;
	struct lab_judge jd;
	u64 *hash;			/* per page: dst as stored, src at the end */
	u64 zero_hash;
	struct lab_link link;
	bool have_link;
	struct lab_mig_params mp;
	struct lab_mig_hooks hooks;
	struct lab_mig_src ms;
	struct lab_mig_dst md;
	bool migrating, src_ended, dst_ended;
	bool hashes_sent, hashes_received;
	u64 mismatch, first_mismatch;
	u64 off_rt;			/* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	u64 t_up, t_mig_start, t_vcpu_stop, t_stopped, t_loaded, t_running;
	u64 t_first_rx_after, t_first_tx_after;
	u64 t_last_round_end, tap_detach_ns, tap_attach_ns;
	struct lab_netdev_state nd_stop;	/* the guest's counters at the stop */
	u64 loops, polls;
	u64 port_in, port_out, port_write_errors;
	bool booted;
	bool json_written;
	int exit_code;
	char error[320];
	u8 buf[16384];
};

static volatile sig_atomic_t sig_migrate, sig_stop;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		sig_migrate = 1;
	else
		sig_stop = 1;
}

static void nh_fail(struct nh *n, int code, const char *fmt, ...) __printf(3, 4);
static void nh_fail(struct nh *n, int code, const char *fmt, ...)
{
	va_list ap;

	if (n->error[0])
		return;		/* keep the first */
	va_start(ap, fmt);
	vsnprintf(n->error, sizeof(n->error), fmt, ap);
	va_end(ap);
	n->exit_code = code;
	fprintf(stderr, "vfmig-lab host %s: %s\n", n->o.name, n->error);
}

static void say(struct nh *n, const char *fmt, ...) __printf(2, 3);
static void say(struct nh *n, const char *fmt, ...)
{
	va_list ap;

	if (n->o.quiet)
		return;
	if (n->o.progress == 2)
		fputs("\r\033[K", stdout);
	printf("%s: ", n->o.name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* A 64-bit hash of one page (RAM comparison across the two processes). */
static u64 page_hash(const u8 *p)
{
	const u64 *w = (const u64 *)p;
	u64 h = 0x243f6a8885a308d3ULL;
	u32 i;

	for (i = 0; i < LAB_PAGE_SIZE / 8; i++) {
		h ^= w[i] + i;
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	return h;
}

/* ---- hooks -------------------------------------------------------------------- */

static u64 hk_now(void *ctx)
{
	return lab_wall_ns();
}

static void hk_vcpu_stop(void *ctx)
{
	struct nh *n = ctx;

	n->vm.running = false;
	n->t_vcpu_stop = lab_wall_ns();
	if (n->o.no_vf)
		return;
	lab_netdev_read(&n->vm.env, &n->nd_stop);
	/*
	 * No one serves the guest's interface now: this host stops reading
	 * its queue. The queue is detached only once the VM runs elsewhere
	 * (TUNSETQUEUE waits for an RCU grace period, 0.1..3 ms that would
	 * count as downtime); what the stack queues there meanwhile is
	 * dropped then, as frames sent into a stopped NIC are.
	 */
	n->io->attached = false;
}

static void hk_vcpu_resume(void *ctx)
{
	struct nh *n = ctx;

	/* the queue was never detached: serve it again */
	if (n->io)
		n->io->attached = true;
	n->vm.running = !n->o.no_vf;
}

static void hk_log_started(void *ctx)
{
	struct nh *n = ctx;

	n->jd.recording = true;
}

static void hk_page_sent(void *ctx, u64 pfn)
{
	struct nh *n = ctx;

	lab_judge_sent(&n->jd, pfn);
}

static void hk_dev_report(void *ctx, const u64 *bm, u64 npages)
{
	struct nh *n = ctx;

	lab_judge_report(&n->jd, bm, npages);
}

static void hk_src_stopped(void *ctx)
{
	struct nh *n = ctx;

	n->t_stopped = lab_wall_ns();
}

static void hk_round_end(void *ctx, const struct lab_mig_src *s)
{
	struct nh *n = ctx;
	double rate = (double)s->last_rate_Bps;

	n->t_last_round_end = lab_wall_ns();

	if (n->o.quiet || !n->o.progress)
		return;
	printf("%s%s: round %u, remaining %.1f MiB, rate %.2f Gbit/s, expected downtime %.1f ms (limit %llu)%s",
	       n->o.progress == 2 ? "\r\033[K" : "", n->o.name, s->rounds,
	       (double)s->last_remaining / (double)LAB_MIB, rate * 8 / 1e9,
	       rate > 0 ? (double)s->last_remaining / rate * 1e3 : 0.0,
	       (unsigned long long)n->o.downtime_limit_ms,
	       n->o.progress == 2 ? "" : "\n");
	fflush(stdout);
}

static void hk_page_received(void *ctx, u64 pfn, const u8 *data)
{
	struct nh *n = ctx;

	n->hash[pfn] = page_hash(data);
}

static void hk_dest_loaded(void *ctx)
{
	struct nh *n = ctx;

	n->t_loaded = lab_wall_ns();
}

static void hk_dest_running(void *ctx)
{
	struct nh *n = ctx;
	char err[200];
	int nq;

	if (n->o.no_vf) {
		n->t_running = lab_wall_ns();
		return;
	}
	nq = vfmig_guest_num_queues(&n->vm.env, LAB_DRV_GPA);
	n->vm.nq = (u16)(nq > 0 ? nq : 1);
	n->vm.running = true;
	n->t_running = lab_wall_ns();
	if (lab_tap_queue(n->io->tap_fd, true, err, sizeof(err)))
		nh_fail(n, LAB_EXIT_CHECK, "%s", err);
	n->io->attached = true;
	n->tap_attach_ns = lab_wall_ns() - n->t_running;
	/* QEMU's announce after the migration: 5 rounds */
	if (!n->o.no_announce)
		lab_netdev_request_announce(n->vm.env.ram, 5, n->t_running);
}

/* ---- setup ------------------------------------------------------------------- */

static void quiet_sink(void *ctx, enum vfmig_log_level level, const char *line)
{
	(void)ctx;
	if (level <= VFMIG_LOG_ERR)
		fprintf(stderr, "vfmig-lab host: %s\n", line);
}

static int parse_addr(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = s ? strrchr(s, ':') : NULL;
	char *end;
	unsigned long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = 0;
	port = strtoul(colon + 1, &end, 10);
	if (*end || !port || port > 65535)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((u16)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static void tune_socket(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int nh_listen(struct nh *n)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	parse_addr(n->o.listen, &sa);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		nh_fail(n, LAB_EXIT_CHECK, "cannot listen on %s: %s", n->o.listen,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	n->listen_fd = fd;
	return 0;
}

/* Blocking connect with a deadline; the migration link to the destination. */
static int nh_connect(struct nh *n)
{
	struct sockaddr_in sa;
	u64 end = lab_wall_ns() + 5 * NS_PER_S;
	int fd = -1, err = 0, sndbuf = 512 << 10;

	parse_addr(n->o.connect, &sa);
	while (lab_wall_ns() < end) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			break;
		/*
		 * A small send buffer: what sits in it when the round ends
		 * still has to cross in the downtime, unseen by the estimate
		 * (the kernel doubles the value; ~1 ms at 10 Gbit/s).
		 */
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return fd;
		err = errno;
		close(fd);
		fd = -1;
		if (err != ECONNREFUSED && err != EINTR)
			break;
		usleep(50000);
	}
	nh_fail(n, LAB_EXIT_CHECK, "cannot connect the migration link to %s: %s",
		n->o.connect, strerror(err ? err : errno));
	return -1;
}

static void gcfg_for(const struct nh_opts *o, struct vfmig_guest_cfg *g)
{
	memset(g, 0, sizeof(*g));
	g->num_queue_pairs = o->queues;
	g->ring_len = o->ring;
	g->rx_buf_size = 2048;
	g->max_tx_bufs = 8;	/* jumbo frames: up to 9728 bytes in 2 KiB slots */
	g->use_irq = true;
}

static int nh_setup(struct nh *n)
{
	struct lab_host_cfg hc;
	char err[300];
	u64 ram, need, rt, mono;
	struct timespec ts;
	u16 vfid = n->o.src ? 0 : 1;

	clock_gettime(CLOCK_REALTIME, &ts);
	rt = (u64)ts.tv_sec * NS_PER_S + (u64)ts.tv_nsec;
	mono = lab_wall_ns();
	n->off_rt = rt - mono;
	n->port_fd = n->listen_fd = -1;
	vfmig_log_set_sink(quiet_sink, NULL);
	gcfg_for(&n->o, &n->gcfg);
	need = lab_vm_ram_needed(&n->gcfg);
	ram = n->o.ram_mib ? (u64)n->o.ram_mib * LAB_MIB : max_t(u64, need, 64 * LAB_MIB);
	if (ram < need)
		lab_usage_error(sub, "--ram-mib %u is too small for %u queue pairs x %u descriptors (needs %llu)",
				n->o.ram_mib, n->o.queues, n->o.ring,
				(unsigned long long)(need / LAB_MIB));
	memset(&hc, 0, sizeof(hc));
	hc.name = n->o.name;
	hc.queues_per_vf = n->o.queues;
	hc.mac_id = n->o.src ? 0 : 1;
	hc.timeout_us = 10000;
	n->h = lab_host_new(&hc);
	if (!n->h)
		return -1;
	n->ram = lab_ram_new(ram, n->o.src ? "vfmig-guest" : "vfmig-guest-incoming");
	if (!n->ram) {
		nh_fail(n, LAB_EXIT_CHECK, "cannot create %llu MiB of guest RAM: %s",
			(unsigned long long)(ram / LAB_MIB), strerror(errno));
		return -1;
	}
	if (n->o.uffd && lab_ram_use_uffd(n->ram, err, sizeof(err))) {
		if (n->o.uffd > 0) {
			nh_fail(n, LAB_EXIT_CHECK, "--cpu-tracking uffd: %s (use --cpu-tracking mprotect)", err);
			return -1;
		}
		if (n->o.src)
			say(n, "guest CPU writes tracked with mprotect: %s", err);
	}
	lab_judge_init(&n->jd, n->ram->npages);
	if (n->o.no_vf) {
		n->dev = lab_vfio_null_new("no-vf");
	} else {
		n->vf = lab_host_vf_open(n->h, vfid, n->ram);
		if (!n->vf) {
			nh_fail(n, LAB_EXIT_CHECK, "cannot open VF %u", vfid);
			return -1;
		}
		n->dev = n->vf->dev;
	}
	n->hash = lab_zalloc(n->ram->npages * sizeof(u64));
	memset(n->buf, 0, LAB_PAGE_SIZE);
	n->zero_hash = page_hash(n->buf);
	if (!n->o.src) {
		u64 p;

		for (p = 0; p < n->ram->npages; p++)
			n->hash[p] = n->zero_hash;
	}

	if (n->o.no_vf)
		goto engine;	/* no NIC: no port, no guest interface */
	n->port_fd = lab_tap_open(n->o.fabric_netns, n->o.port_tap, false, err, sizeof(err));
	if (n->port_fd < 0) {
		nh_fail(n, LAB_EXIT_CHECK, "port: %s", err);
		return -1;
	}
	n->io = lab_zalloc(sizeof(*n->io));
	n->io->budget = 64;
	n->io->tap_fd = lab_tap_open(n->o.vm_netns, n->o.vm_tap, true, err, sizeof(err));
	if (n->io->tap_fd < 0) {
		nh_fail(n, LAB_EXIT_CHECK, "guest interface: %s", err);
		return -1;
	}
	n->io->attached = true;
	if (!n->o.src) {
		/* the VM does not run here (yet): the guest's stack must not see us */
		if (lab_tap_queue(n->io->tap_fd, false, err, sizeof(err))) {
			nh_fail(n, LAB_EXIT_CHECK, "guest interface: %s", err);
			return -1;
		}
		n->io->attached = false;
	}
	n->vm.gcfg = n->gcfg;
	n->vm.app_run = lab_netdev_run;
	n->vm.app_ctx = n->io;
	/* the vCPU's interrupt routing to this host's VF, before it runs here */
	lab_vm_attach(&n->vm, n->ram, n->vf);

engine:
	memset(&n->mp, 0, sizeof(n->mp));
	n->mp.bandwidth_bps = n->o.bandwidth_bps;
	n->mp.downtime_limit_ns = n->o.downtime_limit_ms * NS_PER_MS;
	n->mp.max_rounds = n->o.max_rounds;
	n->mp.device_precopy = n->o.device_precopy && !n->o.no_vf;
	n->mp.cancel_at = -1;
	n->mp.drop_device_report = n->o.drop_device_report;
	n->mp.drop_cpu_dirty = n->o.drop_cpu_dirty;
	n->mp.skip_final_pages = n->o.skip_final_pages;
	n->mp.pages_per_msg = 16;
	n->mp.step_ns = NS_PER_MS;	/* pacing slack */
	n->mp.seed = 1;
	n->mp.cancel_hold_ns = 2 * NS_PER_MS;
	memset(&n->hooks, 0, sizeof(n->hooks));
	n->hooks.now = hk_now;
	n->hooks.vcpu_stop = hk_vcpu_stop;
	n->hooks.vcpu_resume = hk_vcpu_resume;
	n->hooks.log_started = hk_log_started;
	n->hooks.page_sent = hk_page_sent;
	n->hooks.dev_report = hk_dev_report;
	n->hooks.src_stopped = hk_src_stopped;
	n->hooks.round_end = hk_round_end;
	n->hooks.page_received = hk_page_received;
	n->hooks.dest_loaded = hk_dest_loaded;
	n->hooks.dest_running = hk_dest_running;
	n->hooks.ctx = n;
	if (!n->o.src)
		return nh_listen(n);
	return 0;
}

static void judge_dma(void *ctx, u64 iova, u32 len, enum vfmig_model_engine e)
{
	struct nh *n = ctx;

	lab_judge_dma(&n->jd, iova, len);
}

/* ---- the loop --------------------------------------------------------------- */

/* Port TAP <-> model, model time, vCPU. Returns the work done. */
static u64 world(struct nh *n, u64 now)
{
	struct vfmig_model_pf *pf = n->h->pf;
	u64 work = 0, w0;
	int i, len;

	for (i = 0; i < 256 && n->port_fd >= 0; i++) {
		ssize_t r = read(n->port_fd, n->buf, sizeof(n->buf));

		if (r <= 0)
			break;
		vfmig_model_port_rx(pf, n->buf, (u32)r);
		n->port_in++;
		work++;
	}
	work += (u64)lab_host_poll(n->h, now, 64);
	while (n->port_fd >= 0 &&
	       (len = vfmig_model_port_tx_pull(pf, n->buf, sizeof(n->buf))) > 0) {
		if (write(n->port_fd, n->buf, (size_t)len) != len)
			n->port_write_errors++;
		n->port_out++;
		work++;
	}
	if (n->vm.running) {
		w0 = n->io->work;
		lab_vm_run(&n->vm, now);
		work += n->io->work - w0;
		if (!n->booted)
			work++;		/* bring-up: keep stepping */
	}
	return work;
}

static void nh_boot(struct nh *n)
{
	char err[300];
	u8 mac[6];
	u64 end;
	int nq;

	n->vm.running = true;
	if (lab_vm_boot(&n->vm, lab_wall_ns())) {
		nh_fail(n, LAB_EXIT_CHECK, "the guest driver refused its configuration");
		return;
	}
	end = lab_wall_ns() + 5 * NS_PER_S;
	while (lab_vm_state(&n->vm) != VFMIG_GUEST_RUNNING) {
		if (lab_vm_state(&n->vm) == VFMIG_GUEST_FAILED || lab_wall_ns() > end) {
			struct vfmig_guest_stats gs;

			memset(&gs, 0, sizeof(gs));
			vfmig_guest_stats(&n->vm.env, LAB_DRV_GPA, &gs);
			nh_fail(n, LAB_EXIT_CHECK, "the guest driver did not come up (state %d, last error %d)",
				lab_vm_state(&n->vm), gs.last_error);
			return;
		}
		if (sig_stop)
			return;
		world(n, lab_wall_ns());
	}
	nq = vfmig_guest_num_queues(&n->vm.env, LAB_DRV_GPA);
	n->vm.nq = (u16)(nq > 0 ? nq : 1);
	vfmig_guest_mac(&n->vm.env, LAB_DRV_GPA, mac);
	if (lab_netdev_init(&n->vm.env, mac, n->o.guest_ip)) {
		nh_fail(n, LAB_EXIT_CHECK, "no room for the guest's netdev in guest RAM");
		return;
	}
	/* the guest's interface gets its driver's MAC, then comes up */
	if (lab_tap_set_mac_up(n->o.vm_netns, n->o.vm_tap, mac, err, sizeof(err))) {
		nh_fail(n, LAB_EXIT_CHECK, "guest interface: %s", err);
		return;
	}
	n->booted = true;
	n->t_up = lab_wall_ns();
	say(n, "guest up on %s/vf0: %u queue pairs x %u, MAC %02x:%02x:%02x:%02x:%02x:%02x, %llu MiB RAM",
	    n->h->name, n->vm.nq, n->o.ring, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
	    (unsigned long long)(n->ram->size / LAB_MIB));
}

static void write_ready(struct nh *n)
{
	FILE *f;

	if (!n->o.ready)
		return;
	f = fopen(n->o.ready, "w");
	if (!f) {
		nh_fail(n, LAB_EXIT_CHECK, "cannot write %s: %s", n->o.ready, strerror(errno));
		return;
	}
	fprintf(f, "%s ready\n", n->o.src ? "source" : "destination");
	fclose(f);
}

static void start_migration(struct nh *n)
{
	int fd = nh_connect(n);

	if (fd < 0)
		return;
	tune_socket(fd);
	lab_link_init_tcp(&n->link, fd, n->o.bandwidth_bps, LAB_MIG_ERROR);
	n->have_link = true;
	if (n->vf) {
		n->vf->dma_rec = judge_dma;
		n->vf->dma_rec_ctx = n;
	}
	lab_mig_src_init(&n->ms, &n->mp, &n->hooks, n->dev, n->ram, &n->link, &n->link);
	n->t_mig_start = lab_wall_ns();
	n->migrating = true;
	say(n, "migration to %s started (bandwidth %.1f Gbit/s, downtime limit %llu ms)",
	    n->o.connect, (double)n->o.bandwidth_bps / 1e9,
	    (unsigned long long)n->o.downtime_limit_ms);
	lab_mig_src_start(&n->ms, n->t_mig_start);
}

static void write_json(struct nh *n);

static void src_finished(struct nh *n)
{
	struct lab_mig_src *s = &n->ms;
	struct lab_msg *m;
	char err[200];
	u64 p, w0;

	n->src_ended = true;
	if (n->vf)
		n->vf->dma_rec = NULL;
	if (s->outcome != LAB_MIG_DONE) {
		nh_fail(n, s->outcome == LAB_MIG_FAILED ? LAB_EXIT_CHECK : LAB_EXIT_REFUSED,
			"migration %s: %s (the VM runs on here)",
			lab_mig_outcome_name(s->outcome), s->error);
		write_json(n);
		return;
	}
	/* the VM runs at the destination: give its queue up (see hk_vcpu_stop) */
	w0 = lab_wall_ns();
	if (n->io && lab_tap_queue(n->io->tap_fd, false, err, sizeof(err)))
		nh_fail(n, LAB_EXIT_CHECK, "guest interface: %s", err);
	n->tap_detach_ns = lab_wall_ns() - w0;
	lab_judge_finish(&n->jd);
	/* RAM is frozen (vCPU and device stopped): hash it for the destination */
	for (p = 0; p < n->ram->npages; p++)
		n->hash[p] = page_hash(n->ram->dev + (p << LAB_PAGE_SHIFT));
	m = lab_link_alloc(LAB_NH_HASHES, n->ram->npages, (u32)(n->ram->npages * 8));
	for (p = 0; p < n->ram->npages; p++)
		vfmig_put_le64(m->data + p * 8, n->hash[p]);
	lab_link_queue(&n->link, lab_wall_ns(), m);
	n->hashes_sent = true;
	say(n, "migrated: %.2f ms from the vCPU stop to RESUMED, %u round%s, %.1f MiB of RAM; device pages missed %llu",
	    (double)(s->t_end - s->t_vcpu_stop) / 1e6, s->rounds, s->rounds == 1 ? "" : "s",
	    (double)s->ram_bytes / (double)LAB_MIB, (unsigned long long)n->jd.missed);
	if (n->jd.missed)
		nh_fail(n, LAB_EXIT_CHECK, "%llu pages written by the device were never reported after the write (first: pfn %#llx)",
			(unsigned long long)n->jd.missed,
			(unsigned long long)n->jd.first_missed);
	write_json(n);
}

static void dst_check_hashes(struct nh *n, const struct lab_msg *m)
{
	u64 p;

	if (m->arg != n->ram->npages || m->len != n->ram->npages * 8) {
		nh_fail(n, LAB_EXIT_CHECK, "RAM hashes from the source cover %llu pages, %llu here",
			(unsigned long long)m->arg, (unsigned long long)n->ram->npages);
		return;
	}
	n->hashes_received = true;
	n->mismatch = 0;
	n->first_mismatch = U64_MAX;
	for (p = 0; p < n->ram->npages; p++) {
		if (vfmig_get_le64(m->data + p * 8) == n->hash[p])
			continue;
		if (n->first_mismatch == U64_MAX)
			n->first_mismatch = p;
		n->mismatch++;
	}
	if (n->mismatch)
		nh_fail(n, LAB_EXIT_CHECK, "%llu pages differ between source and destination RAM (first: pfn %#llx)",
			(unsigned long long)n->mismatch, (unsigned long long)n->first_mismatch);
	else
		say(n, "RAM as loaded matches the source's, page for page");
}

static void migration_step(struct nh *n)
{
	u64 now = lab_wall_ns();
	struct lab_msg *m;

	if (n->o.src) {
		if (!n->migrating || n->src_ended) {
			if (n->have_link)
				lab_link_pump(&n->link, now);
			return;
		}
		/*
		 * One thread runs the vCPU and the migration: while the vCPU
		 * runs, the engine queues at most --migrate-burst per turn
		 * (two threads on two CPUs would share like this); once it is
		 * stopped, the link is the only limit.
		 */
		n->link.step_cap = n->vm.running ? n->o.burst : 0;
		lab_link_step(&n->link);
		lab_mig_src_step(&n->ms, now);
		lab_link_pump(&n->link, now);
		if (n->ms.state == SRC_END)
			src_finished(n);
		return;
	}
	if (n->listen_fd >= 0 && !n->have_link) {
		int fd = accept4(n->listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd >= 0) {
			tune_socket(fd);
			lab_link_init_tcp(&n->link, fd, n->o.bandwidth_bps, LAB_MIG_CANCEL);
			n->have_link = true;
			close(n->listen_fd);
			n->listen_fd = -1;
			lab_mig_dst_init(&n->md, &n->mp, &n->hooks, n->dev, n->ram,
					 &n->link, &n->link);
			n->migrating = true;
			n->t_mig_start = now;
			say(n, "incoming migration");
		}
		return;
	}
	if (!n->have_link)
		return;
	if (!n->dst_ended) {
		lab_mig_dst_step(&n->md, now);
		if (n->md.state == DST_END) {
			n->dst_ended = true;
			if (n->md.outcome == LAB_MIG_DONE)
				say(n, "the VM runs here now (restore %.0f us, resume %.0f us)",
				    (double)lab_phase_ns(&n->md.restore) / 1e3,
				    (double)lab_phase_ns(&n->md.resume) / 1e3);
			else
				nh_fail(n, LAB_EXIT_REFUSED, "incoming migration %s: %s",
					lab_mig_outcome_name(n->md.outcome), n->md.error);
		}
		return;
	}
	while (!n->hashes_received && (m = lab_link_recv(&n->link, now))) {
		if (m->type == LAB_NH_HASHES)
			dst_check_hashes(n, m);
		free(m);
	}
}

static void note_after(struct nh *n)
{
	struct lab_netdev_state st;

	if (!n->t_running || n->o.no_vf || (n->t_first_rx_after && n->t_first_tx_after))
		return;
	lab_netdev_read(&n->vm.env, &st);
	if (!n->t_first_rx_after && st.rx_frames > n->nd_stop.rx_frames)
		n->t_first_rx_after = lab_wall_ns();
	if (!n->t_first_tx_after && st.tx_frames > n->nd_stop.tx_frames)
		n->t_first_tx_after = lab_wall_ns();
}

static void idle_wait(struct nh *n, u64 now)
{
	struct pollfd pfd[4];
	u64 ev = vfmig_model_next_event_ns(n->h->pf), wait_ns = NS_PER_MS;
	struct timespec ts;
	int k = 0;

	if (ev != U64_MAX)
		wait_ns = ev <= now ? 0 : min_t(u64, ev - now, wait_ns);
	if (n->migrating && n->o.src && !n->src_ended)
		wait_ns = min_t(u64, wait_ns, 200000);	/* pacing */
	if (!wait_ns)
		return;
	if (n->port_fd >= 0) {
		pfd[k].fd = n->port_fd;
		pfd[k++].events = POLLIN;
	}
	if (n->io && n->io->attached && n->vm.running) {
		pfd[k].fd = n->io->tap_fd;
		pfd[k++].events = POLLIN;
	}
	if (n->have_link && n->link.fd >= 0 && !n->link.broken) {
		pfd[k].fd = n->link.fd;
		pfd[k].events = POLLIN | (lab_link_tx_pending(&n->link) ? POLLOUT : 0);
		k++;
	}
	if (n->listen_fd >= 0) {
		pfd[k].fd = n->listen_fd;
		pfd[k++].events = POLLIN;
	}
	ts.tv_sec = (time_t)(wait_ns / NS_PER_S);
	ts.tv_nsec = (long)(wait_ns % NS_PER_S);
	n->polls++;
	ppoll(pfd, (nfds_t)k, &ts, NULL);
}

static void nh_run(struct nh *n)
{
	bool ready_written = false;

	if (n->o.src && !n->o.no_vf) {
		nh_boot(n);
		if (n->error[0] || sig_stop)
			return;
	}
	while (!sig_stop) {
		u64 now = lab_wall_ns(), work;

		n->loops++;
		if (!ready_written) {
			write_ready(n);
			ready_written = true;
		}
		if (sig_migrate && n->o.src && !n->migrating) {
			sig_migrate = 0;
			start_migration(n);
		}
		work = world(n, now);
		migration_step(n);
		note_after(n);
		if (!work)
			idle_wait(n, now);
	}
}

/* ---- the report ---------------------------------------------------------------- */

static void jkv(FILE *f, const char *k, u64 v, bool comma)
{
	fprintf(f, "  \"%s\": %llu%s\n", k, (unsigned long long)v, comma ? "," : "");
}

static void write_json(struct nh *n)
{
	struct lab_netdev_state st;
	struct vfmig_model_vf_stats vs;
	struct vfmig_model_port_stats ps;
	const struct lab_mig_src *s = &n->ms;
	const struct lab_mig_dst *d = &n->md;
	enum lab_mig_outcome out = n->o.src ? s->outcome : d->outcome;
	FILE *f;
	u32 i;

	if (!n->o.json)
		return;
	f = fopen(n->o.json, "w");
	if (!f) {
		fprintf(stderr, "vfmig-lab host %s: cannot write %s: %s\n", n->o.name,
			n->o.json, strerror(errno));
		return;
	}
	n->json_written = true;
	memset(&st, 0, sizeof(st));
	if ((n->booted || n->t_running) && !n->o.no_vf)
		lab_netdev_read(&n->vm.env, &st);
	memset(&vs, 0, sizeof(vs));
	memset(&ps, 0, sizeof(ps));
	if (n->vf)
		vfmig_model_vf_stats(n->h->pf, n->vf->id, &vs);
	vfmig_model_port_stats(n->h->pf, &ps);
	fprintf(f, "{\n  \"role\": \"%s\",\n  \"name\": ", n->o.src ? "src" : "dst");
	lab_json_put_str(f, n->o.name);
	fprintf(f, ",\n  \"outcome\": \"%s\",\n  \"error\": ",
		n->migrating ? lab_mig_outcome_name(out) : "not-started");
	if (n->error[0])
		lab_json_put_str(f, n->error);
	else
		fputs("null", f);
	fprintf(f, ",\n");
	jkv(f, "exit_code", (u64)n->exit_code, true);
	jkv(f, "clock_offset_ns", n->off_rt, true);
	jkv(f, "ram_bytes", n->ram->size, true);
	jkv(f, "queues", n->vm.nq ? n->vm.nq : n->o.queues, true);
	jkv(f, "ring", n->o.ring, true);
	jkv(f, "bandwidth_bps", n->o.bandwidth_bps, true);
	jkv(f, "downtime_limit_ms", n->o.downtime_limit_ms, true);
	jkv(f, "max_rounds", n->o.max_rounds, true);
	fprintf(f, "  \"device_precopy\": %s,\n", n->mp.device_precopy ? "true" : "false");
	fprintf(f, "  \"vf\": %s,\n", n->o.no_vf ? "false" : "true");
	fprintf(f, "  \"cpu_tracking\": \"%s\",\n", lab_ram_tracker_name(n->ram));
	/* times: CLOCK_MONOTONIC ns (add clock_offset_ns for CLOCK_REALTIME) */
	jkv(f, "t_guest_up_ns", n->t_up, true);
	jkv(f, "t_migration_start_ns", n->t_mig_start, true);
	if (n->o.src) {
		jkv(f, "t_last_round_end_ns", n->t_last_round_end, true);
		jkv(f, "t_vcpu_stop_ns", n->t_vcpu_stop, true);
		jkv(f, "tap_detach_ns", n->tap_detach_ns, true);
		jkv(f, "t_device_stopped_ns", n->t_stopped, true);
		jkv(f, "t_send_start_ns", s->t_send_start, true);
		jkv(f, "t_end_ns", s->t_end, true);
		jkv(f, "precopy_rounds", s->rounds, true);
		jkv(f, "pages_sent", s->pages_sent, true);
		jkv(f, "ram_bytes_sent", s->ram_bytes, true);
		jkv(f, "device_bytes_precopy", s->dev_bytes_precopy, true);
		jkv(f, "device_bytes_stopcopy", s->dev_bytes_stopcopy, true);
		jkv(f, "device_reports", s->dev_reports, true);
		jkv(f, "link_bytes", n->link.bytes, true);
		jkv(f, "link_rate_Bps", s->last_rate_Bps, true);
		jkv(f, "last_remaining_bytes", s->last_remaining, true);
		jkv(f, "last_threshold_bytes", s->last_threshold, true);
		jkv(f, "quiesce_ns", s->quiesce.wall_ns, true);
		jkv(f, "snapshot_ns", s->snapshot.wall_ns, true);
		jkv(f, "cpu_sync_ns", s->cpu_sync.wall_ns, true);
		jkv(f, "dirty_pages_reported_device", lab_judge_reported_pages(&n->jd), true);
		jkv(f, "dirty_pages_true_device", lab_judge_true_pages(&n->jd), true);
		fprintf(f, "  \"missed_device_pages\": ");
		if (n->jd.judged)
			fprintf(f, "%llu,\n", (unsigned long long)n->jd.missed);
		else
			fprintf(f, "null,\n");
		jkv(f, "device_dma_writes", n->jd.dma_writes, true);
		jkv(f, "cpu_write_faults", n->ram->faults, true);
		jkv(f, "cpu_syncs", n->ram->syncs, true);
		jkv(f, "cpu_sync_wall_ns", n->ram->sync_wall_ns, true);
		jkv(f, "cpu_track_overflows", n->ram->overflows, true);
		jkv(f, "cpu_scans", n->ram->scans, true);
		fprintf(f, "  \"hashes_sent\": %s,\n", n->hashes_sent ? "true" : "false");
		fprintf(f, "  \"guest_at_stop\": {\"tx_frames\": %llu, \"rx_frames\": %llu, \"tx_busy\": %llu, \"rx_drops\": %llu},\n",
			(unsigned long long)n->nd_stop.tx_frames,
			(unsigned long long)n->nd_stop.rx_frames,
			(unsigned long long)n->nd_stop.tx_busy,
			(unsigned long long)n->nd_stop.rx_drops);
		fprintf(f, "  \"rounds\": [");
		for (i = 0; i < s->rounds + (s->t_send_start ? 1 : 0) && i < LAB_MIG_MAX_ROUNDS; i++)
			fprintf(f, "%s\n    {\"pages_sent\": %llu, \"cpu_dirty\": %llu, \"device_dirty\": %llu, \"end_ns\": %llu}",
				i ? "," : "", (unsigned long long)s->round[i].pages_sent,
				(unsigned long long)s->round[i].cpu_dirty,
				(unsigned long long)s->round[i].dev_dirty,
				(unsigned long long)s->round[i].end_ns);
		fprintf(f, "\n  ],\n");
	} else {
		jkv(f, "t_complete_ns", d->t_complete, true);
		jkv(f, "t_loaded_ns", n->t_loaded, true);
		jkv(f, "t_running_ns", n->t_running, true);
		jkv(f, "t_first_rx_after_ns", n->t_first_rx_after, true);
		jkv(f, "t_first_tx_after_ns", n->t_first_tx_after, true);
		jkv(f, "tap_attach_ns", n->tap_attach_ns, true);
		jkv(f, "restore_ns", d->restore.wall_ns, true);
		jkv(f, "resume_ns", d->resume.wall_ns, true);
		jkv(f, "pages_received", d->pages, true);
		jkv(f, "device_bytes_received", d->dev_bytes, true);
		jkv(f, "resume_writes", d->writes, true);
		fprintf(f, "  \"ram_mismatch_pages\": ");
		if (n->hashes_received)
			fprintf(f, "%llu,\n", (unsigned long long)n->mismatch);
		else
			fprintf(f, "null,\n");
		jkv(f, "first_mismatch_pfn", n->mismatch ? n->first_mismatch : 0, true);
		fprintf(f, "  \"guest_driver_running\": %s,\n",
			n->t_running && !n->o.no_vf &&
			lab_vm_state(&n->vm) == VFMIG_GUEST_RUNNING ? "true" : "false");
	}
	fprintf(f, "  \"guest\": {\"tx_frames\": %llu, \"tx_bytes\": %llu, \"tx_busy\": %llu, \"tx_errors\": %llu, \"rx_frames\": %llu, \"rx_bytes\": %llu, \"rx_drops\": %llu, \"announces\": %llu},\n",
		(unsigned long long)st.tx_frames, (unsigned long long)st.tx_bytes,
		(unsigned long long)st.tx_busy, (unsigned long long)st.tx_errors,
		(unsigned long long)st.rx_frames, (unsigned long long)st.rx_bytes,
		(unsigned long long)st.rx_drops, (unsigned long long)st.announces);
	fprintf(f, "  \"vf_stats\": {\"tx_packets\": %llu, \"rx_packets\": %llu, \"rx_no_desc_drops\": %llu, \"rx_disabled_drops\": %llu, \"rx_filtered\": %llu, \"tx_dropped\": %llu, \"dma_faults\": %llu},\n",
		(unsigned long long)vs.tx_packets, (unsigned long long)vs.rx_packets,
		(unsigned long long)vs.rx_no_desc_drops, (unsigned long long)vs.rx_disabled_drops,
		(unsigned long long)vs.rx_filtered, (unsigned long long)vs.tx_dropped,
		(unsigned long long)vs.dma_faults);
	fprintf(f, "  \"port\": {\"frames_in\": %llu, \"frames_out\": %llu, \"write_errors\": %llu, \"tx_drops\": %llu, \"rx_unmatched\": %llu},\n",
		(unsigned long long)n->port_in, (unsigned long long)n->port_out,
		(unsigned long long)n->port_write_errors, (unsigned long long)ps.tx_drops,
		(unsigned long long)ps.rx_unmatched);
	jkv(f, "loops", n->loops, true);
	jkv(f, "idle_polls", n->polls, false);
	fprintf(f, "}\n");
	fclose(f);
}

/* ---- main -------------------------------------------------------------------------- */

static void parse(int argc, char **argv, struct nh_opts *o)
{
	struct sockaddr_in sa;
	const char *role = NULL;
	int i;

	memset(o, 0, sizeof(*o));
	o->queues = 4;
	o->ring = 512;
	o->bandwidth_bps = 10000000000ULL;
	o->downtime_limit_ms = 300;
	o->max_rounds = 30;
	o->device_precopy = true;
	o->burst = 128 << 10;
	o->uffd = -1;
	o->guest_ip = GUEST_IP;
	o->progress = isatty(STDOUT_FILENO) ? 2 : 1;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

#define OPT(name) (!strcmp(a, name))
#define NEED() do { if (!v) lab_usage_error(sub, "%s needs a value", a); i++; } while (0)
		if (OPT("--help") || OPT("-h")) {
			fputs(host_help, stdout);
			exit(LAB_EXIT_OK);
		} else if (OPT("--role")) {
			NEED();
			role = v;
		} else if (OPT("--name")) {
			NEED();
			o->name = v;
		} else if (OPT("--fabric-netns")) {
			NEED();
			o->fabric_netns = v;
		} else if (OPT("--port-tap")) {
			NEED();
			o->port_tap = v;
		} else if (OPT("--vm-netns")) {
			NEED();
			o->vm_netns = v;
		} else if (OPT("--vm-tap")) {
			NEED();
			o->vm_tap = v;
		} else if (OPT("--connect")) {
			NEED();
			o->connect = v;
		} else if (OPT("--listen")) {
			NEED();
			o->listen = v;
		} else if (OPT("--guest-ip")) {
			struct in_addr ia;

			NEED();
			if (inet_pton(AF_INET, v, &ia) != 1)
				lab_usage_error(sub, "--guest-ip %s is not an IPv4 address", v);
			o->guest_ip = ntohl(ia.s_addr);
		} else if (OPT("--queues")) {
			NEED();
			o->queues = (u16)lab_parse_u64(sub, a, v, 1, 16);
		} else if (OPT("--ring")) {
			NEED();
			o->ring = (u16)lab_parse_u64(sub, a, v, 64, 4096);
			if (o->ring % 32)
				lab_usage_error(sub, "--ring %u is not a multiple of 32", o->ring);
		} else if (OPT("--ram-mib")) {
			NEED();
			o->ram_mib = (u32)lab_parse_u64(sub, a, v, 4, 16384);
		} else if (OPT("--bandwidth") || OPT("--max-bandwidth")) {
			NEED();
			o->bandwidth_bps = lab_parse_bandwidth(sub, a, v);
		} else if (OPT("--downtime-limit")) {
			NEED();
			o->downtime_limit_ms = lab_parse_u64(sub, a, v, 1, 100000);
		} else if (OPT("--max-rounds")) {
			NEED();
			o->max_rounds = (u32)lab_parse_u64(sub, a, v, 1, 200);
		} else if (OPT("--migrate-burst")) {
			NEED();
			o->burst = lab_parse_u64(sub, a, v, 0, 1 << 20) << 10;
		} else if (OPT("--no-device-precopy")) {
			o->device_precopy = false;
		} else if (OPT("--json")) {
			NEED();
			o->json = v;
		} else if (OPT("--ready")) {
			NEED();
			o->ready = v;
		} else if (OPT("--progress")) {
			NEED();
			if (!strcmp(v, "auto"))
				;
			else if (!strcmp(v, "line"))
				o->progress = 1;
			else if (!strcmp(v, "off"))
				o->progress = 0;
			else
				lab_usage_error(sub, "--progress %s: use auto, line or off", v);
		} else if (OPT("--quiet")) {
			o->quiet = true;
		} else if (OPT("--debug-drop-device-report")) {
			o->drop_device_report = true;
		} else if (OPT("--debug-drop-cpu-dirty")) {
			o->drop_cpu_dirty = true;
		} else if (OPT("--debug-skip-final-pages")) {
			o->skip_final_pages = true;
		} else if (OPT("--cpu-tracking")) {
			NEED();
			if (!strcmp(v, "uffd"))
				o->uffd = 1;
			else if (!strcmp(v, "mprotect"))
				o->uffd = 0;
			else if (!strcmp(v, "auto"))
				o->uffd = -1;
			else
				lab_usage_error(sub, "--cpu-tracking %s: auto, uffd or mprotect", v);
		} else if (OPT("--no-vf")) {
			o->no_vf = true;
		} else if (OPT("--debug-no-announce")) {
			o->no_announce = true;
		} else {
			lab_usage_error(sub, "unknown option %s", a);
		}
#undef OPT
#undef NEED
	}
	if (!role)
		lab_usage_error(sub, "--role src or --role dst is required");
	if (!strcmp(role, "src"))
		o->src = true;
	else if (strcmp(role, "dst"))
		lab_usage_error(sub, "--role %s: use src or dst", role);
	if (!o->name)
		o->name = o->src ? "hostA" : "hostB";
	if (!o->port_tap && !o->no_vf)
		lab_usage_error(sub, "--port-tap NAME is required");
	if (!o->vm_tap && !o->no_vf)
		lab_usage_error(sub, "--vm-tap NAME is required");
	if (o->src && (!o->connect || parse_addr(o->connect, &sa)))
		lab_usage_error(sub, "the source needs --connect IP:PORT (got '%s')",
				o->connect ? o->connect : "");
	if (!o->src && (!o->listen || parse_addr(o->listen, &sa)))
		lab_usage_error(sub, "the destination needs --listen IP:PORT (got '%s')",
				o->listen ? o->listen : "");
}

int lab_host_main(int argc, char **argv)
{
	struct nh *n = lab_zalloc(sizeof(*n));
	struct sigaction sa;
	int code;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse(argc, argv, &n->o);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!nh_setup(n))
		nh_run(n);
	if (n->o.progress == 2 && !n->o.quiet)
		fputs("\r\033[K", stdout);
	if (!n->o.src || !n->json_written || n->error[0])
		write_json(n);
	if (n->o.src && n->migrating && !n->src_ended && !n->error[0])
		nh_fail(n, LAB_EXIT_CHECK, "stopped before the migration ended");
	if (!n->o.src && n->migrating && !n->dst_ended && !n->error[0])
		nh_fail(n, LAB_EXIT_CHECK, "stopped before the incoming migration ended");
	code = n->exit_code;
	if (n->have_link)
		lab_link_close(&n->link);
	if (n->ms.set)
		lab_mig_src_free(&n->ms);
	if (n->port_fd >= 0)
		close(n->port_fd);
	if (n->listen_fd >= 0)
		close(n->listen_fd);
	if (n->io && n->io->tap_fd >= 0)
		close(n->io->tap_fd);
	lab_host_free(n->h);
	if (n->o.no_vf && n->dev)
		n->dev->ops->destroy(n->dev);
	lab_ram_free(n->ram);
	lab_judge_free(&n->jd);
	free(n->hash);
	free(n->io);
	free(n);
	vfmig_log_set_sink(NULL, NULL);
	return code;
}
