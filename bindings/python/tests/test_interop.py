"""Objects made in Python open in Rust and the reverse, through their bytes.

The Rust side is `rs-habe-interop` (bindings/python/interop): `make DIR` writes one object of
every kind made in Rust, `check DIR` reads the same files made here and checks that each
re-encodes to the same bytes and that the envelopes open with every kind of opener."""

import subprocess

import rs_habe

POLICY = "nurse and ward:3"
SEAL_PERIOD, MOVED_PERIOD = 2, 5
AAD = b"interop"
NAMES = {
    "authority": rs_habe.Authority, "pp": rs_habe.PublicParams, "sk": rs_habe.SecretKey,
    "ku": rs_habe.KeyUpdate, "dk": rs_habe.DecryptionKey, "owner": rs_habe.KeyPair,
    "owner_pk": rs_habe.PublicKey, "receiver": rs_habe.KeyPair,
    "record": rs_habe.DelegationRecord, "kfrag0": rs_habe.KeyFrag, "kfrag1": rs_habe.KeyFrag,
    "kfrag2": rs_habe.KeyFrag, "cfrag0": rs_habe.CapsuleFrag, "cfrag1": rs_habe.CapsuleFrag,
    "cfrag2": rs_habe.CapsuleFrag, "capsule": rs_habe.Capsule, "delegatee": rs_habe.DelegateeKey,
    "envelope": rs_habe.Envelope, "envelope_header": rs_habe.EnvelopeHeader,
    "moved": rs_habe.Envelope, "header": rs_habe.Header, "tk": rs_habe.TransformKey,
    "rk": rs_habe.RetrievalKey, "partial": rs_habe.PartialDecryption,
    "delegator": rs_habe.Delegator, "child": rs_habe.SecretKey, "child_ku": rs_habe.KeyUpdate,
    "guard": rs_habe.FreshnessGuard,
}


def make_in_python(d):
    a = rs_habe.Authority.setup(time_depth=6, tree_depth=4)
    pp = a.public_params
    sk = a.enrol(["nurse", "ward:3", "icu"])
    ku = a.key_update(MOVED_PERIOD)
    dk = sk.decryption_key(ku)
    owner, receiver = rs_habe.KeyPair(), rs_habe.KeyPair()
    kfrags, record = owner.delegate(receiver.public_key, 2, 3)
    plaintext = b"made in Python: blood pressure 120/80"
    env = rs_habe.Envelope.seal(pp, [(POLICY, SEAL_PERIOD), owner.public_key], plaintext, AAD)
    moved = env.update(pp, MOVED_PERIOD)
    checked = record.check()
    capsule = env.header.capsules()[0].verify(owner.public_key)
    cfrags = [k.verify(checked).reencrypt(capsule) for k in kfrags]
    header, key = rs_habe.Header.encapsulate(pp, POLICY, SEAL_PERIOD)
    tk, rk = dk.outsource(pp)
    delegator = rs_habe.Delegator(dk, 3)
    child = delegator.enrol(pp, ["nurse"])
    child_ku = delegator.key_update(pp, dk)
    guard = rs_habe.FreshnessGuard()
    guard.check(ku)
    objs = {
        "authority": a, "pp": pp, "sk": sk, "ku": ku, "dk": dk, "owner": owner,
        "owner_pk": owner.public_key, "receiver": receiver, "record": record,
        "capsule": capsule.capsule, "delegatee": checked.delegatee_key(receiver),
        "envelope": env, "envelope_header": env.header, "moved": moved, "header": header,
        "tk": tk, "rk": rk, "partial": moved.header.transform(tk), "delegator": delegator,
        "child": child, "child_ku": child_ku, "guard": guard,
    }
    for i, k in enumerate(kfrags):
        objs[f"kfrag{i}"] = k
    for i, c in enumerate(cfrags):
        objs[f"cfrag{i}"] = c
    for name, obj in objs.items():
        (d / f"{name}.bin").write_bytes(obj.to_bytes())
    (d / "plaintext.bin").write_bytes(plaintext)
    (d / "header_key.bin").write_bytes(key)


def test_python_objects_open_in_rust(tmp_path, interop_bin):
    make_in_python(tmp_path)
    out = subprocess.run([str(interop_bin), "check", str(tmp_path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "FAILED" not in out.stdout and out.stdout.count("ok ") >= 40


def test_rust_objects_open_in_python(tmp_path, interop_bin):
    subprocess.run([str(interop_bin), "make", str(tmp_path)], check=True)
    raw = {p.stem: p.read_bytes() for p in tmp_path.glob("*.bin")}
    objs = {}
    for name, cls in NAMES.items():
        objs[name] = cls.from_bytes(raw[name])
        assert objs[name].to_bytes() == raw[name], name  # identical bytes both ways
    plaintext = raw["plaintext"]
    dk, env, moved = objs["dk"], objs["envelope"], objs["moved"]
    assert env.open(dk, AAD) == plaintext
    assert moved.open(dk, AAD) == plaintext
    assert env.open(objs["owner"], AAD) == plaintext
    assert env.header == objs["envelope_header"]
    assert objs["sk"].decryption_key(objs["ku"]).period == MOVED_PERIOD
    checked = objs["record"].check()
    capsule = env.header.capsules()[0].verify(objs["owner_pk"])
    assert capsule.capsule == objs["capsule"]
    frags = [objs[f"cfrag{i}"].verify(capsule, checked) for i in range(3)]
    key = checked.delegatee_key(objs["receiver"])
    assert key.to_bytes() == raw["delegatee"]
    assert moved.open((objs["delegatee"], frags[1:]), AAD) == plaintext
    # Fragments made in Python from Rust's key fragments also verify.
    own = [objs[f"kfrag{i}"].verify(checked).reencrypt(capsule).verify(capsule, checked) for i in range(2)]
    assert moved.open((key, own), AAD) == plaintext
    assert dk.decapsulate(objs["header"]) == raw["header_key"]
    assert moved.open((objs["rk"], objs["partial"]), AAD) == plaintext
    assert moved.open((objs["rk"], moved.header.transform(objs["tk"])), AAD) == plaintext
    child_dk = objs["child"].decryption_key(objs["child_ku"])
    pp = objs["pp"]
    assert rs_habe.Envelope.seal(pp, [("nurse", 1)], b"c").open(child_dk) == b"c"
    # Python updates a Rust header; the payload is unchanged and it opens.
    moved2 = rs_habe.update_envelope_headers(pp, [raw["envelope_header"]], 6)[0]
    assert rs_habe.Envelope.from_bytes(moved2 + env.payload).open(
        objs["authority"].enrol(["nurse", "ward:3"]).decryption_key(objs["authority"].key_update(6)), AAD
    ) == plaintext
    assert objs["guard"].newest(objs["ku"].issuer_id) == objs["ku"].counter
