#!/usr/bin/env python3
"""Benchmark (not a test): open a 200-node workflow (saved through the API without positions, so the designer lays
it out) in Chromium — time until the canvas is drawn (every node placed, fitted to the screen), time until it answers
a click (a node selected, its properties shown), and bytes transferred, cold cache and warm (304s).

Usage: bench_designer.py PATH_TO_SPOJKA_BINARY [NODES]
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_console import SAMPLES, bench_browser, bench_server, measured_visit, post, summary  # noqa: E402


def definition(nodes, connection):
    """A trigger, a parallel split and branches alternating a Slack call and a transform: `nodes` nodes in all."""
    branches = 9
    out = [{"id": "start", "type": "trigger", "config": {"kind": "manual"}},
           {"id": "split", "type": "parallel", "config": {"branches": branches}}]
    edges = [{"from": "start", "to": "split"}]
    rest = nodes - 2
    for b in range(branches):
        previous, handle = "split", str(b)
        for i in range(rest // branches + (1 if b < rest % branches else 0)):
            node_id = f"b{b}_{i}"
            if i % 2 == 0:
                out.append({"id": node_id, "type": "connector", "outputVariable": node_id, "config": {
                    "connector": "slack", "tool": "send_message", "connection": connection,
                    "arguments": {"channel": "C0GENERAL", "text": f"Step {i} of branch {b}: {{{{ input.text }}}}"}}})
            else:
                out.append({"id": node_id, "type": "transform", "outputVariable": node_id,
                            "config": {"template": {"ts": f"{{{{ b{b}_{i - 1}.ts }}}}"}}})
            edges.append({"from": previous, "to": node_id, **({"handle": handle} if handle else {})})
            previous, handle = node_id, None
    return {"name": f"{nodes} nodes", "nodes": out, "edges": edges}


def main():
    with bench_server(200) as (server, token, ws, count):
        conn = post(f"{server.url}/api/v1/workspaces/{ws}/connections?verify=false",
                    {"connector": "slack", "name": "Slack - Bench", "credentials": {"token": "xoxb-bench"}}, token)
        workflow = post(f"{server.url}/api/v1/workspaces/{ws}/workflows", definition(count, conn["id"]), token)
        with bench_browser(server) as (_, visit):
            results = []
            for label in ["cold"] * SAMPLES + ["warm"] * SAMPLES:
                target = visit(label)
                drawn = measured_visit(target, f"{server.url}/workflows/{workflow['id']}",
                                       f"performance.getEntriesByName('spojka:designer-drawn').length > 0 && "
                                       f"document.querySelectorAll('.dz-node').length === {count}")
                clicked = time.monotonic()
                target.locator('.dz-node-main[data-id="split"]').click()
                target.wait_for_function("document.querySelector('sp-designer-properties h2')?.textContent === 'Parallel node'", polling="raf")
                drawn["click_ms"] = (time.monotonic() - clicked) * 1000
                results.append((label, drawn))
                if label == "cold":
                    target.context.close()
        for label in ("cold", "warm"):
            print(summary(label, [r for name, r in results if name == label], f"{count} nodes drawn"))


if __name__ == "__main__":
    main()
