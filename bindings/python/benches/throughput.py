"""Headers per second per core through Python, against the Rust batch path.

The Python counterpart of `cargo run --release --example nightly_update -- N` (the crate's
example, built without `parallel`: one thread): same public parameters (`SetupParams::default()`,
D_t = 20), same policy ("doctor and cardiology"), same move (period 2^20 - 2 to 2^20 - 1, one
derived row per header), fixed-base tables built, batches of 256, and the timed loop includes
decoding and encoding each header, as the Rust example's does. One Python thread: a per-core
figure.

    python bindings/python/benches/throughput.py [N [REPEATS [abe|envelope|both]]]
    (defaults 4000, 3, both)

For a load-independent comparison, count instructions: run it under
`valgrind --tool=callgrind` with N = 100 and N = 300 and "abe" (one repeat), do the same for
`target/release/examples/nightly_update 100` and `... 300`, and divide each difference by 200:
instructions per header, set-up excluded.
"""

import statistics
import sys
import time

import rs_habe


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    only = sys.argv[3] if len(sys.argv) > 3 else "both"
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
    for key, name, fn, item in [
        ("abe", "update_headers (ABE headers, rs_habe::update_headers)", rs_habe.update_headers, raw),
        ("envelope", "update_envelope_headers (envelope headers)", rs_habe.update_envelope_headers,
         env_header),
    ]:
        if only not in (key, "both"):
            continue
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
