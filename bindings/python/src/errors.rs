//! The Python exception hierarchy: `rs_habe.Error` and one subclass per variant of the Rust
//! [`rs_habe::Error`] (the Rust enum is `#[non_exhaustive]`: a variant this version does not know
//! raises the base class with the Rust message).

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyType};

use rs_habe::Error as E;

create_exception!(
    rs_habe,
    Error,
    PyException,
    "Base class of every error raised by rs_habe."
);
create_exception!(
    rs_habe,
    DecodeError,
    Error,
    "Bytes that are not a valid encoding of the expected object (`kind`, `offset`)."
);
create_exception!(
    rs_habe,
    PolicyError,
    Error,
    "A policy or attribute that does not parse (`kind`, `offset` into the text)."
);
create_exception!(
    rs_habe,
    InvalidParameter,
    Error,
    "A parameter out of its range (`parameter` names it)."
);
create_exception!(
    rs_habe,
    PolicyNotSatisfied,
    Error,
    "The key's attributes do not satisfy the header's policy."
);
create_exception!(
    rs_habe,
    Revoked,
    Error,
    "The user is revoked at this period."
);
create_exception!(
    rs_habe,
    PeriodNotCovered,
    Error,
    "The key is for an earlier period than the header."
);
create_exception!(
    rs_habe,
    PeriodInPast,
    Error,
    "Headers only move forward in time."
);
create_exception!(
    rs_habe,
    PeriodOutOfRange,
    Error,
    "The period is not below 2^time_depth."
);
create_exception!(
    rs_habe,
    ParamsMismatch,
    Error,
    "The objects were made under different public parameters."
);
create_exception!(
    rs_habe,
    IssuerMismatch,
    Error,
    "The objects belong to different issuers or users."
);
create_exception!(
    rs_habe,
    PeriodMismatch,
    Error,
    "The objects are for different periods."
);
create_exception!(
    rs_habe,
    TreeFull,
    Error,
    "The issuer's user tree has no free leaf."
);
create_exception!(
    rs_habe,
    UnknownUser,
    Error,
    "This issuer enrolled no user with this id."
);
create_exception!(
    rs_habe,
    NotASubset,
    Error,
    "The issuer does not hold these attributes (`attributes` lists them)."
);
create_exception!(
    rs_habe,
    InvalidAttributeSet,
    Error,
    "The attribute set is empty or too large."
);
create_exception!(
    rs_habe,
    InvalidAttribute,
    Error,
    "An entry of an attribute list is not a valid attribute (`index`, `reason`)."
);
create_exception!(
    rs_habe,
    StaleKeyUpdate,
    Error,
    "The key update is older than one already seen from its issuer."
);
create_exception!(
    rs_habe,
    NotEnoughFragments,
    Error,
    "Fewer verified fragments than the threshold."
);
create_exception!(
    rs_habe,
    DuplicateFragment,
    Error,
    "Two fragments from the same proxy."
);
create_exception!(
    rs_habe,
    FragmentMismatch,
    Error,
    "A fragment of another capsule or delegation."
);
create_exception!(
    rs_habe,
    InvalidProof,
    Error,
    "A fragment's proof does not verify."
);
create_exception!(
    rs_habe,
    NoMatchingRecipient,
    Error,
    "No recipient of the envelope can be opened with this opener."
);
create_exception!(
    rs_habe,
    InvalidCapsule,
    Error,
    "The capsule's proof does not verify against this public key."
);
create_exception!(
    rs_habe,
    InvalidDelegation,
    Error,
    "The delegation record is inconsistent (`check` names the failed check)."
);
create_exception!(
    rs_habe,
    InvalidKeyFrag,
    Error,
    "The key fragment does not match its verification key."
);
create_exception!(
    rs_habe,
    ReceiverMismatch,
    Error,
    "This key pair is not the receiver the delegation names."
);
create_exception!(
    rs_habe,
    DecryptionError,
    Error,
    "Decryption failed: wrong key, or modified, truncated or reordered data."
);
create_exception!(
    rs_habe,
    IoError,
    Error,
    "An I/O error while streaming a file."
);

/// Registers every exception class in the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    macro_rules! add {
        ($($name:ident),* $(,)?) => {
            $( m.add(stringify!($name), py.get_type::<$name>())?; )*
        };
    }
    add!(
        Error,
        DecodeError,
        PolicyError,
        InvalidParameter,
        PolicyNotSatisfied,
        Revoked,
        PeriodNotCovered,
        PeriodInPast,
        PeriodOutOfRange,
        ParamsMismatch,
        IssuerMismatch,
        PeriodMismatch,
        TreeFull,
        UnknownUser,
        NotASubset,
        InvalidAttributeSet,
        InvalidAttribute,
        StaleKeyUpdate,
        NotEnoughFragments,
        DuplicateFragment,
        FragmentMismatch,
        InvalidProof,
        NoMatchingRecipient,
        InvalidCapsule,
        InvalidDelegation,
        InvalidKeyFrag,
        ReceiverMismatch,
        DecryptionError,
        IoError,
    );
    // Bad input values are also `ValueError`s: code that does not know rs_habe can still catch
    // them by the built-in class.
    for (name, base) in [
        ("DecodeError", py.get_type::<PyValueError>()),
        ("PolicyError", py.get_type::<PyValueError>()),
        ("InvalidParameter", py.get_type::<PyValueError>()),
        ("InvalidAttribute", py.get_type::<PyValueError>()),
    ] {
        let cls = m.getattr(name)?;
        let bases = cls.getattr("__bases__")?;
        let mut all: Vec<Bound<'_, PyAny>> = bases.try_iter()?.collect::<PyResult<_>>()?;
        all.push(base.into_any());
        cls.setattr("__bases__", pyo3::types::PyTuple::new(py, all)?)?;
    }
    Ok(())
}

fn with_attrs(
    py: Python<'_>,
    ty: Bound<'_, PyType>,
    msg: String,
    attrs: Vec<(&str, Bound<'_, PyAny>)>,
) -> PyErr {
    let err = PyErr::from_type(ty, msg);
    let value = err.value(py);
    for (k, v) in attrs {
        if let Err(e) = value.setattr(k, v) {
            return e;
        }
    }
    err
}

fn debug_name(d: &impl core::fmt::Debug) -> String {
    format!("{d:?}")
}

/// The Python exception for a Rust error. Takes the GIL itself, so it is usable anywhere
/// (but call it after `allow_threads` returns, not inside).
pub fn to_py(e: E) -> PyErr {
    Python::with_gil(|py| to_py_with(py, e))
}

fn to_py_with(py: Python<'_>, e: E) -> PyErr {
    let msg = e.to_string();
    let int = |v: usize| v.into_pyobject(py).map(|o| o.into_any());
    let text = |s: String| s.into_pyobject(py).map(|o| o.into_any());
    let result: PyResult<PyErr> = (|| {
        Ok(match &e {
            E::Decode(d) => with_attrs(
                py,
                py.get_type::<DecodeError>(),
                msg,
                vec![
                    ("kind", text(debug_name(&d.kind))?),
                    ("offset", int(d.offset)?),
                ],
            ),
            E::Policy(p) => with_attrs(
                py,
                py.get_type::<PolicyError>(),
                msg,
                vec![
                    ("kind", text(debug_name(&p.kind))?),
                    ("offset", int(p.offset)?),
                ],
            ),
            E::InvalidParameter(p) => with_attrs(
                py,
                py.get_type::<InvalidParameter>(),
                msg,
                vec![("parameter", text(debug_name(p))?)],
            ),
            E::NotASubset(extra) => {
                let names: Vec<&str> = extra.iter().map(|a| a.as_str()).collect();
                with_attrs(
                    py,
                    py.get_type::<NotASubset>(),
                    msg,
                    vec![("attributes", PyList::new(py, names)?.into_any())],
                )
            }
            E::InvalidAttribute { index, reason } => with_attrs(
                py,
                py.get_type::<InvalidAttribute>(),
                msg,
                vec![
                    ("index", int(*index)?),
                    ("reason", text(debug_name(reason))?),
                ],
            ),
            E::InvalidDelegation(check) => with_attrs(
                py,
                py.get_type::<InvalidDelegation>(),
                msg,
                vec![("check", text(debug_name(check))?)],
            ),
            E::Io(kind) => with_attrs(
                py,
                py.get_type::<IoError>(),
                msg,
                vec![("kind", text(debug_name(kind))?)],
            ),
            E::PolicyNotSatisfied => PolicyNotSatisfied::new_err(msg),
            E::Revoked => Revoked::new_err(msg),
            E::PeriodNotCovered => PeriodNotCovered::new_err(msg),
            E::PeriodInPast => PeriodInPast::new_err(msg),
            E::PeriodOutOfRange => PeriodOutOfRange::new_err(msg),
            E::ParamsMismatch => ParamsMismatch::new_err(msg),
            E::IssuerMismatch => IssuerMismatch::new_err(msg),
            E::PeriodMismatch => PeriodMismatch::new_err(msg),
            E::TreeFull => TreeFull::new_err(msg),
            E::UnknownUser => UnknownUser::new_err(msg),
            E::InvalidAttributeSet => InvalidAttributeSet::new_err(msg),
            E::StaleKeyUpdate => StaleKeyUpdate::new_err(msg),
            E::NotEnoughFragments => NotEnoughFragments::new_err(msg),
            E::DuplicateFragment => DuplicateFragment::new_err(msg),
            E::FragmentMismatch => FragmentMismatch::new_err(msg),
            E::InvalidProof => InvalidProof::new_err(msg),
            E::NoMatchingRecipient => NoMatchingRecipient::new_err(msg),
            E::InvalidCapsule => InvalidCapsule::new_err(msg),
            E::InvalidKeyFrag => InvalidKeyFrag::new_err(msg),
            E::ReceiverMismatch => ReceiverMismatch::new_err(msg),
            E::Decryption => DecryptionError::new_err(msg),
            // `rs_habe::Error` is #[non_exhaustive]: a variant added later raises the base class.
            _ => Error::new_err(msg),
        })
    })();
    result.unwrap_or_else(|e| e)
}

/// `rs_habe::PolicyError` (parse errors of policies and attribute names) as `PolicyError`.
pub fn policy_err(e: rs_habe::PolicyError) -> PyErr {
    to_py(E::Policy(e))
}
