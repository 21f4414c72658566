//! Python bindings for `rs-habe` (module `rs_habe`), through the crate's public API only.
//!
//! - Randomness: every randomised call uses the operating system's generator
//!   (`rs_habe::rand_core::OsRng`); Python callers never pass an RNG.
//! - Errors: every `rs_habe::Error` becomes an instance of a subclass of `rs_habe.Error`
//!   (`errors.rs`); no call unwraps on user input, so bad input raises and never panics.
//! - The GIL is released around every pairing-heavy or I/O call (`py.allow_threads`), so Python
//!   threads run such calls in parallel.
//! - Objects are immutable (`frozen`) except the issuers' state (`Authority`, `Delegator`,
//!   `FreshnessGuard`), which sits behind a mutex so that a call holding it can release the GIL.
//! - `repr` never shows secret material; secret `to_bytes` copy the secret into a Python `bytes`
//!   (the Rust copy is wiped, the Python one is not: see the README).

#[macro_use]
mod macros;
mod errors;
mod pre;

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

use rs_habe::rand_core::OsRng;
use rs_habe::{
    AttributeSet, Authority, DecryptionKey, Delegator, Envelope, EnvelopeHeader, FreshnessGuard,
    Header, KeyUpdate, Opener, PartialDecryption, Policy, PublicParams, Recipient, RetrievalKey,
    SecretKey, SetupParams, TransformKey, UserId,
};

pub(crate) use errors::{policy_err, to_py};

/// `SetupParams` for the given depths.
fn setup_params(time_depth: u8, tree_depth: u8) -> SetupParams {
    SetupParams::new(time_depth, tree_depth)
}

pub(crate) fn bytes<'py>(py: Python<'py>, b: &[u8]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, b)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // No code path panics while holding the lock; if one ever did, the state is still valid.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `lock` for a caller holding the GIL: while another thread holds the lock (inside a long call
/// that released the GIL), wait with the GIL released, so other Python threads keep running.
fn lock_gil<'a, T: Send>(py: Python<'_>, m: &'a Mutex<T>) -> MutexGuard<'a, T> {
    loop {
        match m.try_lock() {
            Ok(guard) => return guard,
            Err(std::sync::TryLockError::Poisoned(p)) => return p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => py.allow_threads(|| drop(lock(m))),
        }
    }
}

/// An attribute set from any iterable of `str` (a lone `str` is refused, not split into
/// characters).
fn attribute_set(obj: &Bound<'_, PyAny>) -> PyResult<AttributeSet> {
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "attributes must be an iterable of str (a list or set), not a single str",
        ));
    }
    let mut names = Vec::new();
    for item in obj.try_iter()? {
        names.push(item?.extract::<String>()?);
    }
    AttributeSet::new(names).map_err(to_py)
}

fn attribute_list<'py>(py: Python<'py>, set: &AttributeSet) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, attr_names(set))
}

// ---------------------------------------------------------------------------------------------
// Public parameters, identities

/// The authority's public parameters (time tree depth and the group elements).
#[pyclass(module = "rs_habe", name = "PublicParams", frozen)]
pub struct PyPublicParams(pub(crate) PublicParams);

codec!(PyPublicParams(PublicParams), gil_released);
eq_by_value!(PyPublicParams);
getters!(PyPublicParams {
    /// The depth of the time tree `D_t`: periods are `0 .. 2**time_depth`.
    time_depth: u8,
    /// The number of periods, `2**time_depth`.
    periods: u64,
    is_precomputed: bool,
});

#[pymethods]
impl PyPublicParams {
    /// Builds the fixed-base tables that speed up encryption, key issuing and header updates.
    fn precompute(&self, py: Python<'_>) {
        let pp = &self.0;
        py.allow_threads(|| pp.precompute());
    }
    fn __repr__(&self) -> String {
        format!("PublicParams(time_depth={})", self.0.time_depth())
    }
}

/// A user's identity: the issuer's 16-byte id and the user's leaf in the issuer's tree.
#[pyclass(module = "rs_habe", name = "UserId", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash, Clone, Copy)]
pub struct PyUserId {
    issuer: [u8; 16],
    leaf: u64,
}

impl PyUserId {
    fn from_rust(u: UserId) -> Self {
        PyUserId {
            issuer: *u.issuer.as_bytes(),
            leaf: u.leaf,
        }
    }
    fn to_rust(self) -> UserId {
        UserId {
            issuer: self.issuer.into(),
            leaf: self.leaf,
        }
    }
}

#[pymethods]
impl PyUserId {
    #[new]
    fn new(issuer: &[u8], leaf: u64) -> PyResult<Self> {
        let issuer: [u8; 16] = issuer
            .try_into()
            .map_err(|_| PyValueError::new_err("an issuer id is 16 bytes"))?;
        Ok(PyUserId { issuer, leaf })
    }
    /// The issuer's 16-byte id.
    #[getter]
    fn issuer<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, &self.issuer)
    }
    #[getter]
    fn leaf(&self) -> u64 {
        self.leaf
    }
    fn __repr__(&self) -> String {
        format!("UserId(issuer={}, leaf={})", hex(&self.issuer), self.leaf)
    }
}

/// The `repr` of a user's id, as inside the keys' `repr`s.
fn user_repr(u: UserId) -> String {
    PyUserId::from_rust(u).__repr__()
}

pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ---------------------------------------------------------------------------------------------
// Policies

/// An access policy: `and`, `or`, `k of (a, b, c)`, quoted attributes. `Policy(text)` parses;
/// a malformed text raises `PolicyError` with its `kind` and byte `offset`.
#[pyclass(module = "rs_habe", name = "Policy", frozen)]
pub struct PyPolicy(pub(crate) Policy);

eq_by_value!(PyPolicy);
getters!(PyPolicy { leaf_count: usize });

#[pymethods]
impl PyPolicy {
    #[new]
    fn new(text: &str) -> PyResult<Self> {
        Policy::parse(text).map(Self).map_err(policy_err)
    }
    /// Same as `Policy(text)`.
    #[staticmethod]
    fn parse(text: &str) -> PyResult<Self> {
        Self::new(text)
    }
    /// The attributes at the leaves, left to right (with repetitions).
    #[getter]
    fn leaves<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.0.leaves().iter().map(|a| a.as_str()))
    }
    /// Whether a set of attributes satisfies the policy.
    fn is_satisfied_by(&self, attributes: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.0.is_satisfied_by(&attribute_set(attributes)?))
    }
    fn __str__(&self) -> String {
        self.0.to_string()
    }
    fn __repr__(&self) -> String {
        format!("Policy({:?})", self.0.to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// Authority, keys, key updates

/// The attribute authority: master secret, user tree, revocation list. Its `repr` shows the
/// issuer id and depths only.
#[pyclass(module = "rs_habe", name = "Authority", frozen)]
pub struct PyAuthority {
    inner: Mutex<Authority>,
    pp: Py<PyPublicParams>,
}

impl PyAuthority {
    fn wrap(py: Python<'_>, a: Authority) -> PyResult<Self> {
        let pp = Py::new(py, PyPublicParams(a.public_params().clone()))?;
        Ok(PyAuthority {
            inner: Mutex::new(a),
            pp,
        })
    }
}

#[pymethods]
impl PyAuthority {
    /// A new authority with `2**time_depth` periods and `2**tree_depth` users.
    #[staticmethod]
    #[pyo3(signature = (time_depth = 20, tree_depth = 20))]
    fn setup(py: Python<'_>, time_depth: u8, tree_depth: u8) -> PyResult<Self> {
        let params = setup_params(time_depth, tree_depth);
        let a = py
            .allow_threads(|| Authority::setup(&mut OsRng, params))
            .map_err(to_py)?;
        Self::wrap(py, a)
    }
    /// The public parameters (the same object on every call).
    #[getter]
    fn public_params(&self, py: Python<'_>) -> Py<PyPublicParams> {
        self.pp.clone_ref(py)
    }
    /// Builds the fixed-base tables of the authority's own copy of the public parameters
    /// (faster enrolment and key updates).
    fn precompute(&self, py: Python<'_>) {
        py.allow_threads(|| lock(&self.inner).public_params().precompute());
    }
    /// The issuer's 16-byte id.
    #[getter]
    fn issuer_id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, lock_gil(py, &self.inner).issuer_id().as_bytes())
    }
    #[getter]
    fn enrolled_count(&self, py: Python<'_>) -> u64 {
        lock_gil(py, &self.inner).enrolled_count()
    }
    #[getter]
    fn counter(&self, py: Python<'_>) -> u64 {
        lock_gil(py, &self.inner).counter()
    }
    /// Enrols a user with the given attributes; returns the user's secret key.
    fn enrol(&self, py: Python<'_>, attributes: &Bound<'_, PyAny>) -> PyResult<PySecretKey> {
        let attrs = attribute_set(attributes)?;
        py.allow_threads(|| lock(&self.inner).enrol(&mut OsRng, &attrs))
            .map(PySecretKey)
            .map_err(to_py)
    }
    /// Revokes a user from `period` on.
    fn revoke(&self, py: Python<'_>, user: PyUserId, period: u64) -> PyResult<()> {
        lock_gil(py, &self.inner)
            .revoke(&user.to_rust(), period)
            .map_err(to_py)
    }
    fn is_revoked(&self, py: Python<'_>, user: PyUserId, period: u64) -> bool {
        lock_gil(py, &self.inner).is_revoked(&user.to_rust(), period)
    }
    /// The public key update for `period`.
    fn key_update(&self, py: Python<'_>, period: u64) -> PyResult<PyKeyUpdate> {
        py.allow_threads(|| lock(&self.inner).key_update(&mut OsRng, period))
            .map(PyKeyUpdate)
            .map_err(to_py)
    }
    /// The authority's whole state, master secret included (secret: store it encrypted).
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, &lock_gil(py, &self.inner).to_bytes())
    }
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: PyBackedBytes) -> PyResult<Self> {
        let d: &[u8] = &data;
        let a = py
            .allow_threads(|| Authority::from_bytes(d))
            .map_err(to_py)?;
        Self::wrap(py, a)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        let a = lock_gil(py, &self.inner);
        format!(
            "Authority(issuer_id={}, time_depth={}, enrolled={})",
            hex(a.issuer_id().as_bytes()),
            a.public_params().time_depth(),
            a.enrolled_count()
        )
    }
}

/// A user's long-term secret key (secret; `repr` shows the user and attributes only).
#[pyclass(module = "rs_habe", name = "SecretKey", frozen)]
pub struct PySecretKey(SecretKey);

codec!(PySecretKey(SecretKey), gil_released);
user_key_getters!(PySecretKey);

#[pymethods]
impl PySecretKey {
    /// Combines the key with its issuer's key update into the decryption key of that period.
    fn decryption_key(&self, py: Python<'_>, update: &PyKeyUpdate) -> PyResult<PyDecryptionKey> {
        py.allow_threads(|| self.0.decryption_key(&update.0))
            .map(PyDecryptionKey)
            .map_err(to_py)
    }
    fn __repr__(&self) -> String {
        format!(
            "SecretKey(user_id={}, attributes={:?})",
            user_repr(self.0.user_id()),
            attr_names(self.0.attributes())
        )
    }
}

fn attr_names(set: &AttributeSet) -> Vec<&str> {
    set.iter().map(|a| a.as_str()).collect()
}

/// An issuer's public key update for one period.
#[pyclass(module = "rs_habe", name = "KeyUpdate", frozen)]
pub struct PyKeyUpdate(KeyUpdate);

codec!(PyKeyUpdate(KeyUpdate), gil_released);
getters!(PyKeyUpdate {
    period: u64,
    counter: u64,
    entry_count: usize,
});

#[pymethods]
impl PyKeyUpdate {
    #[getter]
    fn issuer_id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, self.0.issuer_id().as_bytes())
    }
    /// The delegator's attributes for a delegated update, `None` for the authority's.
    #[getter]
    fn attributes<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        self.0
            .attributes()
            .map(|a| attribute_list(py, a))
            .transpose()
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .downcast::<Self>()
            .is_ok_and(|o| o.get().0.to_bytes() == self.0.to_bytes())
    }
    fn __repr__(&self) -> String {
        format!(
            "KeyUpdate(issuer_id={}, period={}, counter={}, entries={})",
            hex(self.0.issuer_id().as_bytes()),
            self.0.period(),
            self.0.counter(),
            self.0.entry_count()
        )
    }
}

/// Remembers the newest key-update counter seen per issuer and refuses older updates
/// (`StaleKeyUpdate`).
#[pyclass(module = "rs_habe", name = "FreshnessGuard", frozen)]
pub struct PyFreshnessGuard(Mutex<FreshnessGuard>);

codec!(PyFreshnessGuard(Mutex<FreshnessGuard>), gil_held);

#[pymethods]
impl PyFreshnessGuard {
    #[new]
    fn new() -> Self {
        PyFreshnessGuard(Mutex::new(FreshnessGuard::default()))
    }
    fn check(&self, py: Python<'_>, update: &PyKeyUpdate) -> PyResult<()> {
        lock_gil(py, &self.0).check(&update.0).map_err(to_py)
    }
    /// The newest counter seen from an issuer (16-byte id), or `None`.
    fn newest(&self, py: Python<'_>, issuer_id: &[u8]) -> PyResult<Option<u64>> {
        let id: [u8; 16] = issuer_id
            .try_into()
            .map_err(|_| PyValueError::new_err("an issuer id is 16 bytes"))?;
        Ok(lock_gil(py, &self.0).newest(&id.into()))
    }
    fn __repr__(&self) -> String {
        "FreshnessGuard()".to_owned()
    }
}

/// A decryption key for one period (secret; `repr` shows user, period and attributes only).
#[pyclass(module = "rs_habe", name = "DecryptionKey", frozen)]
pub struct PyDecryptionKey(pub(crate) DecryptionKey);

codec!(PyDecryptionKey(DecryptionKey), gil_released);
user_key_getters!(PyDecryptionKey);
getters!(PyDecryptionKey {
    period: u64,
    time_depth: u8,
});

#[pymethods]
impl PyDecryptionKey {
    /// Precomputes the key's pairing lines (faster repeated decryption).
    fn prepare(&self, py: Python<'_>) {
        py.allow_threads(|| self.0.prepare());
    }
    /// A re-randomised key for a subset of the attributes, same period (for a device).
    fn restrict(
        &self,
        py: Python<'_>,
        public_params: &PyPublicParams,
        attributes: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let attrs = attribute_set(attributes)?;
        py.allow_threads(|| self.0.restrict(&mut OsRng, &public_params.0, &attrs))
            .map(Self)
            .map_err(to_py)
    }
    /// Splits the key into a transform key (for a server) and a retrieval key (kept).
    fn outsource(
        &self,
        py: Python<'_>,
        public_params: &PyPublicParams,
    ) -> PyResult<(PyTransformKey, PyRetrievalKey)> {
        py.allow_threads(|| self.0.outsource(&mut OsRng, &public_params.0))
            .map(|(t, r)| (PyTransformKey(t), PyRetrievalKey(r)))
            .map_err(to_py)
    }
    /// The 32-byte KEM key of an ABE header (secret).
    fn decapsulate<'py>(
        &self,
        py: Python<'py>,
        header: &PyHeader,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let k = py
            .allow_threads(|| self.0.decapsulate(&header.0))
            .map_err(to_py)?;
        let k: &[u8; 32] = &k;
        Ok(bytes(py, k))
    }
    fn __repr__(&self) -> String {
        format!(
            "DecryptionKey(user_id={}, period={}, attributes={:?})",
            user_repr(self.0.user_id()),
            self.0.period(),
            attr_names(self.0.attributes())
        )
    }
}

/// The server's half of an outsourced decryption key.
#[pyclass(module = "rs_habe", name = "TransformKey", frozen)]
pub struct PyTransformKey(TransformKey);

codec!(PyTransformKey(TransformKey), gil_released);
user_key_getters!(PyTransformKey);
getters!(PyTransformKey { period: u64 });

#[pymethods]
impl PyTransformKey {
    /// The server's partial decryption of an ABE header.
    fn transform(&self, py: Python<'_>, header: &PyHeader) -> PyResult<PyPartialDecryption> {
        py.allow_threads(|| self.0.transform(&header.0))
            .map(PyPartialDecryption)
            .map_err(to_py)
    }
    fn __repr__(&self) -> String {
        format!(
            "TransformKey(user_id={}, period={})",
            user_repr(self.0.user_id()),
            self.0.period()
        )
    }
}

/// The user's half of an outsourced decryption key (secret).
#[pyclass(module = "rs_habe", name = "RetrievalKey", frozen)]
pub struct PyRetrievalKey(RetrievalKey);

codec!(PyRetrievalKey(RetrievalKey), gil_held);

#[pymethods]
impl PyRetrievalKey {
    /// The 32-byte KEM key of an ABE header from the server's partial decryption (secret).
    fn finish<'py>(
        &self,
        py: Python<'py>,
        header: &PyHeader,
        partial: &PyPartialDecryption,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let k = py
            .allow_threads(|| self.0.finish(&header.0, &partial.0))
            .map_err(to_py)?;
        let k: &[u8; 32] = &k;
        Ok(bytes(py, k))
    }
    fn __repr__(&self) -> String {
        "RetrievalKey([redacted])".to_owned()
    }
}

/// A server's partial decryption of one policy recipient.
#[pyclass(module = "rs_habe", name = "PartialDecryption", frozen)]
pub struct PyPartialDecryption(PartialDecryption);

codec!(PyPartialDecryption(PartialDecryption), gil_held);
getters!(PyPartialDecryption {
    /// The index of the envelope recipient it belongs to.
    slot: u32,
});

#[pymethods]
impl PyPartialDecryption {
    fn __repr__(&self) -> String {
        format!("PartialDecryption(slot={})", self.0.slot())
    }
}

/// A key holder acting as an issuer for children (its own user tree and revocation list).
#[pyclass(module = "rs_habe", name = "Delegator", frozen)]
pub struct PyDelegator(Mutex<Delegator>);

codec!(
    PyDelegator(Mutex<Delegator>),
    gil_held,
    doc = "The delegator's whole state (secret)."
);

#[pymethods]
impl PyDelegator {
    /// Turns the holder of `decryption_key` into an issuer with a user tree of `tree_depth`.
    #[new]
    #[pyo3(signature = (decryption_key, tree_depth = 10))]
    fn new(py: Python<'_>, decryption_key: &PyDecryptionKey, tree_depth: u8) -> PyResult<Self> {
        py.allow_threads(|| Delegator::new(&mut OsRng, &decryption_key.0, tree_depth))
            .map(|d| PyDelegator(Mutex::new(d)))
            .map_err(to_py)
    }
    #[getter]
    fn issuer_id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, lock_gil(py, &self.0).issuer_id().as_bytes())
    }
    #[getter]
    fn user_id(&self, py: Python<'_>) -> PyUserId {
        PyUserId::from_rust(lock_gil(py, &self.0).user_id())
    }
    #[getter]
    fn attributes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        attribute_list(py, lock_gil(py, &self.0).attributes())
    }
    #[getter]
    fn counter(&self, py: Python<'_>) -> u64 {
        lock_gil(py, &self.0).counter()
    }
    /// Enrols a child with a subset of the delegator's attributes (`NotASubset` otherwise).
    fn enrol(
        &self,
        py: Python<'_>,
        public_params: &PyPublicParams,
        attributes: &Bound<'_, PyAny>,
    ) -> PyResult<PySecretKey> {
        let attrs = attribute_set(attributes)?;
        py.allow_threads(|| lock(&self.0).enrol(&mut OsRng, &public_params.0, &attrs))
            .map(PySecretKey)
            .map_err(to_py)
    }
    fn revoke(&self, py: Python<'_>, user: PyUserId, period: u64) -> PyResult<()> {
        lock_gil(py, &self.0)
            .revoke(&user.to_rust(), period)
            .map_err(to_py)
    }
    fn is_revoked(&self, py: Python<'_>, user: PyUserId, period: u64) -> bool {
        lock_gil(py, &self.0).is_revoked(&user.to_rust(), period)
    }
    /// The children's key update for the period of the delegator's own `decryption_key`.
    fn key_update(
        &self,
        py: Python<'_>,
        public_params: &PyPublicParams,
        decryption_key: &PyDecryptionKey,
    ) -> PyResult<PyKeyUpdate> {
        py.allow_threads(|| {
            lock(&self.0).key_update(&mut OsRng, &public_params.0, &decryption_key.0)
        })
        .map(PyKeyUpdate)
        .map_err(to_py)
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        let d = lock_gil(py, &self.0);
        format!(
            "Delegator(issuer_id={}, user_id={}, attributes={:?})",
            hex(d.issuer_id().as_bytes()),
            user_repr(d.user_id()),
            attr_names(d.attributes())
        )
    }
}

// ---------------------------------------------------------------------------------------------
// ABE headers, envelopes

/// An ABE header (KEM ciphertext) for a policy and a period.
#[pyclass(module = "rs_habe", name = "Header", frozen)]
pub struct PyHeader(pub(crate) Header);

codec!(PyHeader(Header), gil_released);
update_method!(
    PyHeader,
    "The header moved to a later period (public parameters only)."
);
eq_by_value!(PyHeader);
getters!(PyHeader {
    period: u64,
    time_depth: u8,
});

#[pymethods]
impl PyHeader {
    /// A fresh header and its 32-byte KEM key (secret).
    #[staticmethod]
    fn encapsulate<'py>(
        py: Python<'py>,
        public_params: &PyPublicParams,
        policy: &Bound<'_, PyAny>,
        period: u64,
    ) -> PyResult<(Self, Bound<'py, PyBytes>)> {
        let policy = policy_arg(policy)?;
        let (h, k) = py
            .allow_threads(|| Header::encapsulate(&mut OsRng, &public_params.0, &policy, period))
            .map_err(to_py)?;
        let k: &[u8; 32] = &k;
        Ok((Self(h), bytes(py, k)))
    }
    #[getter]
    fn policy(&self) -> PyPolicy {
        PyPolicy(self.0.policy().clone())
    }
    fn __repr__(&self) -> String {
        format!(
            "Header(policy={:?}, period={})",
            self.0.policy().to_string(),
            self.0.period()
        )
    }
}

/// A `Policy` or a policy text.
fn policy_arg(obj: &Bound<'_, PyAny>) -> PyResult<Policy> {
    if let Ok(p) = obj.downcast::<PyPolicy>() {
        return Ok(p.get().0.clone());
    }
    if let Ok(s) = obj.downcast::<PyString>() {
        return Policy::parse(&s.to_cow()?).map_err(policy_err);
    }
    Err(PyTypeError::new_err("a policy is a Policy or a str"))
}

/// What a recipient list item turned into: owned, then borrowed as `Recipient`s.
enum OwnedRecipient {
    Policy(Policy, u64),
    Pre(rs_habe::pre::PublicKey),
}

/// Recipients: each a `(policy, period)` tuple (policy a `Policy` or a str) or a PRE `PublicKey`.
fn recipients_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<OwnedRecipient>> {
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "recipients is a list of (policy, period) tuples and PublicKeys",
        ));
    }
    let mut out = Vec::new();
    for item in obj.try_iter()? {
        let item = item?;
        if let Ok(pk) = item.downcast::<pre::PyPublicKey>() {
            out.push(OwnedRecipient::Pre(pk.get().0));
        } else if let Ok(t) = item.downcast::<PyTuple>() {
            if t.len() != 2 {
                return Err(PyTypeError::new_err(
                    "a policy recipient is a (policy, period) tuple",
                ));
            }
            let policy = policy_arg(&t.get_item(0)?)?;
            let period: u64 = t.get_item(1)?.extract()?;
            out.push(OwnedRecipient::Policy(policy, period));
        } else {
            return Err(PyTypeError::new_err(
                "a recipient is a (policy, period) tuple or a PublicKey",
            ));
        }
    }
    Ok(out)
}

fn borrow_recipients(owned: &[OwnedRecipient]) -> Vec<Recipient<'_>> {
    owned
        .iter()
        .map(|r| match r {
            OwnedRecipient::Policy(policy, period) => Recipient::Policy {
                policy,
                period: *period,
            },
            OwnedRecipient::Pre(pk) => Recipient::Pre(pk),
        })
        .collect()
}

/// What opens an envelope, extracted from Python: a `DecryptionKey`, a PRE `KeyPair`, a
/// `(DelegateeKey, [VerifiedCapsuleFrag, ...])` tuple or a `(RetrievalKey, PartialDecryption)`
/// tuple.
enum OpenerArg<'py> {
    Key(Bound<'py, PyDecryptionKey>),
    Owner(Bound<'py, pre::PyKeyPair>),
    Delegatee(
        Bound<'py, pre::PyDelegateeKey>,
        Vec<rs_habe::pre::VerifiedCapsuleFrag>,
    ),
    Outsourced(Bound<'py, PyRetrievalKey>, Bound<'py, PyPartialDecryption>),
}

impl<'py> OpenerArg<'py> {
    fn extract(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(k) = obj.downcast::<PyDecryptionKey>() {
            return Ok(OpenerArg::Key(k.clone()));
        }
        if let Ok(k) = obj.downcast::<pre::PyKeyPair>() {
            return Ok(OpenerArg::Owner(k.clone()));
        }
        if let Ok(t) = obj.downcast::<PyTuple>() {
            if t.len() == 2 {
                let (a, b) = (t.get_item(0)?, t.get_item(1)?);
                if let Ok(k) = a.downcast::<pre::PyDelegateeKey>() {
                    return Ok(OpenerArg::Delegatee(k.clone(), pre::fragments_arg(&b)?));
                }
                if let (Ok(rk), Ok(p)) = (
                    a.downcast::<PyRetrievalKey>(),
                    b.downcast::<PyPartialDecryption>(),
                ) {
                    return Ok(OpenerArg::Outsourced(rk.clone(), p.clone()));
                }
            }
        }
        Err(PyTypeError::new_err(
            "an opener is a DecryptionKey, a KeyPair, a (DelegateeKey, [VerifiedCapsuleFrag]) \
             tuple or a (RetrievalKey, PartialDecryption) tuple",
        ))
    }

    fn opener(&self) -> Opener<'_> {
        match self {
            OpenerArg::Key(k) => Opener::Key(&k.get().0),
            OpenerArg::Owner(k) => Opener::PreOwner(&k.get().0),
            OpenerArg::Delegatee(k, fragments) => Opener::PreDelegatee {
                key: &k.get().0,
                fragments,
            },
            OpenerArg::Outsourced(rk, p) => Opener::Outsourced {
                retrieval_key: &rk.get().0,
                partial: &p.get().0,
            },
        }
    }
}

/// An envelope without its payload: what the cloud rewrites when it moves a record forward.
#[pyclass(module = "rs_habe", name = "EnvelopeHeader", frozen)]
pub struct PyEnvelopeHeader(EnvelopeHeader);

codec!(PyEnvelopeHeader(EnvelopeHeader), gil_released);
update_method!(
    PyEnvelopeHeader,
    "Every policy recipient moved to `period`; content key and payload unchanged."
);
eq_by_value!(PyEnvelopeHeader);
getters!(PyEnvelopeHeader {
    recipient_count: usize
});

#[pymethods]
impl PyEnvelopeHeader {
    /// The envelope's 16-byte id.
    #[getter]
    fn id<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, self.0.id())
    }
    /// The ABE headers of the policy recipients, in order.
    fn policy_headers(&self) -> Vec<PyHeader> {
        self.0.policy_headers().cloned().map(PyHeader).collect()
    }
    /// The PRE capsules of the PRE recipients, in order.
    fn capsules(&self) -> Vec<pre::PyCapsule> {
        self.0.capsules().copied().map(pre::PyCapsule).collect()
    }
    /// A server's partial decryption of the first policy recipient the transform key opens.
    fn transform(
        &self,
        py: Python<'_>,
        transform_key: &PyTransformKey,
    ) -> PyResult<PyPartialDecryption> {
        py.allow_threads(|| self.0.transform(&transform_key.0))
            .map(PyPartialDecryption)
            .map_err(to_py)
    }
    fn __repr__(&self) -> String {
        format!(
            "EnvelopeHeader(id={}, recipients={})",
            hex(self.0.id()),
            self.0.recipient_count()
        )
    }
}

/// A sealed record: header and AES-256-GCM payload.
#[pyclass(module = "rs_habe", name = "Envelope", frozen)]
pub struct PyEnvelope(Envelope);

codec!(PyEnvelope(Envelope), gil_released);
update_method!(
    PyEnvelope,
    "The envelope moved to `period` (header rewritten, payload untouched)."
);
eq_by_value!(PyEnvelope);

#[pymethods]
impl PyEnvelope {
    /// Encrypts `plaintext` once for every recipient: `(policy, period)` tuples and PRE
    /// `PublicKey`s. `aad` is bound to the envelope, not stored in it, and needed to open it.
    #[staticmethod]
    #[pyo3(signature = (public_params, recipients, plaintext, aad = b"".as_slice()))]
    fn seal(
        py: Python<'_>,
        public_params: &PyPublicParams,
        recipients: &Bound<'_, PyAny>,
        plaintext: PyBackedBytes,
        aad: &[u8],
    ) -> PyResult<Self> {
        let owned = recipients_arg(recipients)?;
        let pt: &[u8] = &plaintext;
        py.allow_threads(|| {
            let rs = borrow_recipients(&owned);
            Envelope::seal(&mut OsRng, &public_params.0, &rs, aad, pt)
        })
        .map(Self)
        .map_err(to_py)
    }
    /// Decrypts with an opener: a `DecryptionKey`, a PRE `KeyPair`, a `(DelegateeKey,
    /// fragments)` or a `(RetrievalKey, PartialDecryption)` tuple.
    #[pyo3(signature = (opener, aad = b"".as_slice()))]
    fn open<'py>(
        &self,
        py: Python<'py>,
        opener: &Bound<'py, PyAny>,
        aad: &[u8],
    ) -> PyResult<Bound<'py, PyBytes>> {
        let arg = OpenerArg::extract(opener)?;
        let op = arg.opener();
        let pt = py.allow_threads(|| self.0.open(op, aad)).map_err(to_py)?;
        Ok(bytes(py, &pt))
    }
    #[getter]
    fn header(&self) -> PyEnvelopeHeader {
        PyEnvelopeHeader(self.0.header().clone())
    }
    /// The encrypted payload.
    #[getter]
    fn payload<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        bytes(py, self.0.payload())
    }
    /// Seals the file `source` into `destination` (streamed, 64 KiB chunks); returns the
    /// number of plaintext bytes.
    #[staticmethod]
    #[pyo3(signature = (public_params, recipients, source, destination, aad = b"".as_slice()))]
    fn seal_file(
        py: Python<'_>,
        public_params: &PyPublicParams,
        recipients: &Bound<'_, PyAny>,
        source: PathBuf,
        destination: PathBuf,
        aad: &[u8],
    ) -> PyResult<u64> {
        let owned = recipients_arg(recipients)?;
        stream_file(py, &source, &destination, |r, w| {
            let rs = borrow_recipients(&owned);
            Envelope::seal_stream(&mut OsRng, &public_params.0, &rs, aad, r, w)
        })
    }
    /// Opens the envelope file `source` into `destination`; returns the plaintext length. On
    /// any failure `destination` is removed (no unauthenticated plaintext is left behind).
    #[staticmethod]
    #[pyo3(signature = (opener, source, destination, aad = b"".as_slice()))]
    fn open_file(
        py: Python<'_>,
        opener: &Bound<'_, PyAny>,
        source: PathBuf,
        destination: PathBuf,
        aad: &[u8],
    ) -> PyResult<u64> {
        let arg = OpenerArg::extract(opener)?;
        let op = arg.opener();
        stream_file(py, &source, &destination, |r, w| {
            Envelope::open_stream(op, aad, r, w)
        })
    }
    /// Moves the envelope file `source` to `period` into `destination` (header rewritten,
    /// payload copied as is); returns the payload length.
    #[staticmethod]
    fn update_file(
        py: Python<'_>,
        public_params: &PyPublicParams,
        period: u64,
        source: PathBuf,
        destination: PathBuf,
    ) -> PyResult<u64> {
        stream_file(py, &source, &destination, |r, w| {
            Envelope::update_stream(&mut OsRng, &public_params.0, period, r, w)
        })
    }
    fn __repr__(&self) -> String {
        format!(
            "Envelope(id={}, recipients={}, payload_len={})",
            hex(self.0.header().id()),
            self.0.header().recipient_count(),
            self.0.payload().len()
        )
    }
}

/// Runs a streaming call from `source` to `destination` with the GIL released; removes the
/// destination on failure.
fn stream_file(
    py: Python<'_>,
    source: &std::path::Path,
    destination: &std::path::Path,
    f: impl FnOnce(BufReader<File>, &mut BufWriter<File>) -> rs_habe::Result<u64> + Send,
) -> PyResult<u64> {
    let result: Result<rs_habe::Result<u64>, std::io::Error> = py.allow_threads(|| {
        let reader = BufReader::new(File::open(source)?);
        let mut writer = BufWriter::new(File::create(destination)?);
        let n = f(reader, &mut writer);
        if n.is_ok() {
            writer.flush()?;
        }
        Ok(n)
    });
    let outcome = match result {
        Ok(Ok(n)) => Ok(n),
        Ok(Err(e)) => Err(to_py(e)),
        Err(e) => Err(PyErr::from(e)),
    };
    if outcome.is_err() {
        let _ = std::fs::remove_file(destination);
    }
    outcome
}

// ---------------------------------------------------------------------------------------------
// Batch header updates (the cloud's nightly job)

fn collect_bytes(obj: &Bound<'_, PyAny>) -> PyResult<Vec<PyBackedBytes>> {
    if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err("expected a list of bytes objects"));
    }
    obj.try_iter()?.map(|i| i?.extract()).collect()
}

fn indexed(e: rs_habe::Error, index: usize) -> PyErr {
    let err = to_py(e);
    Python::with_gil(|py| {
        let v = err.value(py);
        let _ = v.setattr("index", index);
        let msg = format!("header {index}: {v}");
        let _ = v.setattr("args", (msg,));
    });
    err
}

/// Moves encoded ABE headers (`Header.to_bytes()`) to `period` with the crate's batch path
/// (`rs_habe::update_headers`), the GIL released; returns the encoded updated headers, in order.
/// A header that fails to decode or update raises, with its position in `.index`.
#[pyfunction]
fn update_headers<'py>(
    py: Python<'py>,
    public_params: &PyPublicParams,
    headers: &Bound<'py, PyAny>,
    period: u64,
) -> PyResult<Bound<'py, PyList>> {
    let input = collect_bytes(headers)?;
    let slices: Vec<&[u8]> = input.iter().map(|b| &b[..]).collect();
    let out: Result<Vec<Vec<u8>>, (rs_habe::Error, usize)> = py.allow_threads(|| {
        let mut hs = slices
            .iter()
            .enumerate()
            .map(|(i, b)| Header::from_bytes(b).map_err(|e| (e, i)))
            .collect::<Result<Vec<_>, _>>()?;
        // The batch call reports no position: on failure, find the first header that fails.
        if let Err(e) = rs_habe::update_headers(&mut OsRng, &public_params.0, &mut hs, period) {
            let at = hs
                .iter()
                .position(|h| h.update(&mut OsRng, &public_params.0, period).is_err())
                .unwrap_or(0);
            return Err((e, at));
        }
        Ok(hs.iter().map(Header::to_bytes).collect())
    });
    let out = out.map_err(|(e, i)| indexed(e, i))?;
    PyList::new(py, out.iter().map(|b| bytes(py, b)))
}

/// Moves encoded envelope headers (`EnvelopeHeader.to_bytes()`, the part of a stored envelope
/// before its payload) to `period`, the GIL released; returns the encoded updated headers, in
/// order. A header that fails to decode or update raises, with its position in `.index`.
#[pyfunction]
fn update_envelope_headers<'py>(
    py: Python<'py>,
    public_params: &PyPublicParams,
    headers: &Bound<'py, PyAny>,
    period: u64,
) -> PyResult<Bound<'py, PyList>> {
    let input = collect_bytes(headers)?;
    let slices: Vec<&[u8]> = input.iter().map(|b| &b[..]).collect();
    let out: Result<Vec<Vec<u8>>, (rs_habe::Error, usize)> = py.allow_threads(|| {
        slices
            .iter()
            .enumerate()
            .map(|(i, b)| {
                EnvelopeHeader::from_bytes(b)
                    .and_then(|h| h.update(&mut OsRng, &public_params.0, period))
                    .map(|h| h.to_bytes())
                    .map_err(|e| (e, i))
            })
            .collect()
    });
    let out = out.map_err(|(e, i)| indexed(e, i))?;
    PyList::new(py, out.iter().map(|b| bytes(py, b)))
}

/// Splits a stored envelope (`Envelope.to_bytes()`) into its header part and its payload.
#[pyfunction]
fn split_envelope<'py>(
    py: Python<'py>,
    data: &[u8],
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let env = Envelope::from_bytes(data).map_err(to_py)?;
    let header = env.header().to_bytes();
    let rest = data.get(header.len()..).unwrap_or_default();
    Ok((bytes(py, &header), bytes(py, rest)))
}

#[pymodule]
#[pyo3(name = "rs_habe")]
fn rs_habe_py(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyPublicParams>()?;
    m.add_class::<PyUserId>()?;
    m.add_class::<PyPolicy>()?;
    m.add_class::<PyAuthority>()?;
    m.add_class::<PySecretKey>()?;
    m.add_class::<PyKeyUpdate>()?;
    m.add_class::<PyFreshnessGuard>()?;
    m.add_class::<PyDecryptionKey>()?;
    m.add_class::<PyTransformKey>()?;
    m.add_class::<PyRetrievalKey>()?;
    m.add_class::<PyPartialDecryption>()?;
    m.add_class::<PyDelegator>()?;
    m.add_class::<PyHeader>()?;
    m.add_class::<PyEnvelopeHeader>()?;
    m.add_class::<PyEnvelope>()?;
    m.add_function(wrap_pyfunction!(update_headers, m)?)?;
    m.add_function(wrap_pyfunction!(update_envelope_headers, m)?)?;
    m.add_function(wrap_pyfunction!(split_envelope, m)?)?;
    pre::register(m)?;
    Ok(())
}
