//! Threshold proxy re-encryption (PRE v2): key pairs, delegation records, key and capsule
//! fragments, verification, opening.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use rs_habe::pre::{
    Capsule, CapsuleFrag, CheckedRecord, DelegateeKey, DelegationRecord, KeyFrag, KeyPair,
    PublicKey, VerifiedCapsule, VerifiedCapsuleFrag, VerifiedKeyFrag,
};
use rs_habe::rand_core::OsRng;

use crate::{bytes, hex, to_py};

/// The owner's opening of a capsule.
fn owner_decapsulate(kp: &KeyPair, capsule: &Capsule) -> rs_habe::Result<[u8; 32]> {
    kp.decapsulate(capsule).map(|k| *k)
}

/// The delegatee's opening.
fn delegatee_decapsulate(
    key: &DelegateeKey,
    capsule: &Capsule,
    frags: &[VerifiedCapsuleFrag],
) -> rs_habe::Result<[u8; 32]> {
    key.decapsulate(capsule, frags).map(|k| *k)
}

/// A PRE public key (150 bytes encoded).
#[pyclass(module = "rs_habe", name = "PublicKey", frozen, eq, hash)]
#[derive(PartialEq, Eq)]
pub struct PyPublicKey(pub(crate) PublicKey);

codec!(PyPublicKey(PublicKey), gil_held);

impl std::hash::Hash for PyPublicKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.to_bytes().hash(state);
    }
}

#[pymethods]
impl PyPublicKey {
    fn __repr__(&self) -> String {
        let b = self.0.to_bytes();
        format!("PublicKey({}…)", hex(b.get(6..14).unwrap_or_default()))
    }
}

/// A PRE key pair (secret; `repr` shows the public key only).
#[pyclass(module = "rs_habe", name = "KeyPair", frozen)]
pub struct PyKeyPair(pub(crate) KeyPair);

codec!(
    PyKeyPair(KeyPair),
    gil_held,
    doc = "The secret key (secret)."
);

#[pymethods]
impl PyKeyPair {
    /// A fresh random key pair.
    #[new]
    fn new() -> Self {
        PyKeyPair(KeyPair::random(&mut OsRng))
    }
    /// Same as `KeyPair()`.
    #[staticmethod]
    fn random() -> Self {
        Self::new()
    }
    #[getter]
    fn public_key(&self) -> PyPublicKey {
        PyPublicKey(self.0.public_key())
    }
    /// Delegates to `receiver` through `shares` proxies, any `threshold` of which suffice:
    /// returns the key fragments (one per proxy, secret) and the public delegation record.
    fn delegate(
        &self,
        py: Python<'_>,
        receiver: &PyPublicKey,
        threshold: usize,
        shares: usize,
    ) -> PyResult<(Vec<PyKeyFrag>, PyDelegationRecord)> {
        let (kfrags, record) = py
            .allow_threads(|| self.0.delegate(&mut OsRng, &receiver.0, threshold, shares))
            .map_err(to_py)?;
        Ok((
            kfrags.into_iter().map(PyKeyFrag).collect(),
            PyDelegationRecord(record),
        ))
    }
    /// The 32-byte key of a capsule made for this key pair (secret).
    fn decapsulate<'py>(
        &self,
        py: Python<'py>,
        capsule: &PyCapsule,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let k = py
            .allow_threads(|| owner_decapsulate(&self.0, &capsule.0))
            .map_err(to_py)?;
        Ok(bytes(py, &k))
    }
    fn __repr__(&self) -> String {
        format!(
            "KeyPair(public_key={}, secret=[redacted])",
            PyPublicKey(self.0.public_key()).__repr__()
        )
    }
}

/// A PRE capsule (the envelope's PRE recipient without its wrapped key).
#[pyclass(module = "rs_habe", name = "Capsule", frozen, eq)]
#[derive(PartialEq, Eq)]
pub struct PyCapsule(pub(crate) Capsule);

codec!(PyCapsule(Capsule), gil_held);

#[pymethods]
impl PyCapsule {
    /// Checks the capsule's proof of knowledge against its owner's public key.
    fn verify(&self, py: Python<'_>, owner: &PyPublicKey) -> PyResult<PyVerifiedCapsule> {
        py.allow_threads(|| self.0.verify(&owner.0))
            .map(PyVerifiedCapsule)
            .map_err(to_py)
    }
    fn __repr__(&self) -> String {
        "Capsule(...)".to_owned()
    }
}

/// A capsule whose proof verified against its owner's key.
#[pyclass(module = "rs_habe", name = "VerifiedCapsule", frozen)]
pub struct PyVerifiedCapsule(VerifiedCapsule);

#[pymethods]
impl PyVerifiedCapsule {
    #[getter]
    fn capsule(&self) -> PyCapsule {
        PyCapsule(*self.0.capsule())
    }
    #[getter]
    fn owner(&self) -> PyPublicKey {
        PyPublicKey(self.0.owner())
    }
    fn __repr__(&self) -> String {
        "VerifiedCapsule(...)".to_owned()
    }
}

/// A fresh capsule for `public_key` and its 32-byte key (secret).
#[pyfunction]
fn pre_encapsulate<'py>(
    py: Python<'py>,
    public_key: &PyPublicKey,
) -> PyResult<(PyCapsule, Bound<'py, PyBytes>)> {
    let (c, k) = py
        .allow_threads(|| rs_habe::pre::encapsulate(&mut OsRng, &public_key.0))
        .map_err(to_py)?;
    Ok((PyCapsule(c), bytes(py, &*k)))
}

/// The public record of a delegation (owner, receiver, threshold, verification keys).
#[pyclass(module = "rs_habe", name = "DelegationRecord", frozen, eq)]
#[derive(PartialEq, Eq)]
pub struct PyDelegationRecord(DelegationRecord);

codec!(PyDelegationRecord(DelegationRecord), gil_held);
delegation_id_getter!(PyDelegationRecord);
getters!(PyDelegationRecord {
    threshold: usize,
    shares: usize,
});

#[pymethods]
impl PyDelegationRecord {
    #[getter]
    fn owner(&self) -> PyPublicKey {
        PyPublicKey(self.0.owner())
    }
    #[getter]
    fn receiver(&self) -> PyPublicKey {
        PyPublicKey(self.0.receiver())
    }
    /// Checks the record's consistency (`InvalidDelegation` otherwise).
    fn check(&self, py: Python<'_>) -> PyResult<PyCheckedRecord> {
        py.allow_threads(|| self.0.check())
            .map(PyCheckedRecord)
            .map_err(to_py)
    }
    fn __repr__(&self) -> String {
        format!(
            "DelegationRecord(id={}, threshold={}, shares={})",
            hex(self.0.delegation_id().as_bytes()),
            self.0.threshold(),
            self.0.shares()
        )
    }
}

/// A delegation record whose consistency was checked.
#[pyclass(module = "rs_habe", name = "CheckedRecord", frozen)]
pub struct PyCheckedRecord(CheckedRecord);

#[pymethods]
impl PyCheckedRecord {
    #[getter]
    fn record(&self) -> PyDelegationRecord {
        PyDelegationRecord(self.0.record().clone())
    }
    /// Precomputes the verification keys' tables (faster fragment verification).
    fn prepare_verification(&self, py: Python<'_>) {
        py.allow_threads(|| self.0.prepare_verification());
    }
    /// The receiver's key for this delegation (`ReceiverMismatch` for another key pair).
    fn delegatee_key(&self, py: Python<'_>, receiver: &PyKeyPair) -> PyResult<PyDelegateeKey> {
        py.allow_threads(|| self.0.delegatee_key(&receiver.0))
            .map(PyDelegateeKey)
            .map_err(to_py)
    }
    fn __repr__(&self) -> String {
        format!(
            "CheckedRecord({})",
            PyDelegationRecord(self.0.record().clone()).__repr__()
        )
    }
}

/// One proxy's key fragment (secret; `repr` shows the delegation id and index only).
#[pyclass(module = "rs_habe", name = "KeyFrag", frozen)]
pub struct PyKeyFrag(KeyFrag);

codec!(PyKeyFrag(KeyFrag), gil_held);
fragment_members!(PyKeyFrag, "KeyFrag", ", kfrag=[redacted]");

impl PyKeyFrag {
    /// An owned copy (`KeyFrag` is not `Clone`: it is a secret), through its encoding.
    fn copy(&self) -> rs_habe::Result<KeyFrag> {
        KeyFrag::from_bytes(&self.0.to_bytes())
    }
}

#[pymethods]
impl PyKeyFrag {
    /// Checks the fragment against the checked delegation record.
    fn verify(&self, py: Python<'_>, record: &PyCheckedRecord) -> PyResult<PyVerifiedKeyFrag> {
        py.allow_threads(|| self.copy().and_then(|k| k.verify(&record.0)))
            .map(PyVerifiedKeyFrag)
            .map_err(to_py)
    }
}

/// A key fragment checked against its delegation record: a proxy's re-encryption key.
#[pyclass(module = "rs_habe", name = "VerifiedKeyFrag", frozen)]
pub struct PyVerifiedKeyFrag(VerifiedKeyFrag);

fragment_members!(PyVerifiedKeyFrag, "VerifiedKeyFrag", ", kfrag=[redacted]");

#[pymethods]
impl PyVerifiedKeyFrag {
    /// The proxy's capsule fragment, with its proof.
    fn reencrypt(&self, py: Python<'_>, capsule: &PyVerifiedCapsule) -> PyResult<PyCapsuleFrag> {
        py.allow_threads(|| self.0.reencrypt(&mut OsRng, &capsule.0))
            .map(PyCapsuleFrag)
            .map_err(to_py)
    }
}

/// A proxy's capsule fragment (public), to be verified by the receiver.
#[pyclass(module = "rs_habe", name = "CapsuleFrag", frozen, eq)]
#[derive(PartialEq, Eq)]
pub struct PyCapsuleFrag(CapsuleFrag);

codec!(PyCapsuleFrag(CapsuleFrag), gil_held);
fragment_members!(PyCapsuleFrag, "CapsuleFrag", "");

#[pymethods]
impl PyCapsuleFrag {
    /// Checks the fragment's proof against the capsule and the checked record.
    fn verify(
        &self,
        py: Python<'_>,
        capsule: &PyVerifiedCapsule,
        record: &PyCheckedRecord,
    ) -> PyResult<PyVerifiedCapsuleFrag> {
        py.allow_threads(|| self.0.clone().verify(&capsule.0, &record.0))
            .map(PyVerifiedCapsuleFrag)
            .map_err(to_py)
    }
}

/// A capsule fragment whose proof verified.
#[pyclass(module = "rs_habe", name = "VerifiedCapsuleFrag", frozen)]
pub struct PyVerifiedCapsuleFrag(pub(crate) VerifiedCapsuleFrag);

codec!(PyVerifiedCapsuleFrag(VerifiedCapsuleFrag), encode_only);
fragment_members!(PyVerifiedCapsuleFrag, "VerifiedCapsuleFrag", "");

#[pymethods]
impl PyVerifiedCapsuleFrag {
    /// Whether the fragment belongs to this capsule.
    fn is_for(&self, capsule: &PyCapsule) -> bool {
        self.0.is_for(&capsule.0)
    }
    /// The same fragment, unverified (to send on).
    #[pyo3(name = "into_unverified")]
    fn unverified(&self) -> PyCapsuleFrag {
        PyCapsuleFrag(self.0.clone().into_unverified())
    }
}

/// The receiver's key for one delegation (secret).
#[pyclass(module = "rs_habe", name = "DelegateeKey", frozen)]
pub struct PyDelegateeKey(pub(crate) DelegateeKey);

codec!(PyDelegateeKey(DelegateeKey), gil_held);
delegation_id_getter!(PyDelegateeKey);
getters!(PyDelegateeKey { threshold: usize });

#[pymethods]
impl PyDelegateeKey {
    /// The 32-byte key of a capsule from `threshold` verified fragments (secret).
    fn decapsulate<'py>(
        &self,
        py: Python<'py>,
        capsule: &PyCapsule,
        fragments: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let frags = fragments_arg(fragments)?;
        let k = py
            .allow_threads(|| delegatee_decapsulate(&self.0, &capsule.0, &frags))
            .map_err(to_py)?;
        Ok(bytes(py, &k))
    }
    fn __repr__(&self) -> String {
        format!(
            "DelegateeKey(delegation_id={}, threshold={}, key=[redacted])",
            hex(self.0.delegation_id().as_bytes()),
            self.0.threshold()
        )
    }
}

/// A list of `VerifiedCapsuleFrag`s.
pub fn fragments_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<VerifiedCapsuleFrag>> {
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "expected a list of VerifiedCapsuleFrag",
        ));
    }
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        let item = item?;
        let f = item.downcast::<PyVerifiedCapsuleFrag>().map_err(|_| {
            PyTypeError::new_err(
                "fragments must be VerifiedCapsuleFrag (verify each CapsuleFrag first)",
            )
        })?;
        out.push(f.get().0.clone());
    }
    Ok(out)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPublicKey>()?;
    m.add_class::<PyKeyPair>()?;
    m.add_class::<PyCapsule>()?;
    m.add_class::<PyVerifiedCapsule>()?;
    m.add_class::<PyDelegationRecord>()?;
    m.add_class::<PyCheckedRecord>()?;
    m.add_class::<PyKeyFrag>()?;
    m.add_class::<PyVerifiedKeyFrag>()?;
    m.add_class::<PyCapsuleFrag>()?;
    m.add_class::<PyVerifiedCapsuleFrag>()?;
    m.add_class::<PyDelegateeKey>()?;
    m.add_function(wrap_pyfunction!(pre_encapsulate, m)?)?;
    Ok(())
}
