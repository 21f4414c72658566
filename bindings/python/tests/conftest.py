"""Shared fixtures: a small authority (fast), and the Rust interoperability checker."""

import os
import pathlib
import shutil
import subprocess

import pytest

import rs_habe

BINDINGS = pathlib.Path(__file__).resolve().parents[1]
ROOT = BINDINGS.parents[1]

# Small trees keep the suite fast: 2**6 periods; 2**4 users per fresh issuer, 2**10 for the
# session's shared authority (every test enrols its own users there).
TIME_DEPTH = 6
TREE_DEPTH = 4


@pytest.fixture(scope="session")
def authority():
    return rs_habe.Authority.setup(time_depth=TIME_DEPTH, tree_depth=10)


@pytest.fixture(scope="session")
def pp(authority):
    return authority.public_params


@pytest.fixture
def fresh_authority():
    return rs_habe.Authority.setup(time_depth=TIME_DEPTH, tree_depth=TREE_DEPTH)


@pytest.fixture(scope="session")
def interop_bin():
    """The `rs-habe-interop` binary: $RSHABE_INTEROP_BIN, or built here with cargo."""
    path = os.environ.get("RSHABE_INTEROP_BIN")
    if path:
        return pathlib.Path(path)
    cargo = shutil.which("cargo")
    if cargo is None:
        pytest.skip("no cargo and no RSHABE_INTEROP_BIN: cannot run the Rust side")
    subprocess.run(
        [cargo, "build", "--release", "--locked", "-p", "rs-habe-interop"],
        cwd=ROOT,
        check=True,
    )
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "rs-habe-interop"
