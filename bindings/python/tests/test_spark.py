"""The Spark job of examples/spark_nightly_update.py in local mode on generated data: every
updated record still opens for an unrevoked reader and not for a revoked one; payloads are not
touched. Skipped without pyspark, unless RSHABE_REQUIRE_SPARK=1 (CI), where it must run."""

import hashlib
import importlib.util
import os
import pathlib
import subprocess
import sys

import pytest

import rs_habe

if os.environ.get("RSHABE_REQUIRE_SPARK") != "1":
    pytest.importorskip("pyspark")
    pytest.importorskip("pyarrow")

SCRIPT = pathlib.Path(__file__).resolve().parents[1] / "examples" / "spark_nightly_update.py"
RECORDS = 300


def load_script():
    spec = importlib.util.spec_from_file_location("spark_nightly_update", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def digest(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def test_spark_nightly_update(tmp_path):
    import pyarrow.parquet as pq

    job = load_script()
    paths = job.generate(str(tmp_path), RECORDS, time_depth=6, period=1,
                         policy="doctor and cardiology", payload_size=64)
    authority = rs_habe.Authority.from_bytes(pathlib.Path(paths["authority"]).read_bytes())
    reader = authority.enrol(["doctor", "cardiology"])
    leaver = authority.enrol(["doctor", "cardiology"])
    leaver_dk = leaver.decryption_key(authority.key_update(1))
    authority.revoke(leaver.user_id, 2)
    before = pq.read_table(paths["table"]).to_pylist()
    payload_digests = {r["record_id"]: digest(r["payload"]) for r in before}
    # The revoked leaver opens the stored records as long as they are at period 1.
    first = before[0]
    old = rs_habe.Envelope.from_bytes(first["header"] + pathlib.Path(first["payload"]).read_bytes())
    assert old.open(leaver_dk, first["record_id"].encode()).startswith(first["record_id"].encode())

    out = tmp_path / "envelopes-p2.parquet"
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable,
               PYSPARK_DRIVER_PYTHON=sys.executable)
    # Through spark-submit (from the pyspark package), as on a cluster: the master comes from
    # spark-submit, not from the script.
    submit = pathlib.Path(sys.executable).parent / "spark-submit"
    launcher = [str(submit), "--master", "local[2]"] if submit.exists() else [sys.executable]
    run = subprocess.run(
        launcher + [str(SCRIPT), "update", "--input", paths["table"], "--output", str(out),
                    "--public-params", paths["pp"], "--period", "2", "--partitions", "4"],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-6000:]
    assert f"updated {RECORDS} headers to period 2" in run.stdout
    assert "on local[2]" in run.stdout

    after = pq.read_table(str(out)).to_pylist()
    assert sorted(r["record_id"] for r in after) == sorted(payload_digests)
    with pytest.raises(rs_habe.Revoked):
        leaver.decryption_key(authority.key_update(2))
    reader_dk = reader.decryption_key(authority.key_update(2))
    for row in after:
        assert row["period"] == 2
        assert digest(row["payload"]) == payload_digests[row["record_id"]]  # untouched
        header = rs_habe.EnvelopeHeader.from_bytes(row["header"])
        assert [h.period for h in header.policy_headers()] == [2]
        envelope = rs_habe.Envelope.from_bytes(row["header"] + pathlib.Path(row["payload"]).read_bytes())
        aad = row["record_id"].encode()
        assert envelope.open(reader_dk, aad).startswith(aad)
        with pytest.raises(rs_habe.PeriodNotCovered):
            envelope.open(leaver_dk, aad)
