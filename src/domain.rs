//! Every domain-separation tag, HKDF label and suite identifier of the crate.
//!
//! This is the only file with hashing byte-strings in it (scheme.md §1, §4, §7, §10, §11), so a
//! reviewer can check at a glance that no two uses of a hash share a tag.

/// Suite identifier: the scheme version, curve and hash functions. Prefixed to the `info` of
/// every KDF of PRE (scheme.md §10) and of the envelope (§11), which ABE v2 leaves unchanged.
pub(crate) const SUITE_ID: &[u8] = b"RSHABE-V1-BLS12381-SHA256-AES256GCM";

/// Suite identifier of the ABE key encapsulation (abe-v2.md §7), prefixed to its KDF `info`.
pub(crate) const SUITE_ID_ABE: &[u8] = b"RSHABE-V2-BLS12381-SHA256-AES256GCM";

/// `H(τ)`: attribute string → G1 (abe-v2.md, "Notation and hashes"), the RFC 9380
/// `hash_to_curve` DST (exactly these bytes, no suite suffix).
pub(crate) const DST_ATTRIBUTE: &[u8] = b"RSHABE-V2-ATTRIBUTE";

/// `H₀ = hash_to_curve("", DST_H0)`: the fixed public point of the key's and header's
/// attribute part (abe-v2.md), domain-separated from every attribute point.
pub(crate) const DST_H0: &[u8] = b"RSHABE-V2-H0";

/// `H128` of a capsule's proof of knowledge of its exponent (scheme.md §10 v2),
/// `expand_message_xmd` DST.
pub(crate) const DST_CAPSULE: &[u8] = b"RSHABE-V2-CAPSULE";

/// `H128` of a capsule fragment's Chaum–Pedersen proof (scheme.md §10 v2), `expand_message_xmd`
/// DST.
pub(crate) const DST_PRE_DLEQ: &[u8] = b"RSHABE-V2-PRE-DLEQ";

/// The hedged nonce of a capsule fragment's proof (scheme.md §10 v2), `expand_message_xmd` DST.
pub(crate) const DST_PRE_NONCE: &[u8] = b"RSHABE-V2-PRE-NONCE";

/// HKDF `info` prefix of the per-node secrets of an issuer's user tree (abe-v2.md §4: a v2
/// label, so that one seed never gives the same node secrets under two versions).
pub(crate) const LABEL_NODE: &[u8] = b"RSHABE-V2-NODE";

/// KDF label of the ABE key encapsulation (abe-v2.md §7).
pub(crate) const LABEL_KEM: &[u8] = b"RSHABE-V2-KEM";

/// KDF label of the proxy re-encryption key encapsulation (scheme.md §10).
pub(crate) const LABEL_PRE: &[u8] = b"RSHABE-V1-PRE";

/// HKDF label (after the suite id) of an envelope's payload key, expanded from the content key
/// with the envelope id as salt (scheme.md §11, v1.1).
pub(crate) const LABEL_PAYLOAD: &[u8] = b"RSHABE-V1-PAYLOAD";

/// HKDF label (after the suite id) of an envelope's 32-byte key commitment, expanded from the
/// same pseudorandom key as the payload key (scheme.md §11, v1.1).
pub(crate) const LABEL_COMMIT: &[u8] = b"RSHABE-V1-COMMIT";

/// Hash of the envelope's invariant core, used as associated data (scheme.md §11).
pub(crate) const LABEL_ENVELOPE_AD: &[u8] = b"RSHABE-V1-ENVELOPE-AD";

/// The 4-byte magic at the start of every encoding (scheme.md §12).
pub(crate) const MAGIC: [u8; 4] = *b"RSHB";

/// The wire-format version byte (scheme.md §12).
pub(crate) const WIRE_VERSION: u8 = 3;

/// `expand_message_xmd` DST of the coefficients of the batched twin check done when public
/// parameters are decoded (scheme.md §2; see `abe::params` for why they are hashed, not drawn).
pub(crate) const DST_PARAMS_CHECK: &[u8] = b"RSHABE-V1-PARAMS-CHECK";
