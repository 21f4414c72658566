//! Members shared by several wrapper classes, each generated as a `#[pymethods]` block of its own
//! (PyO3's `multiple-pymethods` feature), next to the class's hand-written block.
//!
//! Every wrapper is a `#[pyclass]` tuple struct around the crate's type (`PyX(X)`), or around a
//! `Mutex<X>` for the issuers' mutable state.

/// `to_bytes` and `from_bytes` of a wrapper class.
///
/// `codec!(PyX(X), mode)` or `codec!(PyX(Mutex<X>), mode)`, optionally followed by
/// `, doc = "..."` (the docstring of `to_bytes`). `to_bytes` returns `bytes`, through the lock
/// (waiting with the GIL released, `lock_gil`) for a `Mutex`. `mode` chooses `from_bytes`:
/// - `gil_released`: takes any `bytes` or `bytearray` and decodes with the GIL released (the
///   decoders that check group elements);
/// - `gil_held`: takes `bytes` only and decodes with the GIL held;
/// - `encode_only`: no `from_bytes`.
///
/// Decoding errors become `rs_habe.Error` subclasses (`to_py`).
macro_rules! codec {
    ($py:ident(Mutex<$inner:ident>), $mode:ident $(, doc = $doc:literal)?) => {
        #[::pyo3::pymethods]
        impl $py {
            $(#[doc = $doc])?
            fn to_bytes<'py>(
                &self,
                py: ::pyo3::Python<'py>,
            ) -> ::pyo3::Bound<'py, ::pyo3::types::PyBytes> {
                $crate::bytes(py, &$crate::lock_gil(py, &self.0).to_bytes())
            }
        }
        codec!(@from_bytes $py, $inner, $mode, |x| Self(::std::sync::Mutex::new(x)));
    };
    ($py:ident($inner:ident), $mode:ident $(, doc = $doc:literal)?) => {
        #[::pyo3::pymethods]
        impl $py {
            $(#[doc = $doc])?
            fn to_bytes<'py>(
                &self,
                py: ::pyo3::Python<'py>,
            ) -> ::pyo3::Bound<'py, ::pyo3::types::PyBytes> {
                $crate::bytes(py, &self.0.to_bytes())
            }
        }
        codec!(@from_bytes $py, $inner, $mode, Self);
    };
    (@from_bytes $py:ident, $inner:ident, gil_released, $wrap:expr) => {
        #[::pyo3::pymethods]
        impl $py {
            #[staticmethod]
            fn from_bytes(
                py: ::pyo3::Python<'_>,
                data: ::pyo3::pybacked::PyBackedBytes,
            ) -> ::pyo3::PyResult<Self> {
                let d: &[u8] = &data;
                py.allow_threads(|| $inner::from_bytes(d))
                    .map($wrap)
                    .map_err($crate::to_py)
            }
        }
    };
    (@from_bytes $py:ident, $inner:ident, gil_held, $wrap:expr) => {
        #[::pyo3::pymethods]
        impl $py {
            #[staticmethod]
            fn from_bytes(data: &[u8]) -> ::pyo3::PyResult<Self> {
                $inner::from_bytes(data).map($wrap).map_err($crate::to_py)
            }
        }
    };
    (@from_bytes $py:ident, $inner:ident, encode_only, $wrap:expr) => {};
}

/// Read-only properties that return the wrapped value's accessor of the same name as is (numbers
/// and flags): `getters!(PyX { /// doc\n period: u64, ... })`.
macro_rules! getters {
    ($py:ident { $($(#[$attr:meta])* $name:ident: $ty:ty),* $(,)? }) => {
        #[::pyo3::pymethods]
        impl $py {
            $(
                $(#[$attr])*
                #[getter]
                fn $name(&self) -> $ty {
                    self.0.$name()
                }
            )*
        }
    };
}

/// The `user_id` (a `UserId`) and `attributes` (a list of `str`) properties of a user's key.
macro_rules! user_key_getters {
    ($py:ident) => {
        #[::pyo3::pymethods]
        impl $py {
            #[getter]
            fn user_id(&self) -> $crate::PyUserId {
                $crate::PyUserId::from_rust(self.0.user_id())
            }
            #[getter]
            fn attributes<'py>(
                &self,
                py: ::pyo3::Python<'py>,
            ) -> ::pyo3::PyResult<::pyo3::Bound<'py, ::pyo3::types::PyList>> {
                $crate::attribute_list(py, self.0.attributes())
            }
        }
    };
}

/// The `delegation_id` property (16 `bytes`) of a PRE object.
macro_rules! delegation_id_getter {
    ($py:ident) => {
        #[::pyo3::pymethods]
        impl $py {
            #[getter]
            fn delegation_id<'py>(
                &self,
                py: ::pyo3::Python<'py>,
            ) -> ::pyo3::Bound<'py, ::pyo3::types::PyBytes> {
                $crate::bytes(py, self.0.delegation_id().as_bytes())
            }
        }
    };
}

/// A PRE key or capsule fragment's `delegation_id` and `index` properties and its `repr`,
/// `Name(delegation_id=<hex>, index=<n><suffix>)` (the suffix marks redacted secret parts).
macro_rules! fragment_members {
    ($py:ident, $name:literal, $suffix:literal) => {
        delegation_id_getter!($py);
        getters!($py { index: u8 });
        #[::pyo3::pymethods]
        impl $py {
            fn __repr__(&self) -> String {
                format!(
                    concat!($name, "(delegation_id={}, index={}", $suffix, ")"),
                    $crate::hex(self.0.delegation_id().as_bytes()),
                    self.0.index()
                )
            }
        }
    };
}

/// `__eq__` comparing the wrapped values (`False` for an object of another type).
macro_rules! eq_by_value {
    ($py:ident) => {
        #[::pyo3::pymethods]
        impl $py {
            fn __eq__(&self, other: &::pyo3::Bound<'_, ::pyo3::PyAny>) -> bool {
                other.downcast::<Self>().is_ok_and(|o| o.get().0 == self.0)
            }
        }
    };
}

/// `update(public_params, period)`: a copy of the header or envelope moved to `period` (public
/// parameters only), computed with the GIL released. The literal is the docstring.
macro_rules! update_method {
    ($py:ident, $doc:literal) => {
        #[::pyo3::pymethods]
        impl $py {
            #[doc = $doc]
            fn update(
                &self,
                py: ::pyo3::Python<'_>,
                public_params: &$crate::PyPublicParams,
                period: u64,
            ) -> ::pyo3::PyResult<Self> {
                py.allow_threads(|| {
                    self.0
                        .update(&mut ::rs_habe::rand_core::OsRng, &public_params.0, period)
                })
                .map(Self)
                .map_err($crate::to_py)
            }
        }
    };
}
