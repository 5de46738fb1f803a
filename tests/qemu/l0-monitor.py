#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Ask the L1 QEMU's human monitor (a unix socket) some commands and print
the answers: qemu-migrate.sh uses it when L1 hangs, to see where each vCPU
is before the kill.

    l0-monitor.py SOCKET CMD...
"""
import socket
import sys
import time


def main():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sys.argv[1])
    buf = b""

    def until_prompt():
        nonlocal buf
        end = time.time() + 10
        while b"(qemu) " not in buf and time.time() < end:
            try:
                d = s.recv(65536)
            except socket.timeout:
                break
            if not d:
                break
            buf += d
        out, _, buf = buf.partition(b"(qemu) ")
        return out.decode(errors="replace")

    until_prompt()
    for cmd in sys.argv[2:]:
        s.sendall(cmd.encode() + b"\n")
        out = until_prompt()
        print(f"== {cmd}")
        print("\n".join(l.rstrip("\r") for l in out.splitlines()[1:]))


if __name__ == "__main__":
    main()
