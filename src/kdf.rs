//! The key derivation function of scheme.md §1: HKDF-SHA256 from a GT element's encoding to a
//! 32-byte key. Its one caller is [`GtElem::kdf`](crate::gt::GtElem::kdf), which refuses the
//! identity and wraps the output as a [`SharedKey`](crate::SharedKey).

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// `KDF(Z, info)` (scheme.md §1): HKDF-SHA256 over the compressed encoding of `Z` (made by
/// [`GtElem::kdf`](crate::gt::GtElem::kdf), which refuses the identity), empty salt,
/// `info = suite id ‖ label ‖ context`, 32 output bytes.
pub(crate) fn kdf_from_bytes(
    ikm: &[u8],
    suite: &[u8],
    label: &[u8],
    context: &[&[u8]],
) -> Result<Zeroizing<[u8; 32]>> {
    let hk = Hkdf::<Sha256>::new(Some(&[]), ikm);
    let mut info: alloc::vec::Vec<&[u8]> = alloc::vec![suite, label];
    info.extend_from_slice(context);
    let mut okm = Zeroizing::new([0u8; 32]);
    hk.expand_multi_info(&info, &mut okm[..])
        .map_err(|_| Error::Decryption)?;
    Ok(okm)
}
