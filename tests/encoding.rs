//! Strict decoding (scheme.md §12): a named corpus of malformed inputs for every decoder, each
//! asserting its exact `DecodeErrorKind` (and offset where it is well defined), plus a
//! byte-flipping property test.
//!
//! The inputs are the encodings of the deterministic scenario in `tests/fixtures` (`D_t = 4`,
//! user-tree depth 3, delegator tree depth 2). Field offsets come from the layouts in [`layout`],
//! which are the contract these tests rely on.
#![allow(missing_docs, clippy::unwrap_used)]

mod fixtures;

use std::sync::OnceLock;

use blstrs::{G1Affine, G2Affine};
use fixtures::{Kind, AAD, POLICY};
use group::prime::PrimeCurveAffine;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rs_habe::envelope::MAX_RECIPIENTS;
use rs_habe::policy::{MAX_ATTRIBUTES, MAX_POLICY_TEXT_LEN};
use rs_habe::{
    AttributeSet, Authority, DecodeError, DecodeErrorKind as K, Envelope, Error, Header, Policy,
    PublicParams, SetupParams,
};

/// Byte layouts of the encodings, wire format 3 (abe-v2.md §12; all integers big-endian; G1 48,
/// G2 96, GT 288 bytes).
///
/// ```text
/// prefix         = "RSHB" (0..4) ‖ version 3 (4) ‖ object type (5)
/// attribute list = u32 count ‖ { u8 len ‖ UTF-8 }*            (strictly increasing)
/// issuer tree    = id 16 ‖ seed 32 ‖ depth 1 ‖ next leaf 8 ‖ counter 8 ‖ u32 n ‖ { leaf 8 ‖ from 8 }*
/// PublicParams   = prefix ‖ D_t @6 ‖ Ω̂₁ (G2) @7 ‖ w_T (G1) @103 ‖ { X (G1) ‖ X̂ (G2) }* @151
///                  (twins v_T, f_0..f_Dt: D_t + 2 of them; only the twins are twin-checked)
/// Authority      = prefix ‖ u32 pp_len @6 ‖ PublicParams @10 ‖ g^α (G1) ‖ issuer tree
/// SecretKey      = prefix ‖ issuer 16 @6 ‖ leaf 8 @22 ‖ tree depth @30 ‖ D_t @31 ‖ attributes @32
///                  ‖ { K̂ (G2) ‖ K0 (G1) ‖ K_τ (G1)* }  per path node, root first
/// KeyUpdate      = prefix ‖ issuer 16 @6 ‖ D_t @22 ‖ period @23 ‖ tree depth @31 ‖ counter @32
///                  ‖ delegated (0/1) @40 ‖ [attributes @41] ‖ u32 n
///                  ‖ { node depth 1 ‖ node index 8 ‖ [K̂ (G2)] ‖ K0 (G1) ‖ [K_τ (G1)*] ‖ K1T
///                      ‖ {B2 ‖ B3}^(D_t+1) }*                   ([..]: delegated updates only)
/// DecryptionKey  = prefix ‖ holder 24 @6 ‖ D_t @30 ‖ period @31 ‖ attributes @39
///                  ‖ K̂ (G2) ‖ K0 (G1) ‖ K_τ (G1)* ‖ K1T ‖ {B2 ‖ B3}^(D_t+1)
/// Header         = prefix ‖ D_t @6 ‖ period @7 ‖ u32 len @15 ‖ policy text @19 ‖ Ĉ0 (G2)
///                  ‖ u16 m ‖ Ĉ1 (G2)^m ‖ C_i (G1)^leaves
///                  ‖ { E1 ‖ E2 ‖ E3 ‖ D_(k+1..D_t) }  per node of Cover(T), all G1
/// Delegator      = prefix ‖ holder 24 @6 ‖ D_t @30 ‖ attributes @31 ‖ issuer tree
/// EnvelopeHeader = prefix ‖ id 16 @6 ‖ key commitment 32 @22 ‖ nonce prefix 7 @54 ‖ u32 n @61
///                  ‖ { kind 1 ‖ u32 len ‖ Header ‖ wrapped key 48 }* @65
/// Envelope       = EnvelopeHeader ‖ payload (to the end, at least one 16-byte tag)
/// ```
mod layout {
    pub const G1: usize = 48;
    pub const G2: usize = 96;
    pub const PP_TIME_DEPTH: usize = 6;
    /// Ω̂₁ = ĝ^α (G2): public in v2, no twin; checked against the authority's g^α.
    pub const PP_OMEGA1_HAT: usize = 7;
    /// w_T (G1): no twin.
    pub const PP_W_T: usize = PP_OMEGA1_HAT + G2;
    pub const PP_TWINS: usize = PP_W_T + G1;
    pub const TWIN: usize = G1 + G2;
    pub const AUTH_PP_LEN: usize = 6;
    pub const AUTH_PP: usize = 10;
    pub const SK_TREE_DEPTH: usize = 30;
    pub const SK_ATTRS: usize = 32;
    pub const KU_TIME_DEPTH: usize = 22;
    pub const KU_PERIOD: usize = 23;
    pub const KU_TREE_DEPTH: usize = 31;
    pub const KU_DELEGATED: usize = 40;
    pub const KU_ATTRS: usize = 41;
    pub const DK_TIME_DEPTH: usize = 30;
    pub const DK_PERIOD: usize = 31;
    pub const DK_ATTRS: usize = 39;
    pub const HDR_TIME_DEPTH: usize = 6;
    pub const HDR_PERIOD: usize = 7;
    pub const HDR_TEXT_LEN: usize = 15;
    pub const HDR_TEXT: usize = 19;
    pub const DLG_TIME_DEPTH: usize = 30;
    pub const DLG_ATTRS: usize = 31;
    pub const ENV_COUNT: usize = 61;
    pub const ENV_SLOTS: usize = 65;
    /// Issuer-tree field offsets relative to the tree's start.
    pub const TREE_DEPTH: usize = 48;
    pub const TREE_NEXT_LEAF: usize = 49;
    pub const TREE_REV_COUNT: usize = 65;
    pub const TREE_REVS: usize = 69;

    fn u32_at(b: &[u8], at: usize) -> usize {
        u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize
    }

    /// The end of the attribute list starting at `at`, and the offsets of its entries.
    pub fn attr_list(b: &[u8], at: usize) -> (usize, Vec<usize>) {
        let n = u32_at(b, at);
        let mut pos = at + 4;
        let mut entries = Vec::new();
        for _ in 0..n {
            entries.push(pos);
            pos += 1 + b[pos] as usize;
        }
        (pos, entries)
    }

    /// PublicParams: offset of twin `i`'s G1 element (its G2 element follows).
    pub fn pp_twin(i: usize) -> usize {
        PP_TWINS + i * TWIN
    }

    /// Authority: (PP length, offset of the master secret g^α (G1), offset of the issuer tree).
    pub fn authority(b: &[u8]) -> (usize, usize, usize) {
        let pp_len = u32_at(b, AUTH_PP_LEN);
        let msk = AUTH_PP + pp_len;
        (pp_len, msk, msk + G1)
    }

    /// SecretKey: offset of the first node's K̂.
    pub fn sk_nodes(b: &[u8]) -> usize {
        attr_list(b, SK_ATTRS).0
    }

    /// KeyUpdate: (offset of the entry count, offset of each entry, number of attributes of
    /// S_KU — each entry carries K̂ and one K_τ per attribute when delegated).
    pub fn ku_entries(b: &[u8]) -> (usize, Vec<usize>, usize) {
        let time_depth = b[KU_TIME_DEPTH] as usize;
        let delegated = b[KU_DELEGATED] == 1;
        let (count_at, n_attrs) = if delegated {
            let (end, e) = attr_list(b, KU_ATTRS);
            (end, e.len())
        } else {
            (KU_ATTRS, 0)
        };
        let n = u32_at(b, count_at);
        // K0 (G1), K1T and the time pairs (G2); delegated: also K̂ (G2) and the K_τ (G1).
        let body =
            G1 + G2 * (1 + 2 * (time_depth + 1)) + if delegated { G2 + G1 * n_attrs } else { 0 };
        let entries = (0..n).map(|i| count_at + 4 + i * (9 + body)).collect();
        (count_at, entries, n_attrs)
    }

    /// DecryptionKey: offset of K̂ (K0 follows it).
    pub fn dk_k_hat(b: &[u8]) -> usize {
        attr_list(b, DK_ATTRS).0
    }

    /// Header starting at `base`: offset of Ĉ0 (relative to the start of `b`).
    pub fn hdr_c0(b: &[u8], base: usize) -> usize {
        base + HDR_TEXT + u32_at(b, base + HDR_TEXT_LEN)
    }

    /// Header starting at `base`: offset of the layer count m (u16, after Ĉ0).
    pub fn hdr_m(b: &[u8], base: usize) -> usize {
        hdr_c0(b, base) + G2
    }

    /// Header starting at `base`: offset of the first C_i (after the m elements Ĉ1).
    pub fn hdr_rows(b: &[u8], base: usize) -> usize {
        let m_at = hdr_m(b, base);
        let m = u16::from_be_bytes(b[m_at..m_at + 2].try_into().unwrap()) as usize;
        m_at + 2 + m * G2
    }

    /// Delegator: offset of the issuer tree.
    pub fn dlg_tree(b: &[u8]) -> usize {
        attr_list(b, DLG_ATTRS).0
    }

    /// EnvelopeHeader: (offset of the first slot's length, of its header, of its wrapped key).
    pub fn env_slot0(b: &[u8]) -> (usize, usize, usize) {
        let len_at = ENV_SLOTS + 1;
        let hdr = len_at + 4;
        (len_at, hdr, hdr + u32_at(b, len_at))
    }
}

use layout::*;

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers

struct Encodings {
    all: Vec<(&'static str, Kind, Vec<u8>)>,
}

impl Encodings {
    fn get(&self, name: &str) -> Vec<u8> {
        self.all.iter().find(|e| e.0 == name).unwrap().2.clone()
    }
}

fn enc() -> &'static Encodings {
    static E: OnceLock<Encodings> = OnceLock::new();
    E.get_or_init(|| Encodings {
        all: fixtures::build().encodings(),
    })
}

/// The decode error for `bytes`, which must not decode.
#[track_caller]
fn decode_err(kind: Kind, bytes: &[u8]) -> DecodeError {
    match kind.reencode(bytes) {
        Err(Error::Decode(e)) => e,
        Err(e) => panic!("{kind:?}: expected a decode error, got {e:?}"),
        Ok(_) => panic!("{kind:?}: malformed input decoded"),
    }
}

/// Asserts the exact kind and offset of the error.
#[track_caller]
fn expect(kind: Kind, bytes: &[u8], want: K, offset: usize) {
    let e = decode_err(kind, bytes);
    assert_eq!((e.kind, e.offset), (want, offset), "{kind:?}");
}

/// `b` with `new` written over the bytes at `at`.
fn patch(b: &[u8], at: usize, new: &[u8]) -> Vec<u8> {
    let mut out = b.to_vec();
    out[at..at + new.len()].copy_from_slice(new);
    out
}

/// `b` with `old_len` bytes at `at` replaced by `new` (lengths may differ).
fn splice(b: &[u8], at: usize, old_len: usize, new: &[u8]) -> Vec<u8> {
    let mut out = b[..at].to_vec();
    out.extend_from_slice(new);
    out.extend_from_slice(&b[at + old_len..]);
    out
}

fn attr_list_bytes(attrs: &[&[u8]]) -> Vec<u8> {
    let mut out = (attrs.len() as u32).to_be_bytes().to_vec();
    for a in attrs {
        out.push(a.len() as u8);
        out.extend_from_slice(a);
    }
    out
}

/// A compressed G1 encoding of a point on the curve but outside the prime-order subgroup.
fn g1_outside_subgroup() -> [u8; 48] {
    for x in 1u64.. {
        let mut b = [0u8; 48];
        b[40..].copy_from_slice(&x.to_be_bytes());
        b[0] |= 0x80;
        let unchecked = G1Affine::from_compressed_unchecked(&b);
        if bool::from(unchecked.is_some()) && bool::from(G1Affine::from_compressed(&b).is_none()) {
            assert!(bool::from(unchecked.unwrap().is_on_curve()));
            return b;
        }
    }
    unreachable!()
}

/// A compressed G2 encoding of a point on the curve but outside the prime-order subgroup
/// (x = c0 + c1·i with c1 = 0; the first 48 bytes are c1 with the flags).
fn g2_outside_subgroup() -> [u8; 96] {
    for x in 1u64.. {
        let mut b = [0u8; 96];
        b[88..].copy_from_slice(&x.to_be_bytes());
        b[0] |= 0x80;
        let unchecked = G2Affine::from_compressed_unchecked(&b);
        if bool::from(unchecked.is_some()) && bool::from(G2Affine::from_compressed(&b).is_none()) {
            assert!(bool::from(unchecked.unwrap().is_on_curve()));
            return b;
        }
    }
    unreachable!()
}

/// Compressed encodings that are not points: missing compression flag, x not on the curve,
/// x ≥ p, infinity flag with a non-zero body, sign flag on the identity.
fn not_points(len: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut no_flag = vec![0u8; len];
    no_flag[len - 1] = 1;
    out.push(no_flag);
    let mut big = vec![0xffu8; len];
    big[0] = 0x9f; // compression flag, x ≥ p
    out.push(big);
    let mut inf_nonzero = vec![0u8; len];
    inf_nonzero[0] = 0xc0;
    inf_nonzero[len - 1] = 1;
    out.push(inf_nonzero);
    let mut inf_sign = vec![0u8; len];
    inf_sign[0] = 0xe0;
    out.push(inf_sign);
    // x not on the curve: search small x until the unchecked decoder refuses.
    for x in 1u64.. {
        let mut b = vec![0u8; len];
        b[len - 8..].copy_from_slice(&x.to_be_bytes());
        b[0] |= 0x80;
        let off_curve = if len == 48 {
            bool::from(G1Affine::from_compressed_unchecked(&b[..].try_into().unwrap()).is_none())
        } else {
            bool::from(G2Affine::from_compressed_unchecked(&b[..].try_into().unwrap()).is_none())
        };
        if off_curve {
            out.push(b);
            break;
        }
    }
    out
}

fn identity(len: usize) -> Vec<u8> {
    let mut b = vec![0u8; len];
    b[0] = 0xc0;
    b
}

/// Every point field to corrupt: (vector name, decoder, offset, length).
fn point_fields() -> Vec<(&'static str, Kind, usize, usize)> {
    let e = enc();
    let auth = e.get("authority");
    let sk = e.get("secret_key");
    let ku = e.get("key_update");
    let cku = e.get("child_key_update");
    let dk = e.get("decryption_key");
    let hdr = e.get("header");
    let hdr2 = e.get("header_updated");
    let env = e.get("envelope_header");
    let (_, msk, _) = authority(&auth);
    let sk0 = sk_nodes(&sk);
    let (_, ku_entries_at, _) = ku_entries(&ku);
    let (_, cku_entries_at, _) = ku_entries(&cku);
    let dk0 = dk_k_hat(&dk);
    let (_, env_hdr, _) = env_slot0(&env);
    // v_T and f_0..f_Dt.
    let twins = 2 + usize::from(fixtures::TIME_DEPTH);
    vec![
        // Ω̂₁ (G2) and w_T (G1): no twins.
        ("public_params", Kind::PublicParams, PP_OMEGA1_HAT, G2),
        ("public_params", Kind::PublicParams, PP_W_T, G1),
        ("authority", Kind::Authority, AUTH_PP + PP_OMEGA1_HAT, G2),
        ("authority", Kind::Authority, AUTH_PP + PP_W_T, G1),
        ("public_params", Kind::PublicParams, pp_twin(0), G1),
        ("public_params", Kind::PublicParams, pp_twin(0) + G1, G2),
        ("public_params", Kind::PublicParams, pp_twin(twins - 1), G1),
        (
            "public_params",
            Kind::PublicParams,
            pp_twin(twins - 1) + G1,
            G2,
        ),
        ("authority", Kind::Authority, AUTH_PP + pp_twin(3), G1),
        // The master secret g^α (G1).
        ("authority", Kind::Authority, msk, G1),
        // SecretKey: the root node's K̂ (G2), K0 and first K_τ (G1), the last node's last K_τ.
        ("secret_key", Kind::SecretKey, sk0, G2),
        ("secret_key", Kind::SecretKey, sk0 + G2, G1),
        ("secret_key", Kind::SecretKey, sk0 + G2 + G1, G1),
        ("secret_key", Kind::SecretKey, sk.len() - G1, G1),
        // Authority update: K0 (G1), K1T (G2); the last time element.
        ("key_update", Kind::KeyUpdate, ku_entries_at[0] + 9, G1),
        ("key_update", Kind::KeyUpdate, ku_entries_at[0] + 9 + G1, G2),
        ("key_update", Kind::KeyUpdate, ku.len() - G2, G2),
        // Delegated update: K̂ (G2), K0 and the first K_τ (G1).
        (
            "child_key_update",
            Kind::KeyUpdate,
            cku_entries_at[0] + 9,
            G2,
        ),
        (
            "child_key_update",
            Kind::KeyUpdate,
            cku_entries_at[0] + 9 + G2,
            G1,
        ),
        (
            "child_key_update",
            Kind::KeyUpdate,
            cku_entries_at[0] + 9 + G2 + G1,
            G1,
        ),
        // DecryptionKey: K̂ (G2), K0 and the last K_τ (G1, two attributes), the last time element.
        ("decryption_key", Kind::DecryptionKey, dk0, G2),
        ("decryption_key", Kind::DecryptionKey, dk0 + G2, G1),
        ("decryption_key", Kind::DecryptionKey, dk0 + G2 + 2 * G1, G1),
        ("decryption_key", Kind::DecryptionKey, dk.len() - G2, G2),
        // Header: Ĉ0, Ĉ1⁽¹⁾ (G2), the first and last C_i and the last time element (G1).
        ("header", Kind::Header, hdr_c0(&hdr, 0), G2),
        ("header", Kind::Header, hdr_m(&hdr, 0) + 2, G2),
        ("header", Kind::Header, hdr_rows(&hdr, 0), G1),
        ("header", Kind::Header, hdr_rows(&hdr, 0) + 3 * G1, G1),
        ("header", Kind::Header, hdr.len() - G1, G1),
        ("header_updated", Kind::Header, hdr2.len() - G1, G1),
        (
            "envelope_header",
            Kind::EnvelopeHeader,
            hdr_c0(&env, env_hdr),
            G2,
        ),
        (
            "envelope_header",
            Kind::EnvelopeHeader,
            hdr_m(&env, env_hdr) + 2,
            G2,
        ),
        (
            "envelope",
            Kind::Envelope,
            hdr_rows(&env, env_hdr) + 2 * G1,
            G1,
        ),
    ]
}

/// Offsets to truncate at: every length for small inputs, otherwise every length up to 64, a
/// stride through the rest (about 200 in all) and the last 8.
fn truncation_points(len: usize) -> Vec<usize> {
    if len <= 400 {
        return (0..len).collect();
    }
    let mut v: Vec<usize> = (0..64).collect();
    let stride = len / 136;
    v.extend((64..len).step_by(stride.max(1)));
    v.extend(len - 8..len);
    v.sort_unstable();
    v.dedup();
    v
}

// ---------------------------------------------------------------------------------------------
// Round trip, truncation, trailing bytes, prefix

#[test]
fn every_encoding_round_trips() {
    for (name, kind, bytes) in &enc().all {
        assert_eq!(&kind.reencode(bytes).unwrap(), bytes, "{name}");
    }
}

#[test]
fn truncation_is_always_a_decode_error() {
    for (name, kind, bytes) in &enc().all {
        let limit = if *kind == Kind::Envelope {
            // The payload runs to the end: only a cut inside the header part or the first tag is
            // a decoding error (a shorter payload fails authentication when opened, see below).
            enc().get("envelope_header").len() + 16
        } else {
            bytes.len()
        };
        for cut in truncation_points(limit) {
            let e = decode_err(*kind, &bytes[..cut]);
            assert_eq!(e.kind, K::Truncated, "{name} cut at {cut}: {e:?}");
            assert!(e.offset <= cut, "{name} cut at {cut}: {e:?}");
        }
    }
}

#[test]
fn a_truncated_or_extended_payload_decodes_but_never_opens() {
    let f = fixtures::build();
    let bytes = f.envelope.to_bytes();
    let header_len = f.envelope.header().to_bytes().len();
    for cut in [header_len + 16, bytes.len() - 1] {
        let env = Envelope::from_bytes(&bytes[..cut]).unwrap();
        assert_eq!(env.open(&f.alice_dk, AAD).err(), Some(Error::Decryption));
    }
    let mut longer = bytes.clone();
    longer.push(0);
    let env = Envelope::from_bytes(&longer).unwrap();
    assert_eq!(env.open(&f.alice_dk, AAD).err(), Some(Error::Decryption));
    assert_eq!(
        &Envelope::from_bytes(&bytes)
            .unwrap()
            .open(&f.alice_dk, AAD)
            .unwrap()[..],
        fixtures::PLAINTEXT
    );
}

#[test]
fn one_trailing_byte_is_rejected() {
    for (name, kind, bytes) in &enc().all {
        if *kind == Kind::Envelope {
            continue; // the payload runs to the end; EnvelopeHeader covers its header part
        }
        for extra in [0x00u8, 0x01, 0xff] {
            let mut b = bytes.clone();
            b.push(extra);
            let e = decode_err(*kind, &b);
            assert_eq!(
                (e.kind, e.offset),
                (K::TrailingBytes, bytes.len()),
                "{name}"
            );
        }
    }
    // The full envelope given to the header-only decoder: the payload is trailing.
    let env = enc().get("envelope");
    let hdr_len = enc().get("envelope_header").len();
    expect(Kind::EnvelopeHeader, &env, K::TrailingBytes, hdr_len);
}

#[test]
fn magic_version_and_object_type_are_checked_in_order() {
    for (_, kind, bytes) in &enc().all {
        for i in 0..4 {
            expect(*kind, &patch(bytes, i, &[bytes[i] ^ 0x20]), K::BadMagic, 0);
        }
        // The current format is 3 (ABE v2); 1 is the format before v1.1 and 2 that of v1.1
        // (scheme.md §12: the version byte increases with every change of any encoding).
        assert_eq!(bytes[4], 3);
        for v in [0u8, 1, 2, 4, 0xff] {
            expect(*kind, &patch(bytes, 4, &[v]), K::UnsupportedVersion, 4);
        }
        for t in [0u8, 0x09, 0x17, 0x30, 0xff] {
            expect(*kind, &patch(bytes, 5, &[t]), K::WrongObjectType, 5);
        }
        // A bad magic wins over a bad version and type; a bad version over a bad type.
        let all_bad = patch(bytes, 0, b"RSHA\x02\xff");
        expect(*kind, &all_bad, K::BadMagic, 0);
        expect(
            *kind,
            &patch(bytes, 4, b"\x02\xff"),
            K::UnsupportedVersion,
            4,
        );
    }
}

#[test]
fn every_decoder_refuses_every_other_object() {
    let same_type = |a: Kind, b: Kind| {
        a == b
            || matches!(
                (a, b),
                (Kind::Envelope, Kind::EnvelopeHeader) | (Kind::EnvelopeHeader, Kind::Envelope)
            )
    };
    for (name, produced, bytes) in &enc().all {
        for decoder in Kind::ALL {
            if !same_type(*produced, decoder) {
                let e = decode_err(decoder, bytes);
                assert_eq!(
                    (e.kind, e.offset),
                    (K::WrongObjectType, 5),
                    "{name} as {decoder:?}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Group elements

#[test]
fn group_elements_must_be_valid_subgroup_points_and_not_the_identity() {
    let g1_bad = g1_outside_subgroup();
    let g2_bad = g2_outside_subgroup();
    let fields = point_fields();
    for (name, kind, at, len) in fields {
        let bytes = enc().get(name);
        let outside: &[u8] = if len == G1 { &g1_bad } else { &g2_bad };
        expect(kind, &patch(&bytes, at, outside), K::InvalidPoint, at);
        for np in not_points(len) {
            expect(kind, &patch(&bytes, at, &np), K::InvalidPoint, at);
        }
        expect(
            kind,
            &patch(&bytes, at, &identity(len)),
            K::IdentityPoint,
            at,
        );
        // The sign bit flipped: still a valid point (the negation), so it decodes — except in
        // public parameters, where it breaks the twin check.
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x20;
        match kind {
            // Ω̂₁ and w_T have no twin: their negations are another valid parameter set on its
            // own. A negated Ω̂₁ no longer matches the authority's master secret g^α (nor does a
            // negated g^α match Ω̂₁); a negated w_T is consistent with everything the decoder
            // checks.
            Kind::PublicParams if at == PP_OMEGA1_HAT || at == PP_W_T => {
                assert_eq!(kind.reencode(&flipped).unwrap(), flipped, "{name} @{at}")
            }
            Kind::Authority if at == AUTH_PP + PP_OMEGA1_HAT || at == authority(&bytes).1 => {
                expect(kind, &flipped, K::InconsistentParams, authority(&bytes).1)
            }
            Kind::Authority if at == AUTH_PP + PP_W_T => {
                assert_eq!(kind.reencode(&flipped).unwrap(), flipped, "{name} @{at}")
            }
            Kind::PublicParams => expect(kind, &flipped, K::InconsistentParams, 0),
            Kind::Authority if at < authority(&bytes).1 => {
                expect(kind, &flipped, K::InconsistentParams, AUTH_PP)
            }
            _ => assert_eq!(kind.reencode(&flipped).unwrap(), flipped, "{name} @{at}"),
        }
    }
}

/// v2 (abe-v2.md §2): the master secret is g^α ∈ G1 (secret) and the public parameters carry
/// Ω̂₁ = ĝ^α ∈ G2; the authority state's decoder checks e(g^α, ĝ) = e(g, Ω̂₁).
#[test]
fn an_authority_state_whose_master_secret_does_not_match_omega1_hat_is_refused() {
    let auth = enc().get("authority");
    let (_, msk, _) = authority(&auth);
    // Another master secret: a valid G1 point (g itself, or g^α negated), but not g^α for this
    // Ω̂₁ = ĝ^α.
    let g = G1Affine::generator().to_compressed();
    let negated = {
        let alpha = G1Affine::from_compressed(&auth[msk..msk + G1].try_into().unwrap()).unwrap();
        (-alpha).to_compressed()
    };
    for other in [g, negated] {
        expect(
            Kind::Authority,
            &patch(&auth, msk, &other),
            K::InconsistentParams,
            msk,
        );
    }
    // Another Ω̂₁ in the embedded parameters (valid on their own: Ω̂₁ has no twin) with the
    // state's own g^α: refused at the master secret too.
    let other_omega = G2Affine::generator().to_compressed();
    let pp_alone = patch(&enc().get("public_params"), PP_OMEGA1_HAT, &other_omega);
    assert_eq!(Kind::PublicParams.reencode(&pp_alone).unwrap(), pp_alone);
    expect(
        Kind::Authority,
        &patch(&auth, AUTH_PP + PP_OMEGA1_HAT, &other_omega),
        K::InconsistentParams,
        msk,
    );
    // The honest state decodes.
    assert_eq!(Kind::Authority.reencode(&auth).unwrap(), auth);
}

#[test]
fn public_params_with_a_mismatched_twin_are_inconsistent() {
    let pp = enc().get("public_params");
    let g1 = G1Affine::generator().to_compressed();
    let g2 = G2Affine::generator().to_compressed();
    // v_T and f_0..f_Dt (abe-v2.md §2: the twin check covers exactly these).
    let twins = 2 + usize::from(fixtures::TIME_DEPTH);
    assert_eq!(pp.len(), PP_TWINS + twins * TWIN);
    for i in [0, 3, twins - 1] {
        expect(
            Kind::PublicParams,
            &patch(&pp, pp_twin(i), &g1),
            K::InconsistentParams,
            0,
        );
        expect(
            Kind::PublicParams,
            &patch(&pp, pp_twin(i) + G1, &g2),
            K::InconsistentParams,
            0,
        );
    }
    // Two G1 halves swapped: every element is valid, both pairs are wrong.
    let a = pp[pp_twin(0)..pp_twin(0) + G1].to_vec();
    let b = pp[pp_twin(1)..pp_twin(1) + G1].to_vec();
    let swapped = patch(&patch(&pp, pp_twin(0), &b), pp_twin(1), &a);
    expect(Kind::PublicParams, &swapped, K::InconsistentParams, 0);
    // Two whole twins swapped: consistent, but a different (valid) parameter set.
    let ta = pp[pp_twin(0)..pp_twin(1)].to_vec();
    let tb = pp[pp_twin(1)..pp_twin(2)].to_vec();
    let swapped = patch(&patch(&pp, pp_twin(0), &tb), pp_twin(1), &ta);
    assert_eq!(Kind::PublicParams.reencode(&swapped).unwrap(), swapped);
    // Inside an authority state the offset is the embedded parameters' start.
    let auth = enc().get("authority");
    expect(
        Kind::Authority,
        &patch(&auth, AUTH_PP + pp_twin(2), &g1),
        K::InconsistentParams,
        AUTH_PP,
    );
}

#[test]
fn public_params_time_depth_is_checked() {
    let pp = enc().get("public_params");
    for d in [0u8, 33, 0xff] {
        expect(
            Kind::PublicParams,
            &patch(&pp, PP_TIME_DEPTH, &[d]),
            K::InvalidValue,
            PP_TIME_DEPTH,
        );
    }
    // One fewer f twin than the bytes hold: the last twin is trailing.
    let d = fixtures::TIME_DEPTH;
    expect(
        Kind::PublicParams,
        &patch(&pp, PP_TIME_DEPTH, &[d - 1]),
        K::TrailingBytes,
        pp.len() - TWIN,
    );
    let e = decode_err(Kind::PublicParams, &patch(&pp, PP_TIME_DEPTH, &[d + 1]));
    assert_eq!((e.kind, e.offset), (K::Truncated, pp.len()));
}

// ---------------------------------------------------------------------------------------------
// Counts and lengths

/// A u32 count or length field of a fixture encoding.
struct CountField {
    name: &'static str,
    kind: Kind,
    at: usize,
    /// The decoder's limit (crate-private limits are written out: `MAX_REVOCATIONS` 2^24,
    /// `MAX_UPDATE_ENTRIES` 2^16, the embedded parameters' 2^16, `MAX_RECIPIENT_LEN` 8 MiB).
    limit: usize,
    /// The least size of one item, which the decoder checks against the remaining input.
    min_item: usize,
}

fn count_fields() -> Vec<CountField> {
    let e = enc();
    let auth = e.get("authority");
    let ku = e.get("key_update");
    let cku = e.get("child_key_update");
    let dlg = e.get("delegator");
    let auth_revs = authority(&auth).2 + TREE_REV_COUNT;
    let dlg_revs = dlg_tree(&dlg) + TREE_REV_COUNT;
    // The smallest entry (an authority's): node, K0 (G1), K1T and the time pairs (G2).
    let entry = 9 + G1 + G2 * (1 + 2 * (usize::from(fixtures::TIME_DEPTH) + 1));
    let f = |name, kind, at, limit, min_item| CountField {
        name,
        kind,
        at,
        limit,
        min_item,
    };
    vec![
        f("authority", Kind::Authority, AUTH_PP_LEN, 1 << 16, 1),
        f("authority", Kind::Authority, auth_revs, 1 << 24, 16),
        f("secret_key", Kind::SecretKey, SK_ATTRS, MAX_ATTRIBUTES, 2),
        f(
            "key_update",
            Kind::KeyUpdate,
            ku_entries(&ku).0,
            1 << 16,
            entry,
        ),
        f(
            "child_key_update",
            Kind::KeyUpdate,
            KU_ATTRS,
            MAX_ATTRIBUTES,
            2,
        ),
        f(
            "child_key_update",
            Kind::KeyUpdate,
            ku_entries(&cku).0,
            1 << 16,
            entry,
        ),
        f(
            "decryption_key",
            Kind::DecryptionKey,
            DK_ATTRS,
            MAX_ATTRIBUTES,
            2,
        ),
        f("header", Kind::Header, HDR_TEXT_LEN, MAX_POLICY_TEXT_LEN, 1),
        f("delegator", Kind::Delegator, DLG_ATTRS, MAX_ATTRIBUTES, 2),
        f("delegator", Kind::Delegator, dlg_revs, 1 << 24, 16),
        f(
            "envelope_header",
            Kind::EnvelopeHeader,
            ENV_COUNT,
            MAX_RECIPIENTS,
            53,
        ),
        f(
            "envelope_header",
            Kind::EnvelopeHeader,
            ENV_SLOTS + 1,
            8 << 20,
            1,
        ),
        f("envelope", Kind::Envelope, ENV_COUNT, MAX_RECIPIENTS, 53),
    ]
}

/// A count above its limit is refused at the count itself, before any allocation; a count within
/// the limit that the remaining input cannot hold is `Truncated` right after the count, also
/// before allocating.
#[test]
fn counts_are_bounded_before_allocation() {
    for c in count_fields() {
        let (kind, at) = (c.kind, c.at);
        let bytes = enc().get(c.name);
        for huge in [u32::MAX, 0x8000_0000] {
            expect(
                kind,
                &patch(&bytes, at, &huge.to_be_bytes()),
                K::LimitExceeded,
                at,
            );
        }
        let over = u32::try_from(c.limit + 1).unwrap();
        expect(
            kind,
            &patch(&bytes, at, &over.to_be_bytes()),
            K::LimitExceeded,
            at,
        );
        // At the limit: refused as truncated when the input cannot hold that many items (for
        // the 2-byte attribute entries of a large key it reads on and fails on garbage).
        let at_limit = patch(&bytes, at, &u32::try_from(c.limit).unwrap().to_be_bytes());
        let e = decode_err(kind, &at_limit);
        if c.limit * c.min_item > bytes.len() - (at + 4) {
            assert_eq!((e.kind, e.offset), (K::Truncated, at + 4), "{}", c.name);
        }
        // A huge count on a tiny input: the same answer, without reading anything after it
        // (except a slot length, whose recipient count already demands 53 bytes per slot).
        let tiny = patch(&bytes[..at + 4], at, &u32::MAX.to_be_bytes());
        let e = decode_err(kind, &tiny);
        if at == ENV_SLOTS + 1 {
            assert_eq!((e.kind, e.offset), (K::Truncated, ENV_SLOTS), "{}", c.name);
        } else {
            assert_eq!((e.kind, e.offset), (K::LimitExceeded, at), "{}", c.name);
        }
    }
}

#[test]
fn zero_recipients_and_unknown_recipient_kinds_are_refused() {
    let env = enc().get("envelope_header");
    expect(
        Kind::EnvelopeHeader,
        &patch(&env, ENV_COUNT, &0u32.to_be_bytes()),
        K::InvalidValue,
        ENV_COUNT,
    );
    for k in [0u8, 3, 0xff] {
        expect(
            Kind::EnvelopeHeader,
            &patch(&env, ENV_SLOTS, &[k]),
            K::InvalidValue,
            ENV_SLOTS,
        );
    }
}

#[test]
fn an_envelope_slot_length_must_match_its_header() {
    let env = enc().get("envelope_header");
    let (len_at, hdr_at, wrapped_at) = env_slot0(&env);
    let hdr_len = wrapped_at - hdr_at;
    // One byte too long: the first byte of the wrapped key trails the inner header.
    let longer = (hdr_len as u32 + 1).to_be_bytes();
    expect(
        Kind::EnvelopeHeader,
        &patch(&env, len_at, &longer),
        K::TrailingBytes,
        wrapped_at,
    );
    // One byte too short: the inner header's last point is cut (offsets are absolute).
    let shorter = (hdr_len as u32 - 1).to_be_bytes();
    expect(
        Kind::EnvelopeHeader,
        &patch(&env, len_at, &shorter),
        K::Truncated,
        wrapped_at - G1,
    );
}

// ---------------------------------------------------------------------------------------------
// Headers: canonical policy, periods, Cover(T)

fn with_policy_text(hdr: &[u8], base: usize, text: &[u8]) -> Vec<u8> {
    let len_at = base + HDR_TEXT_LEN;
    let old = u32::from_be_bytes(hdr[len_at..len_at + 4].try_into().unwrap()) as usize;
    let mut new = (text.len() as u32).to_be_bytes().to_vec();
    new.extend_from_slice(text);
    splice(hdr, len_at, 4 + old, &new)
}

#[test]
fn header_policy_text_must_be_canonical() {
    let hdr = enc().get("header");
    let canonical = rs_habe::Policy::parse(POLICY).unwrap().to_string();
    assert_eq!(
        &hdr[HDR_TEXT..HDR_TEXT + canonical.len()],
        canonical.as_bytes()
    );
    assert_eq!(canonical, POLICY, "the fixture's policy text is canonical");
    let variants: Vec<Vec<u8>> = vec![
        canonical.replace(" and ", "  and ").into_bytes(),
        canonical.replace(" and ", " AND ").into_bytes(),
        canonical.replace(" or ", " OR ").into_bytes(),
        format!("({canonical})").into_bytes(),
        format!(" {canonical}").into_bytes(),
        format!("{canonical} ").into_bytes(),
        canonical.replace("ward:3", "\"ward:3\"").into_bytes(),
        canonical
            .replace("(doctor and cardiology)", "doctor and cardiology")
            .into_bytes(),
        canonical.replace('(', "((").replace(')', "))").into_bytes(),
        b"(doctor and cardiology) or".to_vec(),
        b"".to_vec(),
        b"doctor and \xff".to_vec(),
        canonical.replace("doctor", "doct\u{0}r").into_bytes(),
    ];
    for text in variants {
        expect(
            Kind::Header,
            &with_policy_text(&hdr, 0, &text),
            K::InvalidPolicy,
            HDR_TEXT_LEN,
        );
    }
    // The same inside an envelope: the offset is absolute.
    let env = enc().get("envelope_header");
    let (_, base, _) = env_slot0(&env);
    let bad = with_policy_text(
        &env[base..],
        0,
        canonical.replace(" or ", " OR ").as_bytes(),
    );
    // Rebuild the slot with the new header length.
    let mut rebuilt = env[..base - 4].to_vec();
    let wrapped_at = env_slot0(&env).2;
    rebuilt.extend_from_slice(&((bad.len() - (env.len() - wrapped_at)) as u32).to_be_bytes());
    rebuilt.extend_from_slice(&bad);
    expect(
        Kind::EnvelopeHeader,
        &rebuilt,
        K::InvalidPolicy,
        base + HDR_TEXT_LEN,
    );
}

#[test]
fn header_periods_outside_the_time_tree_are_refused() {
    let hdr = enc().get("header");
    for p in [16u64, 17, 1 << 32, u64::MAX] {
        expect(
            Kind::Header,
            &patch(&hdr, HDR_PERIOD, &p.to_be_bytes()),
            K::InvalidValue,
            HDR_PERIOD,
        );
    }
    for d in [0u8, 33] {
        expect(
            Kind::Header,
            &patch(&hdr, HDR_TIME_DEPTH, &[d]),
            K::InvalidValue,
            HDR_TIME_DEPTH,
        );
    }
}

/// The time rows must be exactly `Cover(T)`: a header whose period is changed has the wrong
/// number of rows or delegation elements and no longer parses.
#[test]
fn header_time_rows_must_be_exactly_cover_of_the_period() {
    let hdr = enc().get("header"); // period 1: Cover = (4,1) (3,1) (2,1) (1,1), 18 G1 in time rows
                                   // Period 0: Cover = (0,0), 3 + 4 = 7 elements: 11 trail.
    expect(
        Kind::Header,
        &patch(&hdr, HDR_PERIOD, &0u64.to_be_bytes()),
        K::TrailingBytes,
        hdr.len() - 11 * G1,
    );
    // Period 2: Cover = (3,1) (2,1) (1,1), 15 elements: 3 trail.
    expect(
        Kind::Header,
        &patch(&hdr, HDR_PERIOD, &2u64.to_be_bytes()),
        K::TrailingBytes,
        hdr.len() - 3 * G1,
    );
    // Period 15: Cover = (4,15), 3 elements: 15 trail.
    expect(
        Kind::Header,
        &patch(&hdr, HDR_PERIOD, &15u64.to_be_bytes()),
        K::TrailingBytes,
        hdr.len() - 15 * G1,
    );
    let upd = enc().get("header_updated"); // period 3: Cover = (4,3) (2,1) (1,1), 14 elements
                                           // Claiming period 1 needs 18 elements: 4 are missing.
    expect(
        Kind::Header,
        &patch(&upd, HDR_PERIOD, &1u64.to_be_bytes()),
        K::Truncated,
        upd.len(),
    );
}

// ---------------------------------------------------------------------------------------------
// Headers: occurrence layers (abe-v2.md §7, §12)

/// A header of the fixture's parameters for `policy` at `period`, and its key.
fn header_for(policy: &str, period: u64, seed: u64) -> (Vec<u8>, [u8; 32]) {
    let pp = PublicParams::from_bytes(&enc().get("public_params")).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let (header, key) =
        Header::encapsulate(&mut rng, &pp, &Policy::parse(policy).unwrap(), period).unwrap();
    (header.to_bytes(), *key)
}

/// The u16 layer count m of the header starting at `base`.
fn layer_count(b: &[u8], base: usize) -> u16 {
    let at = hdr_m(b, base);
    u16::from_be_bytes(b[at..at + 2].try_into().unwrap())
}

/// A header whose layer count m is not the largest multiplicity of an attribute in its policy —
/// too big, too small, or 0 — is refused with `InvalidValue` at the offset of m, whatever
/// follows it: with the Ĉ1 bytes left as they are, and with exactly m of them (a header that
/// is well formed in every other respect).
#[test]
fn a_header_layer_count_must_match_its_policy() {
    // The fixture's policy repeats no attribute: m = 1.
    let hdr = enc().get("header");
    let m_at = hdr_m(&hdr, 0);
    assert_eq!(layer_count(&hdr, 0), 1);
    let c1 = hdr[m_at + 2..m_at + 2 + G2].to_vec();
    for m in [0u16, 2, 3, 1024, 1025, u16::MAX] {
        expect(
            Kind::Header,
            &patch(&hdr, m_at, &m.to_be_bytes()),
            K::InvalidValue,
            m_at,
        );
    }
    // m = 2 with a second Ĉ1 present; m = 0 with the Ĉ1 removed.
    let two = splice(
        &hdr,
        m_at,
        2 + G2,
        &[&2u16.to_be_bytes()[..], &c1, &c1].concat(),
    );
    expect(Kind::Header, &two, K::InvalidValue, m_at);
    let none = splice(&hdr, m_at, 2 + G2, &0u16.to_be_bytes());
    expect(Kind::Header, &none, K::InvalidValue, m_at);

    // A policy that uses `doctor` twice: m = 2.
    let (rep, _) = header_for("2 of (doctor, doctor, nurse)", 1, 41);
    let m_at = hdr_m(&rep, 0);
    assert_eq!(layer_count(&rep, 0), 2);
    assert_eq!(Kind::Header.reencode(&rep).unwrap(), rep);
    for m in [0u16, 1, 3, u16::MAX] {
        expect(
            Kind::Header,
            &patch(&rep, m_at, &m.to_be_bytes()),
            K::InvalidValue,
            m_at,
        );
    }
    // m = 1 with one Ĉ1 (the second layer's dropped); m = 3 with a third Ĉ1 (a copy).
    let c1 = rep[m_at + 2..m_at + 2 + G2].to_vec();
    let one = splice(
        &rep,
        m_at,
        2 + 2 * G2,
        &[&1u16.to_be_bytes()[..], &c1].concat(),
    );
    expect(Kind::Header, &one, K::InvalidValue, m_at);
    let three = splice(&rep, m_at, 2, &[&3u16.to_be_bytes()[..], &c1].concat());
    expect(Kind::Header, &three, K::InvalidValue, m_at);

    // Inside an envelope the offset is absolute.
    let env = enc().get("envelope_header");
    let (_, base, _) = env_slot0(&env);
    let m_at = hdr_m(&env, base);
    assert_eq!(layer_count(&env, base), 1);
    for m in [0u16, 2] {
        expect(
            Kind::EnvelopeHeader,
            &patch(&env, m_at, &m.to_be_bytes()),
            K::InvalidValue,
            m_at,
        );
    }
}

/// A header whose policy repeats attributes carries one Ĉ1 per occurrence layer (m = the
/// largest multiplicity) and one C_i per leaf; it round-trips, also after the cloud moves it,
/// and opens for exactly the sets that satisfy the policy — `2 of (a, a, b)` opens with `{a}`
/// alone (its two a-leaves, one per layer) and not with `{b}`.
#[test]
fn a_header_with_repeated_attributes_round_trips_and_opens() {
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    let mut authority = Authority::setup(
        &mut rng,
        SetupParams::new(fixtures::TIME_DEPTH, fixtures::TREE_DEPTH),
    )
    .unwrap();
    let pp = authority.public_params().clone();
    let keys: Vec<(&[&str], _)> = [&["a"][..], &["b"], &["a", "b"], &["b", "c"]]
        .into_iter()
        .map(|attrs| {
            let sk = authority
                .enrol(&mut rng, &AttributeSet::new(attrs.iter().copied()).unwrap())
                .unwrap();
            (attrs, sk)
        })
        .collect();
    let update = authority.key_update(&mut rng, 3).unwrap();
    // (policy, m, the sets of `keys` that satisfy it)
    let cases: [(&str, u16, &[&[&str]]); 3] = [
        ("2 of (a, a, b)", 2, &[&["a"], &["a", "b"]]),
        ("a and (b or c) and b", 2, &[&["a", "b"]]),
        (
            "(a or b) and (a or c) and (a or b)",
            3,
            &[&["a"], &["a", "b"], &["b", "c"]],
        ),
    ];
    for (text, m, satisfying) in cases {
        let policy = Policy::parse(text).unwrap();
        let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, 1).unwrap();
        let moved = header.update(&mut rng, &pp, 3).unwrap();
        for h in [&header, &moved] {
            let bytes = h.to_bytes();
            assert_eq!(layer_count(&bytes, 0), m, "{text}");
            // m Ĉ1, one C_i per leaf, then exactly the time rows of Cover(T).
            let rows = hdr_rows(&bytes, 0);
            assert_eq!(rows, hdr_m(&bytes, 0) + 2 + usize::from(m) * G2);
            let time_rows: usize = match h.period() {
                1 => 18, // Cover(1) = (4,1) (3,1) (2,1) (1,1): 18 G1
                3 => 14, // Cover(3) = (4,3) (2,1) (1,1): 14 G1
                p => unreachable!("{p}"),
            };
            assert_eq!(
                bytes.len(),
                rows + G1 * (policy.leaf_count() + time_rows),
                "{text}"
            );
            let decoded = Header::from_bytes(&bytes).unwrap();
            assert_eq!(&decoded, h, "{text}");
            assert_eq!(decoded.to_bytes(), bytes, "{text}");
            for (attrs, sk) in &keys {
                let dk = sk.decryption_key(&update).unwrap();
                let ok = satisfying.contains(attrs);
                assert_eq!(
                    policy.is_satisfied_by(dk.attributes()),
                    ok,
                    "{text} {attrs:?}"
                );
                match dk.decapsulate(&decoded) {
                    Ok(k) => assert!(ok && *k == *key, "{text} with {attrs:?}"),
                    Err(e) => assert!(
                        !ok && e == Error::PolicyNotSatisfied,
                        "{text} with {attrs:?}: {e:?}"
                    ),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Attribute lists

/// Every attribute list: (vector, decoder, offset of the list).
fn attr_lists() -> Vec<(&'static str, Kind, usize)> {
    vec![
        ("secret_key", Kind::SecretKey, SK_ATTRS),
        ("child_secret_key", Kind::SecretKey, SK_ATTRS),
        ("child_key_update", Kind::KeyUpdate, KU_ATTRS),
        ("decryption_key", Kind::DecryptionKey, DK_ATTRS),
        ("delegator", Kind::Delegator, DLG_ATTRS),
    ]
}

#[test]
fn attribute_lists_must_be_strictly_sorted_and_valid() {
    for (name, kind, at) in attr_lists() {
        let bytes = enc().get(name);
        let (end, entries) = attr_list(&bytes, at);
        let attrs: Vec<&[u8]> = entries
            .iter()
            .map(|&e| &bytes[e + 1..e + 1 + bytes[e] as usize])
            .collect();
        assert!(!attrs.is_empty(), "{name}");
        let first = at + 4;
        let second = |a: &[u8]| first + 1 + a.len();
        let mut cases: Vec<(Vec<&[u8]>, usize)> = vec![
            // Empty attribute, invalid UTF-8.
            (vec![b"" as &[u8]], first),
            (vec![b"doc\xfftor"], first),
            (vec![b"\xc3"], first),
        ];
        if attrs.len() >= 2 {
            // Out of order; a duplicate.
            let mut rev = attrs.clone();
            rev.reverse();
            let at2 = second(rev[0]);
            cases.push((rev, at2));
            cases.push((vec![attrs[0], attrs[0]], second(attrs[0])));
        } else {
            // A duplicate; an attribute that sorts before the first.
            cases.push((vec![attrs[0], attrs[0]], second(attrs[0])));
            cases.push((vec![attrs[0], b"Aaa"], second(attrs[0])));
        }
        for (list, want_at) in cases {
            let b = splice(&bytes, at, end - at, &attr_list_bytes(&list));
            expect(kind, &b, K::InvalidAttribute, want_at);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Other fields

#[test]
fn key_fields_are_range_checked() {
    let sk = enc().get("secret_key");
    for (tree_d, time_d) in [(0u8, 4u8), (33, 4), (3, 0), (3, 33)] {
        expect(
            Kind::SecretKey,
            &patch(&sk, SK_TREE_DEPTH, &[tree_d, time_d]),
            K::InvalidValue,
            SK_TREE_DEPTH,
        );
    }
    // The leaf must lie in the tree (leaf 8 in a tree of depth 3).
    expect(
        Kind::SecretKey,
        &patch(&sk, 22, &8u64.to_be_bytes()),
        K::InvalidValue,
        SK_TREE_DEPTH,
    );

    let dk = enc().get("decryption_key");
    for d in [0u8, 33] {
        expect(
            Kind::DecryptionKey,
            &patch(&dk, DK_TIME_DEPTH, &[d]),
            K::InvalidValue,
            DK_TIME_DEPTH,
        );
    }
    for p in [16u64, u64::MAX] {
        expect(
            Kind::DecryptionKey,
            &patch(&dk, DK_PERIOD, &p.to_be_bytes()),
            K::InvalidValue,
            DK_PERIOD,
        );
    }

    let dlg = enc().get("delegator");
    for d in [0u8, 33] {
        expect(
            Kind::Delegator,
            &patch(&dlg, DLG_TIME_DEPTH, &[d]),
            K::InvalidValue,
            DLG_TIME_DEPTH,
        );
    }
}

#[test]
fn key_update_fields_are_range_checked() {
    let ku = enc().get("key_update");
    for d in [0u8, 33] {
        expect(
            Kind::KeyUpdate,
            &patch(&ku, KU_TIME_DEPTH, &[d]),
            K::InvalidValue,
            KU_TIME_DEPTH,
        );
        expect(
            Kind::KeyUpdate,
            &patch(&ku, KU_TREE_DEPTH, &[d]),
            K::InvalidValue,
            KU_TREE_DEPTH,
        );
    }
    for p in [16u64, u64::MAX] {
        expect(
            Kind::KeyUpdate,
            &patch(&ku, KU_PERIOD, &p.to_be_bytes()),
            K::InvalidValue,
            KU_PERIOD,
        );
    }
    for flag in [2u8, 0xff] {
        expect(
            Kind::KeyUpdate,
            &patch(&ku, KU_DELEGATED, &[flag]),
            K::InvalidValue,
            KU_DELEGATED,
        );
    }
    let (_, entries, _) = ku_entries(&ku);
    assert_eq!(
        entries.len(),
        3,
        "KUNodes with leaf 1 of 8 revoked: (1,1) (2,1) (3,0)"
    );
    // A node deeper than the tree, an index outside its level.
    expect(
        Kind::KeyUpdate,
        &patch(&ku, entries[0], &[4]),
        K::InvalidValue,
        entries[0],
    );
    let mut bad_index = vec![1u8];
    bad_index.extend_from_slice(&2u64.to_be_bytes());
    expect(
        Kind::KeyUpdate,
        &patch(&ku, entries[0], &bad_index),
        K::InvalidValue,
        entries[0],
    );
    // Entries must be strictly sorted by node: swap two, or repeat one.
    let len = entries[1] - entries[0];
    let e0 = ku[entries[0]..entries[1]].to_vec();
    let e1 = ku[entries[1]..entries[1] + len].to_vec();
    let swapped = patch(&patch(&ku, entries[0], &e1), entries[1], &e0);
    expect(Kind::KeyUpdate, &swapped, K::InvalidValue, entries[1]);
    let repeated = patch(&ku, entries[1], &e0);
    expect(Kind::KeyUpdate, &repeated, K::InvalidValue, entries[1]);
    // A delegated update read as an authority's (whose entries lack K̂ and the K_τ):
    // misaligned, refused.
    let cku = enc().get("child_key_update");
    let (_, c_entries, n_attrs) = ku_entries(&cku);
    assert_eq!(n_attrs, 2);
    assert!(!c_entries.is_empty());
    assert!(Kind::KeyUpdate
        .reencode(&patch(&cku, KU_DELEGATED, &[0]))
        .is_err());
}

#[test]
fn issuer_states_are_range_checked() {
    let auth = enc().get("authority");
    let (pp_len, _, tree) = authority(&auth);
    // The embedded parameters' length must be exact.
    for l in [pp_len - 1, pp_len + 1] {
        expect(
            Kind::Authority,
            &patch(&auth, AUTH_PP_LEN, &(l as u32).to_be_bytes()),
            K::InvalidValue,
            AUTH_PP,
        );
    }
    let dlg = enc().get("delegator");
    let dtree = dlg_tree(&dlg);
    for (_, kind, bytes, tree, depth) in [
        (
            "authority",
            Kind::Authority,
            &auth,
            tree,
            fixtures::TREE_DEPTH,
        ),
        (
            "delegator",
            Kind::Delegator,
            &dlg,
            dtree,
            fixtures::CHILD_TREE_DEPTH,
        ),
    ] {
        for d in [0u8, 33] {
            expect(
                kind,
                &patch(bytes, tree + TREE_DEPTH, &[d]),
                K::InvalidValue,
                tree + TREE_DEPTH,
            );
        }
        let too_many = (1u64 << depth) + 1;
        expect(
            kind,
            &patch(bytes, tree + TREE_NEXT_LEAF, &too_many.to_be_bytes()),
            K::InvalidValue,
            tree + TREE_NEXT_LEAF,
        );
        // Both fixtures revoked exactly one leaf (leaf 1); next leaf is 2.
        assert_eq!(
            &bytes[tree + TREE_REV_COUNT..tree + TREE_REVS],
            &1u32.to_be_bytes()
        );
        let rev = tree + TREE_REVS;
        assert_eq!(&bytes[rev..rev + 8], &1u64.to_be_bytes());
        // A revoked leaf never allocated.
        expect(
            kind,
            &patch(bytes, rev, &2u64.to_be_bytes()),
            K::InvalidValue,
            rev,
        );
        // A revocation period outside the time tree.
        for p in [16u64, u64::MAX] {
            expect(
                kind,
                &patch(bytes, rev + 8, &p.to_be_bytes()),
                K::InvalidValue,
                rev + 8,
            );
        }
        // Two entries: not strictly increasing.
        let mut two = bytes[..tree + TREE_REV_COUNT].to_vec();
        two.extend_from_slice(&2u32.to_be_bytes());
        two.extend_from_slice(&bytes[rev..rev + 16]);
        two.extend_from_slice(&bytes[rev..rev + 16]);
        expect(kind, &two, K::InvalidValue, rev + 16);
    }
}

// ---------------------------------------------------------------------------------------------
// Random corruption

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("RSHABE_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Flipping random bytes of any encoding either fails with `Error::Decode` or yields an
    /// object whose canonical encoding is exactly the corrupted input (a flipped byte inside a
    /// point may give another valid point) — never a panic, never a second encoding.
    #[test]
    fn flipped_bytes_fail_cleanly_or_decode_canonically(
        flips in prop::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..6),
    ) {
        for (name, kind, bytes) in &enc().all {
            let mut b = bytes.clone();
            for (i, x) in &flips {
                let at = i.index(b.len());
                b[at] ^= x;
            }
            match kind.reencode(&b) {
                Ok(re) => prop_assert_eq!(re, b, "{} decoded to another encoding", name),
                Err(Error::Decode(e)) => prop_assert!(e.offset <= b.len(), "{}: {:?}", name, e),
                Err(e) => prop_assert!(false, "{}: non-decode error {:?}", name, e),
            }
        }
    }

    /// Flips concentrated in the first 64 bytes, where the prefix, lengths and counts live.
    #[test]
    fn flipped_structure_bytes_fail_cleanly(
        flips in prop::collection::vec((0usize..64, 1u8..=255), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        for (name, kind, bytes) in &enc().all {
            let mut b = bytes.clone();
            for (at, x) in &flips {
                // Some encodings (a PRE key pair: 38 bytes) are shorter than 64 bytes.
                if let Some(byte) = b.get_mut(*at) {
                    *byte ^= x;
                }
            }
            // Sometimes also truncated.
            let keep = if cut.index(4) == 0 { cut.index(b.len() + 1) } else { b.len() };
            b.truncate(keep);
            match kind.reencode(&b) {
                Ok(re) => prop_assert_eq!(re, b, "{} decoded to another encoding", name),
                Err(Error::Decode(_)) => {}
                Err(e) => prop_assert!(false, "{}: non-decode error {:?}", name, e),
            }
        }
    }
}

#[test]
fn empty_attribute_lists_are_refused() {
    // Keys always hold at least one attribute: a zero count is invalid where it stands.
    let dk = enc().get("decryption_key");
    expect(
        Kind::DecryptionKey,
        &patch(&dk, 39, &0u32.to_be_bytes()),
        K::InvalidAttribute,
        39,
    );
    let sk = enc().get("secret_key");
    expect(
        Kind::SecretKey,
        &patch(&sk, 32, &0u32.to_be_bytes()),
        K::InvalidAttribute,
        32,
    );
}

/// `FreshnessGuard` = prefix ‖ u32 n @6 ‖ { issuer id 16 ‖ counter 8 }* @10, ids ascending.
#[test]
fn freshness_guard_decoding_is_strict() {
    use rs_habe::{abe::MAX_GUARDED_ISSUERS, FreshnessGuard};
    let guard_of = |entries: &[([u8; 16], u64)]| {
        let mut b = FreshnessGuard::default().to_bytes();
        b[6..10].copy_from_slice(&(entries.len() as u32).to_be_bytes());
        for (id, counter) in entries {
            b.extend_from_slice(id);
            b.extend_from_slice(&counter.to_be_bytes());
        }
        b
    };
    let expect_guard = |b: &[u8], want: K, offset: usize| match FreshnessGuard::from_bytes(b) {
        Err(Error::Decode(e)) => assert_eq!((e.kind, e.offset), (want, offset)),
        other => panic!("{other:?}"),
    };
    let ok = guard_of(&[([1; 16], 5), ([2; 16], 0)]);
    assert_eq!(FreshnessGuard::from_bytes(&ok).unwrap().to_bytes(), ok);
    // Not ascending: equal or decreasing ids, at the second id.
    expect_guard(
        &guard_of(&[([2; 16], 5), ([2; 16], 6)]),
        K::InvalidValue,
        34,
    );
    expect_guard(
        &guard_of(&[([2; 16], 5), ([1; 16], 6)]),
        K::InvalidValue,
        34,
    );
    // Truncated anywhere, trailing bytes, a count beyond the limit or the input.
    for cut in 0..ok.len() {
        assert!(FreshnessGuard::from_bytes(&ok[..cut]).is_err(), "cut {cut}");
    }
    let mut long = ok.clone();
    long.push(0);
    expect_guard(&long, K::TrailingBytes, ok.len());
    let mut over = ok.clone();
    over[6..10].copy_from_slice(&(MAX_GUARDED_ISSUERS as u32 + 1).to_be_bytes());
    expect_guard(&over, K::LimitExceeded, 6);
    let mut more = ok.clone();
    more[6..10].copy_from_slice(&3u32.to_be_bytes());
    expect_guard(&more, K::Truncated, 10);
    // Another object's prefix.
    let mut other = ok;
    other[5] = 0x04;
    expect_guard(&other, K::WrongObjectType, 5);
}
