"""Spark local[1] against local[2] for the nightly header update
(examples/spark_nightly_update.py), measured so that Spark's start-up does not count.

For each master, one SparkSession is started (not timed), a warm-up job runs (not timed), then
each of these jobs runs `--repeats` times over the same Parquet table of N envelope headers:
- copy:   read Parquet -> mapInArrow(identity) -> write Parquet (the job without the update),
- update: read Parquet -> mapInArrow(rs_habe.update_envelope_headers) -> write Parquet.
The update stage's time is update - copy (medians). Same data as benches/throughput.py:
D_t = 20, "doctor and cardiology", period 2^20 - 2 -> 2^20 - 1 (one header sealed, repeated N
times with distinct record ids: every copy gets its own fresh randomness, the work is the same).

    python bindings/python/benches/spark_scaling.py [N] [repeats]   (defaults 20000, 3)
"""

import importlib.util
import os
import pathlib
import statistics
import sys
import tempfile
import time

import pyarrow as pa
import pyarrow.parquet as pq

import rs_habe

HERE = pathlib.Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location(
    "spark_nightly_update", HERE.parent / "examples" / "spark_nightly_update.py")
job = importlib.util.module_from_spec(spec)
spec.loader.exec_module(job)


def make_table(directory, n):
    authority = rs_habe.Authority.setup(time_depth=20, tree_depth=20)
    pp = authority.public_params
    pp.precompute()
    t = pp.periods - 2
    env = rs_habe.Envelope.seal(pp, [("doctor and cardiology", t)], b"x" * 1024)
    payload = os.path.join(directory, "payload.bin")
    pathlib.Path(payload).write_bytes(env.payload)
    table = pa.table({
        "record_id": pa.array([f"record-{i:07d}" for i in range(n)], pa.string()),
        "header": pa.array([env.header.to_bytes()] * n, pa.binary()),
        "period": pa.array([t] * n, pa.int64()),
        "payload": pa.array([payload] * n, pa.string()),
    })
    path = os.path.join(directory, "envelopes.parquet")
    pq.write_table(table, path)
    return path, pp.to_bytes(), t + 1


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    with tempfile.TemporaryDirectory() as d:
        table, pp_bytes, period = make_table(d, n)
        results = {}
        for master in ["local[1]", "local[2]"]:
            spark = job.spark_session(master, app=f"spark_scaling {master}")
            try:
                out = os.path.join(d, "out.parquet")
                job.run_update(spark, table, out, pp_bytes, period, partitions=4)  # warm-up
                times = {"copy": [], "update": []}
                for _ in range(repeats):
                    for kind in ["copy", "update"]:
                        start = time.perf_counter()
                        rows = job.run_update(spark, table, out, pp_bytes, period,
                                              partitions=4, update=(kind == "update"))
                        times[kind].append(time.perf_counter() - start)
                        assert rows == n
            finally:
                spark.stop()
            copy, update = statistics.median(times["copy"]), statistics.median(times["update"])
            results[master] = (copy, update)
            print(f"{master}: copy job {copy:.2f} s, update job {update:.2f} s "
                  f"(medians of {repeats}); update stage {update - copy:.2f} s = "
                  f"{n / (update - copy):.0f} headers/s; whole job {n / update:.0f} headers/s",
                  flush=True)
        (c1, u1), (c2, u2) = results["local[1]"], results["local[2]"]
        print(f"local[2] / local[1]: update stage {(u1 - c1) / (u2 - c2):.2f}x, "
              f"whole update job {u1 / u2:.2f}x  (N = {n})")
        print(f"load average at the end: {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
