/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Command-line helpers shared by the vfmig-lab subcommands (main.c): each
 * bad value ends the program with exit 2 and one line naming the option.
 */
#ifndef VFMIG_LAB_CLI_H
#define VFMIG_LAB_CLI_H

#include "lab.h"

/* "vfmig-lab SUB: message (see 'vfmig-lab SUB --help')", exit 2. */
void lab_usage_error(const char *sub, const char *fmt, ...) __printf(2, 3)
	__attribute__((noreturn));
u64 lab_parse_u64(const char *sub, const char *opt, const char *v, u64 lo, u64 hi);
double lab_parse_double(const char *sub, const char *opt, const char *v,
			double lo, double hi);
/* 10G, 2.5G, 800M, 1000000 (bits per second) */
u64 lab_parse_bandwidth(const char *sub, const char *opt, const char *v);

/* The netns lab's subcommands (nethost.c, capture.c, netreport.c). */
int lab_host_main(int argc, char **argv);
int lab_capture_main(int argc, char **argv);
int lab_report_main(int argc, char **argv);
int lab_json_main(int argc, char **argv);

#endif /* VFMIG_LAB_CLI_H */
