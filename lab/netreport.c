// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfmig-lab report: the netns lab's report (issue 6).
 *
 * Merges what each part saw: the source and destination hosts' figures
 * (vfmig-lab host --json), the peer side's capture (vfmig-lab capture), and
 * iperf3 -J of both ends, into report.json, the plot's data and gnuplot
 * script, and a short human summary. Times from the hosts are
 * CLOCK_MONOTONIC (one machine, so the two hosts agree) and are put on the
 * capture's CLOCK_REALTIME with the offset each host recorded; iperf3's
 * intervals start at the first payload of its data connection on the wire.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "json.h"
#include "lab.h"

static const char *sub = "report";

static const char report_help[] =
"usage: vfmig-lab report --src F --dst F --capture F --client F --server F\n"
"                        --out report.json [options]\n"
"\n"
"Merge the netns lab's pieces into report.json (docs/lab.md, section 7):\n"
"the hosts' figures (vfmig-lab host --json), the capture (vfmig-lab capture)\n"
"and iperf3 -J of client and server. Prints a short human summary.\n"
"\n"
"  --client-exit N        iperf3 client's exit status (default 0)\n"
"  --direction D          fwd (guest -> peer), rev (iperf3 -R) or bidir\n"
"  --plot-data F          throughput over time (gnuplot data)\n"
"  --gnuplot F            a gnuplot script that draws --png from --plot-data\n"
"  --png F                the plot the script writes\n"
"  --probe F              the DPDK probe's JSON (dpdk-test/): its frames lost\n"
"                         per 100 ms go into the plot, under the throughput\n"
"  --quiet                one summary line\n"
"\n"
"exit: 0 migrated, iperf3's connection survived and every check passed; 1 not\n"
"migrated (refused or cancelled: the VM kept running on the source); 2 usage\n"
"error; 3 a check failed or a piece is missing.\n";

struct iv {
	double t0, t1;		/* seconds since iperf3's start */
	double mbps;
	double bytes;
};

struct rep {
	struct lab_json *src, *dst, *cap, *cli, *srv;
	struct lab_json *probe;		/* optional: the DPDK probe's figures */
	const char *dir;
	int client_exit;
	bool quiet;
	/* results */
	bool migrated, survived, ok;
	int exit_code;
	char error[400];
	char errors[1200];
	double blackout_ms, downtime_ms, device_downtime_ms, total_ms;
	double tput_before, tput_min_during, tput_after;
	double longest_gap_ms, flow_stall_ms;
	double rounds;
	double retransmits, iperf_retransmits;
	double missed, mismatch;	/* NAN: unknown */
	double t0;			/* iperf3's time zero, realtime ns */
	double ms, stop, run, me;	/* migration times, s since t0 */
	double after_bytes;
	double portb_frames, portb_bytes;
	struct iv *ivs;
	size_t nivs;
};

static void fail(struct rep *r, int code, const char *fmt, ...) __printf(3, 4);
static void fail(struct rep *r, int code, const char *fmt, ...)
{
	char msg[300];
	size_t l = strlen(r->errors);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!r->error[0]) {
		snprintf(r->error, sizeof(r->error), "%s", msg);
		r->exit_code = code;
	} else if (code == LAB_EXIT_CHECK) {
		r->exit_code = LAB_EXIT_CHECK;
	}
	snprintf(r->errors + l, sizeof(r->errors) - l, "%s%s", l ? "; " : "", msg);
}

static struct lab_json *load(struct rep *r, const char *path, const char *what)
{
	char err[300];
	struct lab_json *j;

	if (!path) {
		fail(r, LAB_EXIT_CHECK, "no %s given", what);
		return NULL;
	}
	j = lab_json_load(path, err, sizeof(err));
	if (!j)
		fail(r, LAB_EXIT_CHECK, "%s: %s", what, err);
	return j;
}

/* A number the report must have; NAN (and a failed check) when absent. */
static double need(struct rep *r, const struct lab_json *j, const char *path,
		   const char *what)
{
	const struct lab_json *v = lab_json_path(j, path);

	if (!v || v->type != LAB_JSON_NUMBER) {
		if (j)
			fail(r, LAB_EXIT_CHECK, "%s has no %s", what, path);
		return NAN;
	}
	return v->num;
}

static const struct lab_json *iface(const struct lab_json *cap, const char *prefix)
{
	const struct lab_json *a = lab_json_get(cap, "ifaces"), *c;

	for (c = a ? a->child : NULL; c; c = c->next) {
		const char *n = lab_json_str(c, "name", "");

		if (!strncmp(n, prefix, strlen(prefix)))
			return c;
	}
	return NULL;
}

/* The receiver's 100-ms intervals (what arrived), summed over directions. */
static void intervals(struct rep *r)
{
	const struct lab_json *a = NULL, *b = NULL, *c;
	const char *ka = "sum", *kb = NULL;
	size_t i, n;

	if (!strcmp(r->dir, "rev")) {
		a = lab_json_get(r->cli, "intervals");
	} else if (!strcmp(r->dir, "bidir")) {
		a = lab_json_get(r->srv, "intervals");
		b = lab_json_get(r->cli, "intervals");
		kb = "sum_bidir_reverse";
	} else {
		a = lab_json_get(r->srv, "intervals");
	}
	if (!a || !a->n) {
		/* no receiver side: the sender's view is better than nothing */
		a = lab_json_get(r->cli, "intervals");
		b = NULL;
		if (a && a->n)
			fail(r, LAB_EXIT_CHECK, "no iperf3 receiver intervals: using the sender's");
	}
	n = a ? a->n : 0;
	r->ivs = lab_zalloc((n + 1) * sizeof(*r->ivs));
	for (i = 0, c = a ? a->child : NULL; c; c = c->next, i++) {
		struct iv *v = &r->ivs[r->nivs];
		const struct lab_json *s = lab_json_get(c, ka);

		v->t0 = lab_json_num(s, "start", NAN);
		v->t1 = lab_json_num(s, "end", NAN);
		v->bytes = lab_json_num(s, "bytes", 0);
		if (kb && b) {
			const struct lab_json *s2 = lab_json_get(lab_json_at(b, i), kb);

			v->bytes += lab_json_num(s2, "bytes", 0);
		}
		if (isnan(v->t0) || isnan(v->t1) || v->t1 <= v->t0)
			continue;
		v->mbps = v->bytes * 8 / (v->t1 - v->t0) / 1e6;
		r->nivs++;
	}
}

static void compute(struct rep *r)
{
	const struct lab_json *src = r->src, *dst = r->dst, *cap = r->cap;
	const struct lab_json *pa = iface(cap, "portA"), *pb = iface(cap, "portB");
	const struct lab_json *flows = lab_json_get(cap, "flows"), *mf;
	double off, link_Bps, dur, sent_s, n_before = 0, s_before = 0, n_after = 0;
	double s_after = 0, mn = INFINITY;
	const char *so, *dso;
	size_t i;

	so = lab_json_str(src, "outcome", "?");
	dso = lab_json_str(dst, "outcome", "?");
	r->migrated = src && dst && !strcmp(so, "migrated") && !strcmp(dso, "migrated");
	if (src && !r->migrated) {
		const char *e = lab_json_str(src, "error", NULL);

		fail(r, !strcmp(so, "refused") || !strcmp(so, "cancelled") ?
		     LAB_EXIT_REFUSED : LAB_EXIT_CHECK,
		     "not migrated (source: %s, destination: %s)%s%s", so, dso,
		     e ? ": " : "", e ? e : "");
	}
	off = lab_json_num(src, "clock_offset_ns", 0);
	r->downtime_ms = (need(r, dst, "t_running_ns", "dst") -
			  need(r, src, "t_vcpu_stop_ns", "src")) / 1e6;
	link_Bps = lab_json_num(src, "link_rate_Bps", 0);
	r->device_downtime_ms = (need(r, src, "quiesce_ns", "src") +
				 need(r, src, "snapshot_ns", "src") +
				 need(r, dst, "restore_ns", "dst") +
				 need(r, dst, "resume_ns", "dst")) / 1e6 +
				(link_Bps > 0 ? need(r, src, "device_bytes_stopcopy", "src") /
						link_Bps * 1e3 : 0);
	r->total_ms = (need(r, src, "t_end_ns", "src") -
		       need(r, src, "t_migration_start_ns", "src")) / 1e6;
	r->rounds = need(r, src, "precopy_rounds", "src");
	r->missed = lab_json_num(src, "missed_device_pages", NAN);
	r->mismatch = lab_json_num(dst, "ram_mismatch_pages", NAN);
	if (r->migrated && isnan(r->missed))
		fail(r, LAB_EXIT_CHECK, "the source did not judge the device pages");
	else if (r->missed > 0)
		fail(r, LAB_EXIT_CHECK, "%.0f pages written by the device were never reported after the write",
		     r->missed);
	if (r->migrated && isnan(r->mismatch))
		fail(r, LAB_EXIT_CHECK, "the destination got no RAM hashes from the source");
	else if (r->mismatch > 0)
		fail(r, LAB_EXIT_CHECK, "%.0f pages differ between source and destination RAM",
		     r->mismatch);
	if (r->migrated && !lab_json_bool(dst, "guest_driver_running", false))
		fail(r, LAB_EXIT_CHECK, "the guest driver is not RUNNING at the destination");

	/* the wire */
	mf = lab_json_at(flows, (size_t)lab_json_num(cap, "main_flow", 0));
	r->t0 = lab_json_num(mf, "first_payload_ns", NAN);
	r->ms = (lab_json_num(src, "t_migration_start_ns", NAN) + off - r->t0) / 1e9;
	r->stop = (lab_json_num(src, "t_vcpu_stop_ns", NAN) + off - r->t0) / 1e9;
	r->run = (lab_json_num(dst, "t_running_ns", NAN) +
		  lab_json_num(dst, "clock_offset_ns", off) - r->t0) / 1e9;
	r->me = (lab_json_num(src, "t_end_ns", NAN) + off - r->t0) / 1e9;
	r->blackout_ms = NAN;
	if (pa && pb) {
		double a_last = lab_json_num(pa, "last_from_guest_ns", 0);
		double b_first = lab_json_num(pb, "first_from_guest_ns", 0);

		r->portb_frames = lab_json_num(pb, "from_guest", 0);
		r->portb_bytes = lab_json_num(pb, "from_guest_bytes", 0);
		if (r->migrated && a_last > 0 && b_first > a_last)
			r->blackout_ms = (b_first - a_last) / 1e6;
		if (r->migrated && r->portb_frames <= 0)
			fail(r, LAB_EXIT_CHECK, "no frame from the guest entered the fabric through the destination's port");
	} else if (cap) {
		fail(r, LAB_EXIT_CHECK, "the capture has no portA/portB interfaces");
	}
	if (r->migrated && isnan(r->blackout_ms) && cap)
		fail(r, LAB_EXIT_CHECK, "no switchover seen on the wire (guest frames on portA, then portB)");
	r->longest_gap_ms = lab_json_num(cap, "blackout_ns", NAN) / 1e6;
	r->flow_stall_ms = lab_json_num(cap, "flow_gap_ns", NAN) / 1e6;
	if (!strcmp(r->dir, "rev"))
		r->retransmits = lab_json_num(cap, "retransmits_peer_to_guest", NAN);
	else if (!strcmp(r->dir, "bidir"))
		r->retransmits = lab_json_num(cap, "retransmits_peer_to_guest", NAN) +
				 lab_json_num(cap, "retransmits_guest_to_peer", NAN);
	else
		r->retransmits = lab_json_num(cap, "retransmits_guest_to_peer", NAN);
	r->iperf_retransmits = lab_json_num(!strcmp(r->dir, "rev") ? r->srv : r->cli,
					    "end.sum_sent.retransmits", NAN);

	/* iperf3 */
	intervals(r);
	for (i = 0; i < r->nivs; i++) {
		const struct iv *v = &r->ivs[i];

		if (v->t1 <= r->ms && v->t0 >= 1.0) {
			s_before += v->mbps;
			n_before++;
		}
		if (v->t1 > r->ms && v->t0 < r->me && v->mbps < mn)
			mn = v->mbps;
		if (v->t0 >= r->me) {
			s_after += v->mbps;
			n_after++;
		}
		if (v->t0 >= r->run)
			r->after_bytes += v->bytes;
	}
	if (!n_before) {	/* a short run: every interval before */
		for (i = 0; i < r->nivs; i++)
			if (r->ivs[i].t1 <= r->ms) {
				s_before += r->ivs[i].mbps;
				n_before++;
			}
	}
	r->tput_before = n_before ? s_before / n_before : NAN;
	r->tput_min_during = isinf(mn) ? NAN : mn;
	r->tput_after = n_after ? s_after / n_after : NAN;
	dur = lab_json_num(r->cli, "start.test_start.duration", NAN);
	sent_s = lab_json_num(r->cli, "end.sum_sent.seconds",
			      lab_json_num(r->cli, "end.sum_received.seconds", 0));
	r->survived = r->cli && r->client_exit == 0 && !lab_json_get(r->cli, "error") &&
		      !isnan(dur) && sent_s >= dur * 0.95 && r->after_bytes > 0;
	if (!r->survived) {
		const char *e = lab_json_str(r->cli, "error", NULL);

		fail(r, LAB_EXIT_CHECK, "iperf3's connection did not survive%s%s%s",
		     e ? ": " : "", e ? e : "",
		     r->cli && r->after_bytes <= 0 ? " (nothing arrived after the switchover)" : "");
	}
	if (!r->error[0])
		r->exit_code = LAB_EXIT_OK;
	r->ok = r->exit_code == LAB_EXIT_OK;
}

/* JSON numbers: null for NAN (unknown), integers plain. */
static void jnum(FILE *f, const char *k, double v, int prec, bool comma)
{
	fprintf(f, "  \"%s\": ", k);
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else if (prec < 0)
		fprintf(f, "%.0f", v);
	else
		fprintf(f, "%.*f", prec, v);
	fputs(comma ? ",\n" : "\n", f);
}

/* A value with 3 decimals, or null. */
static void jv(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else
		fprintf(f, "%.3f", v);
}

static int write_report(struct rep *r, const char *path)
{
	const struct lab_json *src = r->src, *dst = r->dst;
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "vfmig-lab report: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "{\n  \"ok\": %s,\n  \"error\": ", r->ok ? "true" : "false");
	if (r->ok)
		fputs("null", f);
	else
		lab_json_put_str(f, r->errors);
	fprintf(f, ",\n  \"iperf3_connection_survived\": %s,\n", r->survived ? "true" : "false");
	jnum(f, "blackout_ms", r->blackout_ms, 3, true);
	jnum(f, "downtime_ms", r->downtime_ms, 3, true);
	jnum(f, "device_downtime_ms", r->device_downtime_ms, 3, true);
	jnum(f, "total_ms", r->total_ms, 3, true);
	jnum(f, "precopy_rounds", r->rounds, -1, true);
	jnum(f, "throughput_before_mbps", r->tput_before, 1, true);
	jnum(f, "throughput_min_during_mbps", r->tput_min_during, 1, true);
	jnum(f, "throughput_after_mbps", r->tput_after, 1, true);
	jnum(f, "retransmits", r->retransmits, -1, true);
	jnum(f, "missed_device_pages", r->missed, -1, true);
	jnum(f, "ram_mismatch_pages", r->mismatch, -1, true);
	fprintf(f, "  \"details\": {\n");
	fprintf(f, "    \"direction\": \"%s\", \"migrated\": %s,\n", r->dir,
		r->migrated ? "true" : "false");
	fprintf(f, "    \"longest_gap_ms\": ");
	jv(f, r->longest_gap_ms);
	fprintf(f, ", \"flow_stall_ms\": ");
	jv(f, r->flow_stall_ms);
	fprintf(f, ", \"iperf3_retransmits\": ");
	jv(f, r->iperf_retransmits);
	fprintf(f, ",\n    \"ram_bytes\": %.0f, \"queues\": %.0f, \"ring\": %.0f, \"bandwidth_bps\": %.0f, \"downtime_limit_ms\": %.0f,\n",
		lab_json_num(src, "ram_bytes", 0), lab_json_num(src, "queues", 0),
		lab_json_num(src, "ring", 0), lab_json_num(src, "bandwidth_bps", 0),
		lab_json_num(src, "downtime_limit_ms", 0));
	fprintf(f, "    \"ram_bytes_sent\": %.0f, \"device_bytes_precopy\": %.0f, \"device_bytes_stopcopy\": %.0f, \"link_rate_mbps\": %.1f,\n",
		lab_json_num(src, "ram_bytes_sent", 0),
		lab_json_num(src, "device_bytes_precopy", 0),
		lab_json_num(src, "device_bytes_stopcopy", 0),
		lab_json_num(src, "link_rate_Bps", 0) * 8 / 1e6);
	fprintf(f, "    \"phases_us\": {\"quiesce\": %.1f, \"snapshot\": %.1f, \"cpu_sync\": %.1f, \"restore\": %.1f, \"resume\": %.1f, \"tap_detach\": %.1f, \"tap_attach\": %.1f},\n",
		lab_json_num(src, "quiesce_ns", 0) / 1e3, lab_json_num(src, "snapshot_ns", 0) / 1e3,
		lab_json_num(src, "cpu_sync_ns", 0) / 1e3, lab_json_num(dst, "restore_ns", 0) / 1e3,
		lab_json_num(dst, "resume_ns", 0) / 1e3, lab_json_num(src, "tap_detach_ns", 0) / 1e3,
		lab_json_num(dst, "tap_attach_ns", 0) / 1e3);
	fprintf(f, "    \"downtime_ms_parts\": {\"stop_to_send\": ");
	jv(f, (lab_json_num(src, "t_send_start_ns", NAN) - lab_json_num(src, "t_vcpu_stop_ns", NAN)) / 1e6);
	fprintf(f, ", \"transfer\": ");
	jv(f, (lab_json_num(dst, "t_complete_ns", NAN) - lab_json_num(src, "t_send_start_ns", NAN)) / 1e6);
	fprintf(f, ", \"load_to_running\": ");
	jv(f, (lab_json_num(dst, "t_running_ns", NAN) - lab_json_num(dst, "t_complete_ns", NAN)) / 1e6);
	fprintf(f, "},\n");
	fprintf(f, "    \"timeline_s\": {\"migration_start\": ");
	jv(f, r->ms);
	fprintf(f, ", \"vcpu_stop\": ");
	jv(f, r->stop);
	fprintf(f, ", \"vcpu_running_at_destination\": ");
	jv(f, r->run);
	fprintf(f, ", \"migration_end\": ");
	jv(f, r->me);
	fprintf(f, "},\n");
	fprintf(f, "    \"dirty_pages_reported_device\": %.0f, \"dirty_pages_true_device\": %.0f, \"cpu_tracking\": \"%s\", \"cpu_write_faults\": %.0f,\n",
		lab_json_num(src, "dirty_pages_reported_device", 0),
		lab_json_num(src, "dirty_pages_true_device", 0),
		lab_json_str(src, "cpu_tracking", "?"), lab_json_num(src, "cpu_write_faults", 0));
	fprintf(f, "    \"guest_frames_on_destination_port\": %.0f, \"guest_bytes_on_destination_port\": %.0f, \"bytes_received_after_switchover\": %.0f,\n",
		r->portb_frames, r->portb_bytes, r->after_bytes);
	{
		const struct lab_json *ifs = lab_json_get(r->cap, "ifaces"), *c;
		double drops = 0;

		for (c = ifs ? ifs->child : NULL; c; c = c->next)
			drops += lab_json_num(c, "pcap_dropped", 0);
		/* frames the capture lost: the wire figures are then lower bounds */
		fprintf(f, "    \"capture_drops\": %.0f,\n", drops);
	}
	fprintf(f, "    \"announces\": %.0f\n  }\n}\n", lab_json_num(dst, "guest.announces", 0));
	if (fclose(f)) {
		fprintf(stderr, "vfmig-lab report: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Capture bins as (t_start_s, t_mid_s, Mbit/s), @group bins summed into one. */
static void wire_series(FILE *f, const struct rep *r, u32 group)
{
	const struct lab_json *g2p = lab_json_get(r->cap, "bins_guest_to_peer");
	const struct lab_json *p2g = lab_json_get(r->cap, "bins_peer_to_guest");
	const struct lab_json *mf = lab_json_at(lab_json_get(r->cap, "flows"),
						(size_t)lab_json_num(r->cap, "main_flow", 0));
	double bin_s = lab_json_num(r->cap, "bin_ns", 1e8) / 1e9 * group;
	double b0 = (lab_json_num(r->cap, "bins_start_ns", 0) - r->t0) / 1e9;
	double tend = (lab_json_num(mf, "last_payload_ns", 0) - r->t0) / 1e9;
	size_t n = g2p ? g2p->n : 0, i, k;

	if (isnan(r->t0))
		return;
	for (i = 0; i + group <= n; i += group) {
		double t = b0 + (double)i / group * bin_s, v = 0;

		for (k = i; k < i + group; k++) {
			if (strcmp(r->dir, "rev"))
				v += lab_json_num(lab_json_at(g2p, k), "", 0);
			if (strcmp(r->dir, "fwd"))
				v += lab_json_num(lab_json_at(p2g, k), "", 0);
		}
		/* whole bins inside the test only */
		if (t >= 0 && t + bin_s <= tend)
			fprintf(f, "%.4f %.4f %.2f\n", t, t + bin_s / 2, v * 8 / bin_s / 1e6);
	}
}

/*
 * The probe's loss histogram on iperf3's time axis (both CLOCK_REALTIME):
 * "t_start t_mid frames_lost" per bin.
 */
static void probe_series(FILE *f, struct rep *r)
{
	const struct lab_json *h = lab_json_get(r->probe, "loss_histogram");
	double b0 = (lab_json_num(r->probe, "histogram_start_ns", NAN) - r->t0) / 1e9;
	double bin_s = lab_json_num(r->probe, "histogram_bin_ms", 100) / 1e3;
	size_t i;

	if (!h || isnan(b0) || !(bin_s > 0))
		return;
	for (i = 0; i < h->n; i++)
		fprintf(f, "%.4f %.4f %.0f\n", b0 + i * bin_s, b0 + (i + 0.5) * bin_s,
			lab_json_num(lab_json_at(h, i), "", 0));
}

static int write_plot(struct rep *r, const char *data, const char *gp, const char *png)
{
	double bin_ms = lab_json_num(r->cap, "bin_ns", 1e8) / 1e6;
	u32 group = bin_ms > 0 && bin_ms < 100 ? (u32)(100 / bin_ms + 0.5) : 1;
	bool zoom = !isnan(r->ms) && !isnan(r->me) && group > 1;
	double z0 = r->ms - 0.3, z1 = r->me + 0.7;
	FILE *f;
	size_t i;

	if (data) {
		f = fopen(data, "w");
		if (!f)
			return -1;
		fprintf(f, "# index 0: iperf3 receiver, 100 ms intervals: t_start_s t_mid_s mbit_per_s\n");
		for (i = 0; i < r->nivs; i++)
			fprintf(f, "%.4f %.4f %.2f\n", r->ivs[i].t0, (r->ivs[i].t0 + r->ivs[i].t1) / 2,
				r->ivs[i].mbps);
		fprintf(f, "\n\n# index 1: on the wire (capture), TCP payload per 100 ms\n");
		wire_series(f, r, group);
		fprintf(f, "\n\n# index 2: on the wire, per %.0f ms\n", bin_ms);
		wire_series(f, r, 1);
		fprintf(f, "\n\n# index 3: DPDK probe, frames lost per bin: t_start_s t_mid_s frames\n");
		if (r->probe)
			probe_series(f, r);
		if (fclose(f))
			return -1;
	}
	if (!gp || !data || !png)
		return 0;
	f = fopen(gp, "w");
	if (!f)
		return -1;
	fprintf(f, "# gnuplot %s  (written by vfmig-lab report)\n", gp);
	fprintf(f, "set terminal pngcairo size 1200,%d font \"sans,10\"\nset output \"%s\"\n",
		(zoom ? 900 : 600) + (r->probe ? 300 : 0), png);
	if (zoom || r->probe)
		fprintf(f, "set multiplot layout %d,1 title \"Live migration of a VM with an X710 VF (model) under iperf3 (%s): downtime %.1f ms, blackout on the wire %.1f ms\"\n",
			1 + zoom + !!r->probe, r->dir, r->downtime_ms,
			isnan(r->blackout_ms) ? 0.0 : r->blackout_ms);
	else
		fprintf(f, "set title \"Live migration of a VM with an X710 VF (model) under iperf3 (%s): downtime %.1f ms\"\n",
			r->dir, r->downtime_ms);
	fprintf(f, "set ylabel \"Mbit/s\"\nset grid\nset key top right opaque\nset yrange [0:*]\n");
	fprintf(f, "set xlabel \"seconds since iperf3 started\"\n");
	if (!isnan(r->ms) && !isnan(r->stop))
		fprintf(f, "set object 1 rect from %.4f, graph 0 to %.4f, graph 1 fc rgb \"#9ecae1\" fs transparent solid 0.45 noborder behind\n",
			r->ms, r->stop);
	if (!isnan(r->stop) && !isnan(r->run))
		fprintf(f, "set object 2 rect from %.4f, graph 0 to %.4f, graph 1 fc rgb \"#de2d26\" fs transparent solid 0.7 noborder behind\n",
			r->stop, r->run > r->stop ? r->run : r->stop + 0.0005);
	if (!isnan(r->ms))
		fprintf(f, "set label 1 \"migration: pre-copy %.0f ms, downtime %.1f ms\" at %.4f, graph 0.06 left offset 1,0 textcolor rgb \"#08519c\"\n",
			(r->stop - r->ms) * 1e3, r->downtime_ms, r->run);
	fprintf(f, "plot \"%s\" index 0 using 1:3 with steps lw 2 lc rgb \"#08306b\" title \"iperf3 receiver, 100 ms\", \\\n"
		   "     \"%s\" index 1 using 2:3 with lines lw 1 lc rgb \"#ff7f00\" title \"on the wire (capture), 100 ms\"\n",
		data, data);
	if (zoom) {
		fprintf(f, "unset label 1\nset xrange [%.4f:%.4f]\nset title \"around the migration (blue: pre-copy, red: downtime)\"\n",
			z0, z1);
		fprintf(f, "plot \"%s\" index 0 using 1:3 with steps lw 2 lc rgb \"#08306b\" title \"iperf3 receiver, 100 ms\", \\\n"
			   "     \"%s\" index 2 using 1:3 with steps lw 1 lc rgb \"#ff7f00\" title \"on the wire (capture), %.0f ms\"\n",
			data, data, bin_ms);
	}
	if (r->probe) {
		/* the whole run again, with the phases shaded as above */
		fprintf(f, "unset label 1\nset xrange [0:*]\nset ylabel \"frames lost\"\n"
			   "set title \"DPDK probe (%.0f frames/s each way): frames lost per %.0f ms\"\n"
			   "set style fill solid 0.7 noborder\n",
			lab_json_num(r->probe, "rate_pps", 0),
			lab_json_num(r->probe, "histogram_bin_ms", 100));
		fprintf(f, "plot \"%s\" index 3 using 2:3 with boxes lc rgb \"#cb181d\" title \"lost\"\n",
			data);
	}
	if (zoom || r->probe)
		fprintf(f, "unset multiplot\n");
	return fclose(f) ? -1 : 0;
}

/* @v with @prec decimals into @b, "-" when unknown. */
static const char *num(char *b, double v, int prec)
{
	if (isnan(v) || isinf(v))
		return "-";
	snprintf(b, 32, "%.*f", prec, v);
	return b;
}

static void human(struct rep *r)
{
	const struct lab_json *src = r->src;
	double mib = lab_json_num(src, "ram_bytes_sent", 0) / (1024.0 * 1024.0);
	char b[10][32];

	if (r->quiet) {
		printf("vfmig demo: %s: downtime %s ms, blackout %s ms, %s rounds, iperf3 %s, missed %s, mismatch %s%s%s\n",
		       r->ok ? "ok" : "FAILED", num(b[0], r->downtime_ms, 2),
		       num(b[1], r->blackout_ms, 2), num(b[2], r->rounds, 0),
		       r->survived ? "survived" : "broken", num(b[3], r->missed, 0),
		       num(b[4], r->mismatch, 0), r->ok ? "" : ": ", r->ok ? "" : r->errors);
		return;
	}
	printf("\nvfmig demo: a VM with an X710 VF (register model) live-migrated from host A to host B under iperf3 (%s)\n",
	       !strcmp(r->dir, "rev") ? "peer -> guest" : !strcmp(r->dir, "bidir") ? "both ways" : "guest -> peer");
	if (r->migrated) {
		printf("  migration   %s pre-copy round%s in %s ms: %.1f MiB of RAM, %.0f + %.0f bytes of VF state (pre-copy + stop-copy)\n",
		       num(b[0], r->rounds, 0), r->rounds == 1 ? "" : "s", num(b[1], r->total_ms, 1), mib,
		       lab_json_num(src, "device_bytes_precopy", 0),
		       lab_json_num(src, "device_bytes_stopcopy", 0));
		printf("  downtime    %s ms (vCPU stop -> vCPU running on B); the VF's share %s ms; blackout on the wire %s ms\n",
		       num(b[2], r->downtime_ms, 2), num(b[3], r->device_downtime_ms, 2),
		       num(b[4], r->blackout_ms, 2));
	}
	printf("  iperf3      connection %s; %s Mbit/s before, %s in the worst 100 ms during the migration, %s after; %s retransmissions (TCP stalled %s ms)\n",
	       r->survived ? "survived" : "BROKEN", num(b[5], r->tput_before, 0),
	       num(b[6], r->tput_min_during, 0), num(b[7], r->tput_after, 0),
	       num(b[8], r->retransmits, 0), num(b[9], r->flow_stall_ms, 0));
	printf("  checks      device pages missed by the tracker: %s; RAM pages different after the load: %s\n",
	       num(b[0], r->missed, 0), num(b[1], r->mismatch, 0));
	printf("  result      %s%s%s\n", r->ok ? "ok" : "FAILED", r->ok ? "" : ": ",
	       r->ok ? "" : r->errors);
}

int lab_report_main(int argc, char **argv)
{
	struct rep *r = lab_zalloc(sizeof(*r));
	const char *ps = NULL, *pd = NULL, *pc = NULL, *pcl = NULL, *psv = NULL, *pp = NULL;
	const char *out = NULL, *data = NULL, *gp = NULL, *png = NULL;
	int i, code;

	r->dir = "fwd";
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(report_help, stdout);
			free(r);
			return LAB_EXIT_OK;
		}
		if (!strcmp(a, "--quiet")) {
			r->quiet = true;
			continue;
		}
		if (!v)
			lab_usage_error(sub, "%s needs a value", a);
		i++;
		if (!strcmp(a, "--src"))
			ps = v;
		else if (!strcmp(a, "--dst"))
			pd = v;
		else if (!strcmp(a, "--capture"))
			pc = v;
		else if (!strcmp(a, "--client"))
			pcl = v;
		else if (!strcmp(a, "--server"))
			psv = v;
		else if (!strcmp(a, "--client-exit"))
			r->client_exit = (int)lab_parse_u64(sub, a, v, 0, 255);
		else if (!strcmp(a, "--direction")) {
			if (strcmp(v, "fwd") && strcmp(v, "rev") && strcmp(v, "bidir"))
				lab_usage_error(sub, "--direction %s: fwd, rev or bidir", v);
			r->dir = v;
		} else if (!strcmp(a, "--out"))
			out = v;
		else if (!strcmp(a, "--plot-data"))
			data = v;
		else if (!strcmp(a, "--gnuplot"))
			gp = v;
		else if (!strcmp(a, "--png"))
			png = v;
		else if (!strcmp(a, "--probe"))
			pp = v;
		else
			lab_usage_error(sub, "unknown option %s", a);
	}
	if (!out)
		lab_usage_error(sub, "--out FILE is required");
	r->src = load(r, ps, "source host figures (--src)");
	r->dst = load(r, pd, "destination host figures (--dst)");
	r->cap = load(r, pc, "capture (--capture)");
	r->cli = load(r, pcl, "iperf3 client output (--client)");
	r->srv = load(r, psv, "iperf3 server output (--server)");
	if (pp)
		r->probe = load(r, pp, "DPDK probe figures (--probe)");
	compute(r);
	code = r->exit_code;
	if (write_report(r, out) || write_plot(r, data, gp, png)) {
		fprintf(stderr, "vfmig-lab report: cannot write the output: %s\n", strerror(errno));
		code = LAB_EXIT_CHECK;
	}
	human(r);
	lab_json_free(r->src);
	lab_json_free(r->dst);
	lab_json_free(r->cap);
	lab_json_free(r->probe);
	lab_json_free(r->cli);
	lab_json_free(r->srv);
	free(r->ivs);
	free(r);
	return code;
}

/* ---- vfmig-lab json: read values out of a JSON file (for scripts) ---- */

int lab_json_main(int argc, char **argv)
{
	struct lab_json *j;
	char err[300];
	int i, code = LAB_EXIT_OK;

	if (argc < 1 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
		printf("usage: vfmig-lab json FILE [PATH...]\n\n"
		       "Check that FILE is JSON; print the value at each dotted PATH\n"
		       "(\"details.phases_us.quiesce\", \"rounds.0\") on its own line, compact.\n"
		       "exit: 0 all found; 2 usage error; 3 not JSON or a PATH is missing.\n");
		return argc < 1 ? LAB_EXIT_USAGE : LAB_EXIT_OK;
	}
	j = lab_json_load(argv[0], err, sizeof(err));
	if (!j) {
		fprintf(stderr, "vfmig-lab json: %s\n", err);
		return LAB_EXIT_CHECK;
	}
	for (i = 1; i < argc; i++) {
		const struct lab_json *v = lab_json_path(j, argv[i]);

		if (!v) {
			fprintf(stderr, "vfmig-lab json: %s: no %s\n", argv[0], argv[i]);
			code = LAB_EXIT_CHECK;
			continue;
		}
		if (v->type == LAB_JSON_STRING)
			fputs(v->str, stdout);
		else
			lab_json_dump(stdout, v);
		putchar('\n');
	}
	lab_json_free(j);
	return code;
}
