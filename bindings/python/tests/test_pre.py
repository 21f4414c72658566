"""PRE v2: key pairs, delegation records, fragments, verification, opening."""

import itertools

import pytest

import rs_habe


def share(pp, t=2, n=3):
    patient, specialist = rs_habe.KeyPair(), rs_habe.KeyPair.random()
    env = rs_habe.Envelope.seal(pp, [("doctor", 0), patient.public_key], b"lab report", aad=b"p")
    kfrags, record = patient.delegate(specialist.public_key, t, n)
    return patient, specialist, env, kfrags, record


def test_pre_flow(pp):
    patient, specialist, env, kfrags, record = share(pp)
    assert env.open(patient, b"p") == b"lab report"
    assert record.threshold == 2 and record.shares == 3
    assert record.owner == patient.public_key and record.receiver == specialist.public_key
    checked = rs_habe.DelegationRecord.from_bytes(record.to_bytes()).check()
    checked.prepare_verification()
    capsule = env.header.capsules()[0].verify(patient.public_key)
    cfrags = []
    for k in kfrags:
        proxy = rs_habe.KeyFrag.from_bytes(k.to_bytes()).verify(checked)
        cf = rs_habe.CapsuleFrag.from_bytes(proxy.reencrypt(capsule).to_bytes())
        cfrags.append(cf.verify(capsule, checked))
    key = checked.delegatee_key(specialist)
    key = rs_habe.DelegateeKey.from_bytes(key.to_bytes())
    for pair in itertools.combinations(cfrags, 2):
        assert env.open((key, list(pair)), b"p") == b"lab report"
    assert all(f.is_for(capsule.capsule) for f in cfrags)
    # The header update leaves capsules alone: fragments still open the moved envelope.
    assert env.update(pp, 5).open((key, cfrags[:2]), b"p") == b"lab report"
    # KEM-level API.
    cap, k = rs_habe.pre_encapsulate(patient.public_key)
    assert patient.decapsulate(cap) == k
    vc = cap.verify(patient.public_key)
    frags = [rs_habe.KeyFrag.from_bytes(kf.to_bytes()).verify(checked).reencrypt(vc).verify(vc, checked)
             for kf in kfrags[:2]]
    assert key.decapsulate(cap, frags) == k


def test_pre_errors(pp):
    patient, specialist, env, kfrags, record = share(pp)
    checked = record.check()
    capsule = env.header.capsules()[0].verify(patient.public_key)
    with pytest.raises(rs_habe.InvalidCapsule):
        env.header.capsules()[0].verify(specialist.public_key)
    with pytest.raises(rs_habe.ReceiverMismatch):
        checked.delegatee_key(patient)
    with pytest.raises(rs_habe.InvalidParameter):
        patient.delegate(specialist.public_key, 3, 2)
    key = checked.delegatee_key(specialist)
    f0 = kfrags[0].verify(checked).reencrypt(capsule).verify(capsule, checked)
    with pytest.raises(rs_habe.NotEnoughFragments):
        env.open((key, [f0]))
    with pytest.raises(rs_habe.DuplicateFragment):
        env.open((key, [f0, f0]))
    with pytest.raises(rs_habe.NotEnoughFragments):
        env.open((key, []))
    # A fragment of another delegation.
    _, _, _, other_kfrags, other_record = share(pp)
    with pytest.raises(rs_habe.FragmentMismatch):
        other_kfrags[0].verify(checked)
    other_checked = other_record.check()
    with pytest.raises(rs_habe.FragmentMismatch):
        other_kfrags[0].verify(other_checked).reencrypt(capsule)
    # A tampered fragment: its proof fails.
    raw = bytearray(kfrags[1].verify(checked).reencrypt(capsule).to_bytes())
    raw[-1] ^= 1
    try:
        bad = rs_habe.CapsuleFrag.from_bytes(bytes(raw))
    except rs_habe.DecodeError:
        pass
    else:
        with pytest.raises(rs_habe.InvalidProof):
            bad.verify(capsule, checked)
    # A forged record (receiver swapped).
    raw = bytearray(record.to_bytes())
    raw[-49] ^= 0  # untouched copy first
    rec2 = rs_habe.DelegationRecord.from_bytes(bytes(raw))
    assert rec2 == record
    with pytest.raises(TypeError):
        env.open((key, [kfrags[0]]))


def test_forged_record_is_refused(pp):
    patient, specialist, env, kfrags, record = share(pp)
    _, _, _, _, other = share(pp)
    # Splice another record's verification keys into this one: the check fails.
    a, b = record.to_bytes(), other.to_bytes()
    forged = a[: len(a) - 48 * 3] + b[len(b) - 48 * 3:]
    with pytest.raises((rs_habe.InvalidDelegation, rs_habe.DecodeError)):
        rs_habe.DelegationRecord.from_bytes(forged).check()
