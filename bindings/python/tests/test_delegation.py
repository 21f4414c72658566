"""Hierarchy: delegators enrol children, publish their updates, and revocation cascades."""

import pytest

import rs_habe


def test_delegation_and_cascade(fresh_authority):
    authority = fresh_authority
    pp = authority.public_params
    admin = authority.enrol(["staff", "cardiology", "oncology"])
    admin_dk = admin.decryption_key(authority.key_update(3))
    delegator = rs_habe.Delegator(admin_dk, tree_depth=3)
    assert delegator.user_id == admin.user_id
    assert delegator.attributes == ["cardiology", "oncology", "staff"]
    head = delegator.enrol(pp, ["staff", "cardiology"])
    with pytest.raises(rs_habe.NotASubset) as e:
        delegator.enrol(pp, ["staff", "surgery"])
    assert e.value.attributes == ["surgery"]

    record = rs_habe.Envelope.seal(pp, [("staff and cardiology", 3)], b"chart")
    ku = delegator.key_update(pp, admin_dk)
    assert ku.attributes == ["cardiology", "oncology", "staff"]
    assert record.open(head.decryption_key(ku)) == b"chart"

    # A second level.
    head_dk = head.decryption_key(ku)
    head_delegator = rs_habe.Delegator(head_dk, 2)
    nurse = head_delegator.enrol(pp, ["staff"])
    staff_record = rs_habe.Envelope.seal(pp, [("staff", 3)], b"roster")
    assert staff_record.open(nurse.decryption_key(head_delegator.key_update(pp, head_dk))) == b"roster"

    # Revoking the admin at 4 darkens the whole subtree.
    authority.revoke(admin.user_id, 4)
    with pytest.raises(rs_habe.Revoked):
        admin.decryption_key(authority.key_update(4))
    moved = staff_record.update(pp, 4)
    old_nurse_dk = nurse.decryption_key(head_delegator.key_update(pp, head_dk))
    with pytest.raises(rs_habe.PeriodNotCovered):
        moved.open(old_nurse_dk)

    # Delegator revocation of a child.
    delegator.revoke(head.user_id, 3)
    assert delegator.is_revoked(head.user_id, 3)
    with pytest.raises(rs_habe.Revoked):
        head.decryption_key(delegator.key_update(pp, admin_dk))

    # State round trip, byte for byte.
    d2 = rs_habe.Delegator.from_bytes(delegator.to_bytes())
    assert d2.to_bytes() == delegator.to_bytes()
    assert d2.counter == delegator.counter
    assert "Delegator(" in repr(d2)
