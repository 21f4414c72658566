"""Headers per second per core through Python, against the Rust batch path.

The Python counterpart of `cargo run --release --example nightly_update -- N` (the crate's
example, built without `parallel`: one thread): same public parameters (`SetupParams::default()`,
D_t = 20), same policy ("doctor and cardiology"), same move (period 2^20 - 2 to 2^20 - 1, one
derived row per header), fixed-base tables built, batches of 256, and the timed loop includes
decoding and encoding each header, as the Rust example's does. One Python thread: a per-core
figure.

    python bindings/python/benches/throughput.py [N]   (default 4000)
"""

import statistics
import sys
import time

import rs_habe


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    authority = rs_habe.Authority.setup(time_depth=20, tree_depth=20)
    pp = authority.public_params
    pp.precompute()
    t = pp.periods - 2
    header, _ = rs_habe.Header.encapsulate(pp, "doctor and cardiology", t)
    envelope = rs_habe.Envelope.seal(pp, [("doctor and cardiology", t)], b"x" * 1024)
    raw = header.to_bytes()
    env_header = envelope.header.to_bytes()
    print(f"{n} headers of {len(raw)} bytes (envelope headers: {len(env_header)} bytes), "
          f"period {t} -> {t + 1}, batches of 256, best and median of {repeats}")
    for name, fn, item in [
        ("update_headers (ABE headers, rs_habe::update_headers)", rs_habe.update_headers, raw),
        ("update_envelope_headers (envelope headers)", rs_habe.update_envelope_headers, env_header),
    ]:
        rates = []
        for _ in range(repeats):
            batch = [item] * 256
            done = 0
            start = time.perf_counter()
            while done < n:
                k = min(256, n - done)
                out = fn(pp, batch[:k], t + 1)
                done += len(out)
            secs = time.perf_counter() - start
            rates.append(done / secs)
        print(f"{name}: best {max(rates):.0f}, median {statistics.median(rates):.0f} headers/s (1 thread)")


if __name__ == "__main__":
    main()
