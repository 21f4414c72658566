"""Bad input for every decoder: truncations, bit flips, junk, wrong types. Always a raise,
never a crash (a panic would surface as pyo3's PanicException, which is not an rs_habe.Error)."""

import random

import pytest

import rs_habe


@pytest.fixture(scope="module")
def samples():
    a = rs_habe.Authority.setup(time_depth=4, tree_depth=2)
    pp = a.public_params
    sk = a.enrol(["nurse", "ward:3"])
    ku = a.key_update(1)
    dk = sk.decryption_key(ku)
    tk, rk = dk.outsource(pp)
    owner, receiver = rs_habe.KeyPair(), rs_habe.KeyPair()
    env = rs_habe.Envelope.seal(pp, [("nurse", 1), owner.public_key], b"x" * 100)
    kfrags, record = owner.delegate(receiver.public_key, 2, 3)
    checked = record.check()
    capsule = env.header.capsules()[0].verify(owner.public_key)
    cfrag = kfrags[0].verify(checked).reencrypt(capsule)
    header, _ = rs_habe.Header.encapsulate(pp, "nurse", 1)
    guard = rs_habe.FreshnessGuard()
    guard.check(ku)
    return {
        rs_habe.Authority: a.to_bytes(),
        rs_habe.PublicParams: pp.to_bytes(),
        rs_habe.SecretKey: sk.to_bytes(),
        rs_habe.KeyUpdate: ku.to_bytes(),
        rs_habe.DecryptionKey: dk.to_bytes(),
        rs_habe.TransformKey: tk.to_bytes(),
        rs_habe.RetrievalKey: rk.to_bytes(),
        rs_habe.PartialDecryption: env.header.transform(tk).to_bytes(),
        rs_habe.Delegator: rs_habe.Delegator(dk, 2).to_bytes(),
        rs_habe.Header: header.to_bytes(),
        rs_habe.EnvelopeHeader: env.header.to_bytes(),
        rs_habe.Envelope: env.to_bytes(),
        rs_habe.FreshnessGuard: guard.to_bytes(),
        rs_habe.KeyPair: owner.to_bytes(),
        rs_habe.PublicKey: owner.public_key.to_bytes(),
        rs_habe.Capsule: capsule.capsule.to_bytes(),
        rs_habe.DelegationRecord: record.to_bytes(),
        rs_habe.KeyFrag: kfrags[0].to_bytes(),
        rs_habe.CapsuleFrag: cfrag.to_bytes(),
        rs_habe.DelegateeKey: checked.delegatee_key(receiver).to_bytes(),
    }


def decode(cls, data):
    try:
        return cls.from_bytes(data)
    except rs_habe.Error as e:  # DecodeError, or another typed error: a raise, not a crash
        assert not isinstance(e, rs_habe.DecodeError) or isinstance(e.offset, int)
        return None


def test_roundtrip_identical(samples):
    for cls, data in samples.items():
        assert cls.from_bytes(data).to_bytes() == data, cls.__name__


def test_truncations(samples):
    for cls, data in samples.items():
        for n in sorted({0, 1, 5, 6, 7, len(data) // 2, len(data) - 1}):
            if cls is rs_habe.Envelope and n >= len(data) - 100:
                continue  # a shorter payload still decodes (it fails later, when opened)
            with pytest.raises(rs_habe.DecodeError):
                cls.from_bytes(data[:n])
        if cls is not rs_habe.Envelope:
            with pytest.raises(rs_habe.DecodeError) as e:
                cls.from_bytes(data + b"\0")
            assert e.value.kind == "TrailingBytes" and e.value.offset == len(data)


def test_wrong_object_type(samples):
    items = list(samples.items())
    for cls, _ in items:
        for other, data in items:
            if other is cls or {cls, other} <= {rs_habe.Envelope, rs_habe.EnvelopeHeader}:
                continue
            with pytest.raises(rs_habe.DecodeError):
                cls.from_bytes(data)


def test_bit_flips_and_junk(samples):
    rng = random.Random(7)
    for cls, data in samples.items():
        for _ in range(25):
            b = bytearray(data)
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
            decode(cls, bytes(b))
        for n in (0, 3, 64, 600):
            decode(cls, bytes(rng.getrandbits(8) for _ in range(n)))
        decode(cls, data[:6] + bytes(rng.getrandbits(8) for _ in range(200)))
        decode(cls, data[:6] + b"\xff" * 64)


def test_wrong_python_types(samples):
    for cls in samples:
        for bad in (None, 3, "text", [1, 2]):
            with pytest.raises(TypeError):
                cls.from_bytes(bad)
    # bytearray is accepted where large inputs are expected
    env = samples[rs_habe.Envelope]
    assert rs_habe.Envelope.from_bytes(bytearray(env)).to_bytes() == env
    with pytest.raises(ValueError):
        rs_habe.UserId(b"short", 1)
    with pytest.raises(rs_habe.DecodeError):
        rs_habe.split_envelope(b"\0" * 10)
