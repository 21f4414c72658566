"""The cloud's nightly job on Spark: move every stored envelope header to the current period.

Stored envelopes are a Parquet table with one row per record:

    record_id (string) | header (binary: EnvelopeHeader bytes) | period (int64) | payload (string)

where `payload` is the location of the encrypted payload (here a file path; in production an
object-store key). The job reads the table, rewrites every `header` with the bindings' batch
update (`rs_habe.update_envelope_headers`, the GIL released) inside `mapInArrow`, and writes a new
table. Payloads are never read or written: an update only touches the header (the content key and
the payload do not change), so `header + payload` of an updated row is a valid envelope.

Two sub-commands:

    # make a demo data set: an authority, N sealed records, their payload files and the table
    python spark_nightly_update.py generate --dir /data/demo --records 1000 --time-depth 8

    # the job itself; runs the same way locally and on a cluster
    python spark_nightly_update.py update --input /data/demo/envelopes.parquet \
        --output /data/demo/envelopes-p9.parquet --public-params /data/demo/pp.bin --period 9
    spark-submit --master yarn spark_nightly_update.py update --input s3a://... ...

`update` uses the master given by spark-submit (or `--master`, default `local[2]` when run with
plain python). Every executor needs the `rs_habe` wheel installed (e.g. `pip install` it on the
nodes or ship it with `--archives` of a packed virtual environment) and `pyarrow`.

The public parameters are shipped to the executors as bytes (a broadcast variable); each Python
worker decodes them once and builds their fixed-base tables (`precompute()`), then reuses them
for every batch. The old table must be deleted once the new one is in place (a revoked user who
kept an old header can still open it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

# Decoded public parameters per Python worker process (Spark reuses workers between tasks).
_PP_CACHE: dict = {}


def _public_params(pp_bytes: bytes):
    import rs_habe

    pp = _PP_CACHE.get(pp_bytes)
    if pp is None:
        pp = rs_habe.PublicParams.from_bytes(pp_bytes)
        pp.precompute()
        _PP_CACHE.clear()
        _PP_CACHE[pp_bytes] = pp
    return pp


def update_batches(batches, pp_bytes: bytes, period: int):
    """The `mapInArrow` function: every batch's `header` column moved to `period`."""
    import pyarrow as pa

    import rs_habe

    pp = _public_params(pp_bytes)
    for batch in batches:
        names = batch.schema.names
        headers = batch.column(names.index("header")).to_pylist()
        updated = rs_habe.update_envelope_headers(pp, headers, period)
        columns = []
        for name, column in zip(names, batch.columns):
            if name == "header":
                column = pa.array(updated, type=pa.binary())
            elif name == "period":
                column = pa.array([period] * len(updated), type=pa.int64())
            columns.append(column)
        yield pa.RecordBatch.from_arrays(columns, schema=batch.schema)


def copy_batches(batches):
    """The same job without the update (a baseline for the job's own cost)."""
    yield from batches


def spark_session(master: str | None, app: str = "rs-habe nightly header update"):
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    return (
        builder.config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "128")
        .getOrCreate()
    )


def run_update(spark, input_path: str, output_path: str, pp_bytes: bytes, period: int,
               partitions: int | None = None, update: bool = True) -> int:
    """Runs the job; returns the number of rows written."""
    df = spark.read.parquet(input_path)
    if partitions:
        df = df.repartition(partitions)
    pp_bc = spark.sparkContext.broadcast(pp_bytes)
    if update:
        def fn(batches):
            return update_batches(batches, pp_bc.value, period)
    else:
        fn = copy_batches
    out = df.mapInArrow(fn, df.schema)
    out.write.mode("overwrite").parquet(output_path)
    return spark.read.parquet(output_path).count()


def generate(directory: str, records: int, time_depth: int, period: int, policy: str,
             payload_size: int = 256) -> dict:
    """A demo data set: authority state, public parameters, payload files and the table.
    Returns the paths."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import rs_habe

    os.makedirs(os.path.join(directory, "payloads"), exist_ok=True)
    authority = rs_habe.Authority.setup(time_depth=time_depth, tree_depth=8)
    pp = authority.public_params
    pp.precompute()
    ids, headers, locations = [], [], []
    for i in range(records):
        record_id = f"record-{i:06d}"
        plaintext = (f"{record_id}: " + "x" * payload_size).encode()
        env = rs_habe.Envelope.seal(pp, [(policy, period)], plaintext, aad=record_id.encode())
        location = os.path.join(directory, "payloads", f"{record_id}.bin")
        with open(location, "wb") as f:
            f.write(env.payload)
        ids.append(record_id)
        headers.append(env.header.to_bytes())
        locations.append(location)
    table = pa.table({
        "record_id": pa.array(ids, pa.string()),
        "header": pa.array(headers, pa.binary()),
        "period": pa.array([period] * records, pa.int64()),
        "payload": pa.array(locations, pa.string()),
    })
    paths = {
        "table": os.path.join(directory, "envelopes.parquet"),
        "pp": os.path.join(directory, "pp.bin"),
        "authority": os.path.join(directory, "authority.bin"),
    }
    pq.write_table(table, paths["table"])
    with open(paths["pp"], "wb") as f:
        f.write(pp.to_bytes())
    with open(paths["authority"], "wb") as f:
        f.write(authority.to_bytes())  # secret: a demo keeps it next to the data, never do that
    return paths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="make a demo data set")
    g.add_argument("--dir", required=True)
    g.add_argument("--records", type=int, default=1000)
    g.add_argument("--time-depth", type=int, default=8)
    g.add_argument("--period", type=int, default=1)
    g.add_argument("--policy", default="doctor and cardiology")
    u = sub.add_parser("update", help="move every header to --period")
    u.add_argument("--input", required=True)
    u.add_argument("--output", required=True)
    u.add_argument("--public-params", required=True, help="PublicParams.to_bytes() file")
    u.add_argument("--period", type=int, required=True)
    u.add_argument("--master", default=None, help="default: spark-submit's, else local[2]")
    u.add_argument("--partitions", type=int, default=None)
    args = parser.parse_args(argv)

    if args.command == "generate":
        paths = generate(args.dir, args.records, args.time_depth, args.period, args.policy)
        print(f"wrote {args.records} records: {paths['table']}, public parameters {paths['pp']}")
        return 0

    with open(args.public_params, "rb") as f:
        pp_bytes = f.read()
    master = args.master
    if master is None and "SPARK_ENV_LOADED" not in os.environ:
        master = "local[2]"  # plain `python`, not spark-submit
    spark = spark_session(master)
    used = spark.sparkContext.master
    try:
        start = time.perf_counter()
        n = run_update(spark, args.input, args.output, pp_bytes, args.period, args.partitions)
        secs = time.perf_counter() - start
    finally:
        spark.stop()
    print(f"updated {n} headers to period {args.period} in {secs:.1f} s on {used} -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
