//! Replays the fuzz seeds (`fuzz/seeds/<target>/*`) and every minimised crash input
//! (`fuzz/regressions/<target>/*`) through the fuzz targets, so plain `cargo test --all-features`
//! exercises them without cargo-fuzz. The target functions are the crate's own hidden
//! `rs_habe::fuzzing` module (the `fuzzing` feature), which the cargo-fuzz crate in `fuzz/`
//! calls too.
//!
//! The corpus lives in the repository's `fuzz/` directory, which the packaged crate does not
//! ship (1.8 MB of binary seeds). Where it is absent the corpus tests pass **but say so**: each
//! writes `SKIPPED: fuzz seeds do not ship with the packaged crate ...` straight to the process's
//! stderr (not through `eprintln!`, which the test harness captures), so the line shows in every
//! `cargo test` run. The repository's CI sets `RSHABE_REQUIRE_FUZZ_SEEDS=1`, which turns an
//! absent corpus into a failure: there, the replay can never be silently skipped.
#![cfg(feature = "fuzzing")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rs_habe::fuzzing as targets;

/// `fuzz/<sub>` of the repository, or `None` (after reporting the skip on stderr) when the
/// crate was unpacked without it. Panics instead when `RSHABE_REQUIRE_FUZZ_SEEDS=1`.
fn corpus_dir(sub: &str, test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    let required = std::env::var("RSHABE_REQUIRE_FUZZ_SEEDS").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "RSHABE_REQUIRE_FUZZ_SEEDS=1 but {} does not exist",
        dir.display()
    );
    // Leading newline: libtest may be mid-line ("test x ... ") on stdout when this is written.
    let _ = writeln!(
        std::io::stderr(),
        "\nSKIPPED: fuzz seeds do not ship with the packaged crate: fuzz_replay::{test} did not \
         run ({} is absent; run the tests in a clone of the repository)",
        dir.display()
    );
    None
}

/// Runs every file of `dir/<target>/` through its target; returns how many inputs ran.
fn replay(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut ran = 0;
    let mut subdirs: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    subdirs.sort();
    for sub in subdirs.into_iter().filter(|p| p.is_dir()) {
        let name = sub.file_name().unwrap().to_string_lossy().into_owned();
        let target = targets::TARGETS
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("{}: no fuzz target named {name}", sub.display()))
            .1;
        let mut files: Vec<_> = fs::read_dir(&sub)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files.into_iter().filter(|p| p.is_file()) {
            let data = fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name} fails on {}", file.display());
            ran += 1;
        }
    }
    ran
}

#[test]
fn seeds_pass_every_target() {
    let Some(seeds) = corpus_dir("seeds", "seeds_pass_every_target") else {
        return;
    };
    let ran = replay(&seeds);
    // Every target has seeds.
    for (name, _) in targets::TARGETS {
        let dir = seeds.join(name);
        assert!(
            fs::read_dir(&dir)
                .map(|mut d| d.next().is_some())
                .unwrap_or(false),
            "no seeds for {name}"
        );
    }
    assert!(ran > 100, "only {ran} seeds ran");
}

/// Whether `data` decodes as the object of decoder target `target` (`None`: not a decoder).
fn decodes(target: &str, data: &[u8]) -> Option<bool> {
    use rs_habe::pre::{
        Capsule, CapsuleFrag, DelegateeKey, DelegationRecord, KeyFrag, KeyPair, PublicKey,
    };
    use rs_habe::*;
    Some(match target {
        "decode_public_params" => PublicParams::from_bytes(data).is_ok(),
        "decode_authority" => Authority::from_bytes(data).is_ok(),
        "decode_secret_key" => SecretKey::from_bytes(data).is_ok(),
        "decode_key_update" => KeyUpdate::from_bytes(data).is_ok(),
        "decode_decryption_key" => DecryptionKey::from_bytes(data).is_ok(),
        "decode_header" | "header_update" => Header::from_bytes(data).is_ok(),
        "decode_delegator" => Delegator::from_bytes(data).is_ok(),
        "decode_envelope" => Envelope::from_bytes(data).is_ok(),
        "decode_envelope_header" => EnvelopeHeader::from_bytes(data).is_ok(),
        "decode_pre_public_key" => PublicKey::from_bytes(data).is_ok(),
        "decode_pre_key_pair" => KeyPair::from_bytes(data).is_ok(),
        "decode_pre_capsule" => Capsule::from_bytes(data).is_ok(),
        "decode_pre_key_frag" => KeyFrag::from_bytes(data).is_ok(),
        "decode_pre_delegation_record" => DelegationRecord::from_bytes(data).is_ok(),
        "decode_pre_delegatee_key" => DelegateeKey::from_bytes(data).is_ok(),
        "decode_pre_capsule_frag" => CapsuleFrag::from_bytes(data).is_ok(),
        _ => return None,
    })
}

#[test]
fn seeds_are_what_their_names_say() {
    // `make_corpus` names valid encodings `*.bin` and malformed ones `bad-*` (but a
    // `*-bitflip` may still be valid): a wire-format
    // change that silently turns the valid seeds into garbage would gut the fuzzing.
    let Some(seeds) = corpus_dir("seeds", "seeds_are_what_their_names_say") else {
        return;
    };
    for (name, _) in targets::TARGETS {
        for entry in fs::read_dir(seeds.join(name)).unwrap() {
            let path = entry.unwrap().path();
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let data = fs::read(&path).unwrap();
            // A flipped bit may land in a random seed or scalar and still decode.
            // An envelope's payload runs to the end: a cut or a trailing byte can still decode.
            let payload_cut = *name == "decode_envelope"
                && ["-trailing", "-truncated", "-half"]
                    .iter()
                    .any(|s| file.ends_with(s));
            let expect = if file.ends_with("-bitflip") || payload_cut {
                continue;
            } else if file.starts_with("bad-") {
                false
            } else if file.ends_with(".bin") || *name == "header_update" {
                true
            } else {
                continue;
            };
            if let Some(ok) = decodes(name, &data) {
                assert_eq!(ok, expect, "{}", path.display());
            }
        }
    }
}

#[test]
fn regressions_pass() {
    // `fuzz/regressions/` is committed (with a `.gitkeep` while it holds no input).
    let Some(regressions) = corpus_dir("regressions", "regressions_pass") else {
        return;
    };
    replay(&regressions);
}

#[test]
fn unmutated_fixture_envelopes_open() {
    // The envelope_open invariant is vacuous if the fixture envelopes do not open at all.
    let fx = targets::fixture();
    for (bytes, pt) in [
        (&fx.small, targets::SMALL_PLAINTEXT),
        (&fx.large, &fx.large_plaintext[..]),
    ] {
        let env = rs_habe::Envelope::from_bytes(bytes).unwrap();
        assert_eq!(&env.open(&fx.dk, targets::FIXTURE_AAD).unwrap()[..], pt);
    }
}
