#!/usr/bin/env python3
"""Turns scripts/bench-cluster's JSON lines (stdin) into the Markdown table of
docs/performance.md: per shop and rate, recommendations/s, p50/p99, and CPU ms per
request (nodes summed, gateway, both together, load generator). With
`tailor local --api-on-nodes` the nodes do the gateway's work and the gateway column is 0."""
import json, sys

print("| shop | round | offered/s | recommendations/s | p50 / p99 ms | errors, drops | CPU ms/request: nodes | gateway | nodes + gateway | load generator |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for line in sys.stdin:
    line = line.strip()
    if not line.startswith("{"):
        continue
    row = json.loads(line)
    for run in row["result"]["runs"]:
        recs = run["recommendations"]
        cpu = {c["process"]: c["msPerRequest"] for c in run.get("cpu", [])}
        nodes = sum(v for k, v in cpu.items() if k.startswith("node"))
        lat = recs["latencyMs"]
        print(f"| {row['shop']} | {row['round']} | {run['rate']} | {recs['achievedPerSecond']:.0f} | {lat['p50']:.1f} / {lat['p99']:.1f} | "
              f"{recs['errorCount']}, {recs['dropped']} | {nodes:.2f} | {cpu.get('gateway', 0):.2f} | {nodes + cpu.get('gateway', 0):.2f} | "
              f"{cpu.get('tailor load', 0):.2f} |")
