// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reports: the JSON of issue 4 (exactly its keys), extra statistics for the
 * bench (--stats), and the short human summary.
 */
#include <stdarg.h>
#include <stdio.h>
#include <vfmig/fsm.h>
#include "sim.h"

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void lab_result_fail(struct lab_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->exit_code == LAB_EXIT_CHECK)
		return;		/* keep the first */
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	r->exit_code = LAB_EXIT_CHECK;
}

void lab_result_engine(struct lab_result *r, const struct lab_mig_src *ms,
		       const struct lab_mig_dst *md, const struct lab_ram *ram)
{
	u32 i;

	r->outcome = ms->outcome;
	r->precopy_rounds = ms->rounds;
	r->ram_bytes_sent = ms->ram_bytes;
	r->device_bytes_precopy = ms->dev_bytes_precopy;
	r->device_bytes_stopcopy = ms->dev_bytes_stopcopy;
	r->dev_reports = ms->dev_reports;
	r->dev_pages_reported_sum = ms->dev_pages_reported;
	r->dev_writes = md->writes;
	r->cpu_faults = ram->faults;
	r->cpu_syncs = ram->syncs;
	r->cpu_sync_wall_ns = ram->sync_wall_ns;
	r->cpu_overflows = ram->overflows;
	/* the pre-copy rounds, then the stop-copy one */
	r->nrounds = min_t(u32, ms->rounds + (ms->t_send_start ? 1 : 0),
			   ARRAY_SIZE(r->rounds));
	for (i = 0; i < r->nrounds; i++)
		r->rounds[i] = ms->round[i];
}

void lab_report_json(FILE *f, const struct lab_result *r)
{
	fprintf(f, "{\n  \"ok\": %s,\n  \"error\": ", r->ok ? "true" : "false");
	if (r->ok || !r->error[0])
		fputs("null", f);
	else
		json_str(f, r->error);
	fprintf(f, ",\n");
	fprintf(f, "  \"downtime_ms\": %.3f,\n", r->downtime_ms);
	fprintf(f, "  \"device_downtime_ms\": %.3f,\n", r->device_downtime_ms);
	fprintf(f, "  \"total_ms\": %.3f,\n", r->total_ms);
	fprintf(f, "  \"precopy_rounds\": %u,\n", r->precopy_rounds);
#define K(name) fprintf(f, "  \"" #name "\": %llu,\n", (unsigned long long)r->name)
	K(ram_bytes_sent);
	K(device_bytes_precopy);
	K(device_bytes_stopcopy);
	K(dirty_pages_reported_device);
	K(dirty_pages_true_device);
	K(missed_device_pages);
	K(ram_mismatch_pages);
	K(descriptors_lost);
	K(packets_duplicated);
	K(packets_corrupted);
	K(packets_tx);
	K(packets_rx);
	K(packets_dropped_blackout);
#undef K
	fprintf(f, "  \"phases\": {\"quiesce_us\": %llu, \"snapshot_us\": %llu, \"transfer_us\": %llu, \"restore_us\": %llu, \"resume_us\": %llu}\n}\n",
		(unsigned long long)r->quiesce_us, (unsigned long long)r->snapshot_us,
		(unsigned long long)r->transfer_us, (unsigned long long)r->restore_us,
		(unsigned long long)r->resume_us);
}

void lab_report_stats(FILE *f, const struct lab_opts *o, const struct lab_result *r)
{
	u32 i;

	fprintf(f, "{\n  \"queues\": %u, \"ring\": %u, \"ram_bytes\": %llu, \"traffic\": \"%s\", \"rate_pps\": %llu, \"seed\": %llu,\n",
		o->queues, o->ring, (unsigned long long)r->ram_bytes,
		lab_traffic_name(o->traffic), (unsigned long long)o->rate_pps,
		(unsigned long long)o->seed);
	fprintf(f, "  \"outcome\": \"%s\", \"exit_code\": %d,\n",
		lab_mig_outcome_name(r->outcome), r->exit_code);
	fprintf(f, "  \"device_reports\": %llu, \"device_pages_reported_sum\": %llu, \"device_dma_writes\": %llu,\n",
		(unsigned long long)r->dev_reports,
		(unsigned long long)r->dev_pages_reported_sum,
		(unsigned long long)r->dma_writes);
	fprintf(f, "  \"cpu_write_faults\": %llu, \"cpu_syncs\": %llu, \"cpu_sync_wall_ns\": %llu, \"cpu_track_overflows\": %llu,\n",
		(unsigned long long)r->cpu_faults, (unsigned long long)r->cpu_syncs,
		(unsigned long long)r->cpu_sync_wall_ns,
		(unsigned long long)r->cpu_overflows);
	fprintf(f, "  \"tx_lost\": %llu, \"rx_lost\": %llu, \"tx_dups\": %llu, \"rx_dups\": %llu, \"rx_after\": %llu,\n",
		(unsigned long long)r->tx_lost, (unsigned long long)r->rx_lost,
		(unsigned long long)r->tx_dups, (unsigned long long)r->rx_dups,
		(unsigned long long)r->rx_after);
	fprintf(f, "  \"blackout_ns\": %llu, \"virtual_ns\": %llu, \"wall_ns\": %llu, \"steps\": %llu, \"resume_writes\": %llu,\n",
		(unsigned long long)r->blackout_ns, (unsigned long long)r->virt_ns,
		(unsigned long long)r->wall_ns, (unsigned long long)r->steps,
		(unsigned long long)r->dev_writes);
	if (o->vfio_src)
		fprintf(f, "  \"kernel_lab\": {\"all_dirty\": %s, \"missed_final\": %llu, \"late_device_pages\": %llu},\n",
			r->all_dirty ? "true" : "false",
			(unsigned long long)r->missed_final,
			(unsigned long long)r->late_device_pages);
	fprintf(f, "  \"rounds\": [");
	for (i = 0; i < r->nrounds; i++)
		fprintf(f, "%s\n    {\"pages_sent\": %llu, \"cpu_dirty\": %llu, \"device_dirty\": %llu}",
			i ? "," : "", (unsigned long long)r->rounds[i].pages_sent,
			(unsigned long long)r->rounds[i].cpu_dirty,
			(unsigned long long)r->rounds[i].dev_dirty);
	fprintf(f, "\n  ]\n}\n");
}

static double mib(u64 b)
{
	return (double)b / (1024.0 * 1024.0);
}

void lab_report_human(FILE *f, const struct lab_opts *o, const struct lab_result *r)
{
	const char *verdict;

	if (o->vfio_src && r->outcome == LAB_MIG_IDLE) {
		/* the kernel lab could not set up: nothing ran, nothing to show */
		fprintf(f, "vfmig-lab migrate --vfio %s --to %s: FAILED: %s\n",
			o->vfio_src, o->vfio_dst, r->error);
		return;
	}
	fprintf(f, "vfmig-lab migrate: %u queue pairs x %u descriptors, %.0f MiB guest RAM, %s traffic at %llu pps, seed %llu\n",
		r->queues_used ? r->queues_used : o->queues, o->ring, mib(r->ram_bytes),
		lab_traffic_name(o->traffic), (unsigned long long)o->rate_pps,
		(unsigned long long)o->seed);
	fprintf(f, "  %s after %u pre-copy round%s: %.1f MiB of RAM, %llu + %llu bytes of device state\n",
		lab_mig_outcome_name(r->outcome), r->precopy_rounds,
		r->precopy_rounds == 1 ? "" : "s", mib(r->ram_bytes_sent),
		(unsigned long long)r->device_bytes_precopy,
		(unsigned long long)r->device_bytes_stopcopy);
	if (r->outcome == LAB_MIG_DONE)
		fprintf(f, "  downtime %.3f ms (VF share %.3f ms: quiesce %llu us, snapshot %llu us, restore %llu us, resume %llu us; transfer %llu us), total %.1f ms\n",
			r->downtime_ms, r->device_downtime_ms,
			(unsigned long long)r->quiesce_us,
			(unsigned long long)r->snapshot_us,
			(unsigned long long)r->restore_us,
			(unsigned long long)r->resume_us,
			(unsigned long long)r->transfer_us, r->total_ms);
	fprintf(f, "  traffic: %llu sent by the guest, %llu received; %llu dropped in the blackout, %llu lost, %llu duplicated, %llu corrupted\n",
		(unsigned long long)r->packets_tx, (unsigned long long)r->packets_rx,
		(unsigned long long)r->packets_dropped_blackout,
		(unsigned long long)r->descriptors_lost,
		(unsigned long long)r->packets_duplicated,
		(unsigned long long)r->packets_corrupted);
	fprintf(f, "  DMA tracking: device wrote %llu pages, tracker reported %llu (%.2fx), missed %llu; RAM mismatch %llu pages; guest CPU write faults %llu\n",
		(unsigned long long)r->dirty_pages_true_device,
		(unsigned long long)r->dirty_pages_reported_device,
		r->dirty_pages_true_device ?
			(double)r->dirty_pages_reported_device / (double)r->dirty_pages_true_device : 0.0,
		(unsigned long long)r->missed_device_pages,
		(unsigned long long)r->ram_mismatch_pages,
		(unsigned long long)r->cpu_faults);
	if (o->vfio_src)
		fprintf(f, "  kernel lab: device dirty tracking %s; of the pages missed %llu at the final sync; %llu pages changed at the source after it\n",
			r->all_dirty ? "none in this kernel (every page reported dirty)" :
				       "by the device's DMA log",
			(unsigned long long)r->missed_final,
			(unsigned long long)r->late_device_pages);
	switch (r->exit_code) {
	case LAB_EXIT_OK:
		verdict = "ok: migrated, every check passed";
		break;
	case LAB_EXIT_REFUSED:
		verdict = "not migrated, source kept running, every check passed";
		break;
	default:
		verdict = "FAILED";
		break;
	}
	fprintf(f, "  result: %s%s%s\n", verdict, r->error[0] ? ": " : "", r->error);
}
