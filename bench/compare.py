#!/usr/bin/env python3
"""Prints the W1 comparison table: Spojka (figures from spojka-bench) against the peers' JSON lines."""
import json
import sys

spojka = json.load(open(sys.argv[1]))
peers = [json.loads(line) for line in open(sys.argv[2]) if line.strip().startswith("{")]
durable = spojka["durable"]

def fmt(v, unit=""):
    return "—" if v is None else (f"{v:,.1f}{unit}" if v < 100 else f"{v:,.0f}{unit}")

print("| W1 (webhook → transform → call with injected credential → response) | sequential p50 | sequential p99 | sequential runs/s | runs/s, 16 concurrent |")
print("|---|---|---|---|---|")
rows = [("Spojka, durable (SQLite, every step committed)", durable), ("Spojka, in-memory journal", spojka["in-memory"])]
for peer in peers:
    if "error" in peer:
        print(f"| {peer.get('engine', '?')} | error: {peer['error']} | | | |")
        continue
    rows.append((f"{peer['engine']} ({peer.get('persistence', '')})", peer))
for name, r in rows:
    print(f"| {name} | {fmt(r.get('sequential_p50_ms'), ' ms')} | {fmt(r.get('sequential_p99_ms'), ' ms')} | "
          f"{fmt(r.get('seq_runs_per_s'))} | {fmt(r.get('concurrent_runs_per_s'))} |")
print()
print("| ratio: Spojka durable vs peer | p50 latency (peer ÷ Spojka) | concurrent throughput (Spojka ÷ peer) |")
print("|---|---|---|")
for peer in peers:
    if "error" in peer or not peer.get("sequential_p50_ms"):
        continue
    lat = peer["sequential_p50_ms"] / durable["sequential_p50_ms"]
    thr = durable["concurrent_runs_per_s"] / peer["concurrent_runs_per_s"] if peer.get("concurrent_runs_per_s") else None
    print(f"| {peer['engine']} ({peer.get('persistence', '')}) | {lat:,.0f}× | {'—' if thr is None else f'{thr:,.0f}×'} |")
