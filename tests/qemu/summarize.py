#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""L1's report (qemu-migrate.sh's .results) -> the JSON summary and a short
text summary. Report lines: "check ID ok|FAIL DETAIL", "info KEY VALUE",
"rec SCENARIO KEY VALUE", "begin ID", "detail TEXT", "done".

    summarize.py --kver K --vfio DESC --wall S [--fault F] RESULTS OUT.json OUT.txt
"""
import argparse
import json
import re


def num(v):
    m = re.fullmatch(r"(-?[0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)", v.strip())
    if not m:
        return v
    x = float(m.group(1))
    unit = m.group(2).lower()
    mult = {"": 1, "ms": 1, "b": 1, "kib": 1024, "mib": 1 << 20, "gib": 1 << 30,
            "kb": 1024, "mb": 1 << 20, "gb": 1 << 30}.get(unit)
    if mult is None:
        return v
    x *= mult
    return int(x) if x == int(x) else x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kver", required=True)
    ap.add_argument("--vfio", required=True)
    ap.add_argument("--wall", type=float, required=True)
    ap.add_argument("--fault", default="")
    ap.add_argument("results")
    ap.add_argument("json_out")
    ap.add_argument("txt_out")
    a = ap.parse_args()

    out = {"kernel": a.kver, "vfio_ko": a.vfio, "l1_wall_s": a.wall,
           "fault": a.fault or None, "info": {}, "scenarios": {}, "done": False}
    scn = {}

    def s(name):
        if name not in scn:
            scn[name] = {"check": None, "detail": "", "details": [], "qemu": {},
                         "driver": {"arcs": {}, "log_reports": {}, "events": []},
                         "qemu_log": {}, "kmsg": [], "rec": {}}
        return scn[name]

    last = None
    with open(a.results, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            w = line.split(" ", 3)
            if w[0] == "check" and len(w) >= 3:
                e = s(w[1])
                e["check"] = w[2]
                e["detail"] = w[3] if len(w) > 3 else ""
                last = w[1]
            elif w[0] == "detail" and last:
                s(last)["details"].append(line[7:])
            elif w[0] == "info" and len(w) >= 2:
                out["info"][w[1]] = line.split(" ", 2)[2] if len(w) > 2 else ""
            elif w[0] == "done":
                out["done"] = True
            elif w[0] == "rec" and len(w) >= 3:
                e = s(w[1])
                key, val = w[2], (w[3] if len(w) > 3 else "")
                if key.startswith("qemu_") and key not in ("qemu_log",):
                    e["qemu"][key[5:]] = num(val)
                elif key == "qemu_log":
                    vm, _, text = val.partition(" ")
                    e["qemu_log"].setdefault(vm, []).append(text)
                elif key == "arcs":
                    dev, _, arcs = val.partition(" ")
                    e["driver"]["arcs"][dev] = arcs.split(">")
                elif key == "log_reports":
                    dev, _, n = val.partition(" ")
                    e["driver"]["log_reports"][dev] = int(n)
                elif key == "drv":
                    e["driver"]["events"].append(val)
                elif key in ("precopy_info_calls", "dirty_set_calls", "save_bytes",
                             "resume_bytes", "resume_write_errors"):
                    e["driver"][key] = int(val)
                elif key == "kmsg":
                    e["kmsg"].append(val)
                else:
                    e["rec"][key] = num(val) if key == "wall_s" else val

    # PRECOPY_INFO answers as QEMU got them (vfio_save_iterate and
    # vfio_state_pending_exact trace lines of the source VM).
    pre = re.compile(r"(vfio_save_iterate|vfio_state_pending_exact).*precopy initial size (\d+) precopy dirty size (\d+)")
    for e in scn.values():
        answers = []
        for vm, lines in e["qemu_log"].items():
            for t in lines:
                m = pre.search(t)
                if m:
                    answers.append({"vm": vm, "event": m.group(1),
                                    "initial_bytes": int(m.group(2)), "dirty_bytes": int(m.group(3))})
        e["driver"]["precopy_info_answers_seen_by_qemu"] = answers
        e["driver"]["log_report_events"] = sum(1 for ev in e["driver"]["events"] if ev.startswith("log_report "))
    # The driver's own dynamic-debug lines (driver/mig.c, driver/dirty.c),
    # where the module has them: every arc with its cost, every
    # PRECOPY_INFO answer, every log report with the bytes it set.
    arc_re = re.compile(r"i40e_vfio_pci (\S+): arc (\S+) -> (\S+): (-?\d+), (\d+) us")
    pi_re = re.compile(r"i40e_vfio_pci (\S+): precopy_info initial (\d+) dirty (\d+)")
    lr_re = re.compile(r"i40e_vfio_pci (\S+): log report iova (\S+) length (\S+): (\d+) bytes dirty, (-?\d+)")
    ls_re = re.compile(r"i40e_vfio_pci (\S+): log start: (\d+) ranges, page size (\d+): (-?\d+)")
    for e in scn.values():
        d = e["driver"]
        d["dbg_arcs"], d["dbg_precopy_info"], d["dbg_log_reports"], d["dbg_log_start"] = [], [], [], []
        for k in e["kmsg"]:
            m = arc_re.search(k)
            if m:
                d["dbg_arcs"].append({"dev": m.group(1), "from": m.group(2), "to": m.group(3),
                                      "ret": int(m.group(4)), "us": int(m.group(5))})
                continue
            m = pi_re.search(k)
            if m:
                d["dbg_precopy_info"].append({"dev": m.group(1), "initial_bytes": int(m.group(2)),
                                              "dirty_bytes": int(m.group(3))})
                continue
            m = lr_re.search(k)
            if m:
                d["dbg_log_reports"].append({"dev": m.group(1), "iova": m.group(2), "length": m.group(3),
                                             "dirty_bytes": int(m.group(4)), "ret": int(m.group(5))})
                continue
            m = ls_re.search(k)
            if m:
                d["dbg_log_start"].append({"dev": m.group(1), "ranges": int(m.group(2)),
                                           "page_size": int(m.group(3)), "ret": int(m.group(4))})
        d["dbg_log_report_dirty_bytes"] = sum(r["dirty_bytes"] for r in d["dbg_log_reports"])
    out["scenarios"] = scn
    with open(a.json_out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")

    rows = []
    for name, e in scn.items():
        if name in ("setup", "teardown"):
            continue
        q = e["qemu"]
        arcs = "; ".join(f"{d}: {'>'.join(v)}" for d, v in e["driver"]["arcs"].items())
        if e["driver"]["dbg_arcs"]:
            per = {}
            for x in e["driver"]["dbg_arcs"]:
                per.setdefault(x["dev"], []).append(f"{x['to']}({x['us']}us{'' if not x['ret'] else ' ' + str(x['ret'])})")
            arcs = "; ".join(f"{d}: {'>'.join(v)}" for d, v in per.items())
        pis = e["driver"]["dbg_precopy_info"]
        pi_txt = ", ".join(f"{p['initial_bytes']}/{p['dirty_bytes']}" for p in pis[:4]) + (" ..." if len(pis) > 4 else "")
        rows.append(
            f"{name}: {e['check'] or 'not reported'}; QEMU {q.get('status', '-')}, total {q.get('total', '-')} ms, "
            f"setup {q.get('setup', '-')} ms, downtime {q.get('down', '-')} ms, vfio device {q.get('vfio_device_transferred_kbytes', '-')} KiB, "
            f"dirty syncs {q.get('dirty_syncs', '-')}; driver: log reports {sum(e['driver']['log_reports'].values())}, "
            f"dirty bytes reported {e['driver']['dbg_log_report_dirty_bytes']}, "
            f"PRECOPY_INFO calls {e['driver'].get('precopy_info_calls', 0)} (initial/dirty: {pi_txt or '-'}), "
            f"stream {e['driver'].get('save_bytes', 0)} B out; "
            f"scenario {e['rec'].get('wall_s', '-')} s; arcs {arcs or '-'}")
    with open(a.txt_out, "w") as f:
        f.write(f"{a.kver} ({a.vfio}): L1 ran {a.wall} s\n")
        for r in rows:
            f.write(r + "\n")


if __name__ == "__main__":
    main()
