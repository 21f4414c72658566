"""Correctness and access control over random policies (seeded, so failures reproduce)."""

import random

import pytest

import rs_habe

UNIVERSE = [f"a{i}" for i in range(8)]


def random_policy(rng, depth=0):
    """A random policy text and an evaluator for attribute sets."""
    if depth >= 2 or rng.random() < 0.35:
        name = rng.choice(UNIVERSE)
        return name, lambda s, n=name: n in s
    n = rng.randint(2, 4)
    kids = [random_policy(rng, depth + 1) for _ in range(n)]
    texts = [f"({t})" for t, _ in kids]
    op = rng.choice(["and", "or", "of"])
    if op == "and":
        return " and ".join(texts), lambda s: all(f(s) for _, f in kids)
    if op == "or":
        return " or ".join(texts), lambda s: any(f(s) for _, f in kids)
    k = rng.randint(1, n)
    return f"{k} of ({', '.join(texts)})", lambda s: sum(f(s) for _, f in kids) >= k


@pytest.mark.parametrize("seed", range(12))
def test_random_policies(seed, authority, pp):
    rng = random.Random(seed)
    text, holds = random_policy(rng)
    policy = rs_habe.Policy(text)
    seal_period = rng.randint(0, 20)
    env = rs_habe.Envelope.seal(pp, [(policy, seal_period)], b"record %d" % seed, aad=b"s")
    for _ in range(3):
        attrs = set(rng.sample(UNIVERSE, rng.randint(1, len(UNIVERSE))))
        assert policy.is_satisfied_by(attrs) == holds(attrs), (text, attrs)
        key_period = rng.randint(0, 30)
        dk = authority.enrol(attrs).decryption_key(authority.key_update(key_period))
        # The period is checked first (public data), then the policy.
        if key_period < seal_period:
            with pytest.raises(rs_habe.PeriodNotCovered):
                env.open(dk, b"s")
        elif not holds(attrs):
            with pytest.raises(rs_habe.PolicyNotSatisfied):
                env.open(dk, b"s")
        else:
            assert env.open(dk, b"s") == b"record %d" % seed
    # After a header update the record still opens for a satisfying, current key.
    target = rng.randint(seal_period, 40)
    moved = rs_habe.Envelope.from_bytes(env.update(pp, target).to_bytes())
    full = authority.enrol(UNIVERSE).decryption_key(authority.key_update(target))
    if holds(set(UNIVERSE)):
        assert moved.open(full, b"s") == b"record %d" % seed


def test_repeated_attributes(authority, pp):
    env = rs_habe.Envelope.seal(pp, [("2 of (a, a, b)", 0)], b"r")
    only_b = authority.enrol(["b"]).decryption_key(authority.key_update(0))
    with pytest.raises(rs_habe.PolicyNotSatisfied):
        env.open(only_b)
    ab = authority.enrol(["a", "b"]).decryption_key(authority.key_update(0))
    assert env.open(ab) == b"r"


def test_several_recipients(authority, pp):
    owner = rs_habe.KeyPair()
    env = rs_habe.Envelope.seal(
        pp, [("doctor", 1), (rs_habe.Policy("nurse"), 2), owner.public_key], b"multi")
    assert env.header.recipient_count == 3
    assert len(env.header.policy_headers()) == 2 and len(env.header.capsules()) == 1
    nurse = authority.enrol(["nurse"]).decryption_key(authority.key_update(2))
    assert env.open(nurse) == b"multi"
    assert env.open(owner) == b"multi"
