// SPDX-License-Identifier: GPL-2.0-only
/*
 * TAP devices in other network namespaces (tap.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>
#include "tap.h"

/* Enter @netns; *saved gets this namespace back (-1: nothing to restore). */
static int enter(const char *netns, int *saved, char *err, size_t errlen)
{
	char path[300];
	int fd;

	*saved = -1;
	if (!netns || !*netns)
		return 0;
	if (strchr(netns, '/')) {
		snprintf(err, errlen, "network namespace '%s': a name, not a path", netns);
		return -1;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "network namespace %s: %s (does `ip netns list` show it?)",
			 netns, strerror(errno));
		return -1;
	}
	*saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0 || setns(fd, CLONE_NEWNET)) {
		snprintf(err, errlen, "cannot enter network namespace %s: %s (root needed)",
			 netns, strerror(errno));
		close(fd);
		if (*saved >= 0)
			close(*saved);
		*saved = -1;
		return -1;
	}
	close(fd);
	return 0;
}

static void leave(int saved)
{
	if (saved < 0)
		return;
	/* cannot fail for a namespace we were in, short of a broken kernel */
	if (setns(saved, CLONE_NEWNET))
		perror("vfmig-lab: setns back");
	close(saved);
}

int lab_tap_open(const char *netns, const char *name, bool multi_queue,
		 char *err, size_t errlen)
{
	struct ifreq ifr;
	int saved, fd, fl;

	if (!name || !*name || strlen(name) >= IFNAMSIZ) {
		snprintf(err, errlen, "TAP name '%s' is empty or longer than %d characters",
			 name ? name : "", IFNAMSIZ - 1);
		return -1;
	}
	if (enter(netns, &saved, err, errlen))
		return -1;
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "/dev/net/tun: %s", strerror(errno));
		leave(saved);
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (multi_queue ? IFF_MULTI_QUEUE : 0);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		snprintf(err, errlen, "TAP %s%s%s: %s%s", name, netns ? " in " : "",
			 netns ? netns : "", strerror(errno),
			 errno == EINVAL ? " (multi_queue flag differs from the device's?)" : "");
		close(fd);
		leave(saved);
		return -1;
	}
	leave(saved);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK)) {
		snprintf(err, errlen, "TAP %s: fcntl: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int lab_tap_queue(int fd, bool attach, char *err, size_t errlen)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = attach ? IFF_ATTACH_QUEUE : IFF_DETACH_QUEUE;
	if (ioctl(fd, TUNSETQUEUE, &ifr)) {
		snprintf(err, errlen, "TAP queue %s: %s", attach ? "attach" : "detach",
			 strerror(errno));
		return -1;
	}
	return 0;
}

int lab_tap_set_mac_up(const char *netns, const char *name,
		       const uint8_t mac[6], char *err, size_t errlen)
{
	struct ifreq ifr;
	int saved, s, ret = -1;

	if (enter(netns, &saved, err, errlen))
		return -1;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto out;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	if (ioctl(s, SIOCSIFHWADDR, &ifr)) {
		snprintf(err, errlen, "%s: cannot set the MAC: %s", name, strerror(errno));
		goto out_close;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr)) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		goto out_close;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr)) {
		snprintf(err, errlen, "%s: cannot bring it up: %s", name, strerror(errno));
		goto out_close;
	}
	ret = 0;
out_close:
	close(s);
out:
	leave(saved);
	return ret;
}
