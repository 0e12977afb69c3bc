"""Throughput and peak memory of the text path (caption dump → punctuated Document → outputs).

    python scripts/bench_text.py ../shared/seed/transcript_zh.txt [--punctuator model]

Runs the whole text path on the input repeated 1×, 10× and 100× (each size in a fresh
subprocess, so peak memory is that size's alone) and prints characters per second, peak RSS,
and each size's time and memory as ratios to the 1× run: linear cost shows as a time ratio
close to the size ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

CHILD = r"""
import json, resource, sys, time
from toolkit import Options, process
from toolkit.pipeline import parse_text, render
text = open(sys.argv[1], encoding="utf-8").read() * int(sys.argv[2])
options = Options(punctuator=sys.argv[3])
process(parse_text(text[:2000], "warm-up", options), options)   # load models first
began = time.perf_counter()
doc = process(parse_text(text, "bench", options), options)
render(doc, ["txt", "md", "json"])
spent = time.perf_counter() - began
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"chars": len(text), "seconds": spent, "peak_mb": peak}))
"""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("text", help="a caption dump, e.g. ../shared/seed/transcript_zh.txt")
    p.add_argument("--punctuator", default="auto")
    p.add_argument("--sizes", default="1,10,100")
    a = p.parse_args()
    rows = []
    for n in [int(s) for s in a.sizes.split(",")]:
        began = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", CHILD, a.text, str(n), a.punctuator],
                             capture_output=True, text=True, check=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row["size"] = n
        row["wall"] = time.perf_counter() - began
        rows.append(row)
    base = rows[0]
    print(f"{'size':>5} {'chars':>9} {'seconds':>8} {'chars/s':>9} {'peak MB':>8} "
          f"{'time ratio':>10} {'mem ratio':>9}")
    for r in rows:
        print(f"{r['size']:>4}× {r['chars']:>9,} {r['seconds']:>8.2f} "
              f"{r['chars'] / r['seconds']:>9,.0f} {r['peak_mb']:>8.0f} "
              f"{r['seconds'] / base['seconds']:>10.1f} {r['peak_mb'] / base['peak_mb']:>9.1f}")
    print(f"(process start-up and model loading excluded; 1× wall with start-up: "
          f"{base['wall']:.2f} s; this process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
