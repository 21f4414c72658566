"""Revocation, header update (one-shot and batch) and key updates."""

import pytest

import rs_habe


def test_revocation_and_header_update(fresh_authority):
    authority = fresh_authority
    pp = authority.public_params
    doctor = authority.enrol(["doctor", "cardiology"])
    colleague = authority.enrol(["doctor", "cardiology"])
    record = rs_habe.Envelope.seal(pp, [("doctor and cardiology", 7)], b"ECG")
    old_dk = doctor.decryption_key(authority.key_update(9))
    assert record.open(old_dk) == b"ECG"

    authority.revoke(doctor.user_id, 10)
    assert authority.is_revoked(doctor.user_id, 10)
    assert not authority.is_revoked(doctor.user_id, 9)
    ku10 = authority.key_update(10)
    with pytest.raises(rs_habe.Revoked):
        doctor.decryption_key(ku10)
    moved = record.update(pp, 10)
    with pytest.raises(rs_habe.PeriodNotCovered):
        moved.open(old_dk)
    assert moved.open(colleague.decryption_key(ku10)) == b"ECG"
    assert ku10.entry_count >= 2


def test_batch_update(fresh_authority):
    authority = fresh_authority
    pp = authority.public_params
    pp.precompute()
    assert pp.is_precomputed
    reader = authority.enrol(["nurse"])
    revoked = authority.enrol(["nurse"])
    envs = [rs_habe.Envelope.seal(pp, [("nurse", i % 5)], b"r%d" % i) for i in range(20)]
    authority.revoke(revoked.user_id, 12)
    old = revoked.decryption_key(authority.key_update(11))
    new = rs_habe.update_envelope_headers(pp, [e.header.to_bytes() for e in envs], 12)
    assert len(new) == 20
    dk = reader.decryption_key(authority.key_update(12))
    for i, (e, h) in enumerate(zip(envs, new)):
        moved = rs_habe.Envelope.from_bytes(h + e.payload)
        assert moved.open(dk) == b"r%d" % i
        with pytest.raises(rs_habe.PeriodNotCovered):
            moved.open(old)
    # ABE headers through the crate's update_headers.
    hs = [rs_habe.Header.encapsulate(pp, "nurse", 3) for _ in range(5)]
    out = rs_habe.update_headers(pp, [h.to_bytes() for h, _ in hs], 12)
    for (h, key), b in zip(hs, out):
        moved = rs_habe.Header.from_bytes(b)
        assert moved.period == 12 and dk.decapsulate(moved) == key
    assert rs_habe.update_headers(pp, [], 3) == []


def test_batch_update_errors(pp):
    h = rs_habe.Envelope.seal(pp, [("nurse", 5)], b"x").header.to_bytes()
    with pytest.raises(rs_habe.DecodeError) as e:
        rs_habe.update_envelope_headers(pp, [h, h[:-1], h], 6)
    assert e.value.index == 1
    with pytest.raises(rs_habe.PeriodInPast) as e:
        rs_habe.update_envelope_headers(pp, [h, h], 4)
    assert e.value.index == 0
    abe = rs_habe.Header.encapsulate(pp, "a", 5)[0].to_bytes()
    old = rs_habe.Header.encapsulate(pp, "a", 9)[0].to_bytes()
    with pytest.raises(rs_habe.PeriodInPast) as e:
        rs_habe.update_headers(pp, [abe, old], 6)
    assert e.value.index == 1
    with pytest.raises(TypeError):
        rs_habe.update_headers(pp, h, 6)
    with pytest.raises(TypeError):
        rs_habe.update_headers(pp, [1, 2], 6)
