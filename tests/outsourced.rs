//! Outsourced decryption and the cloud's batch update.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::*;
use rs_habe::{
    update_headers, Authority, Envelope, Error, Header, Opener, PartialDecryption, Recipient,
    RetrievalKey, SetupParams, TransformKey,
};

#[test]
fn outsourced_decryption_recovers_the_key_and_garbage_is_rejected() {
    let mut rng = rng(11);
    let mut authority = Authority::setup(&mut rng, SetupParams::new(8, 3)).unwrap();
    let pp = authority.public_params().clone();
    let sk = authority
        .enrol(&mut rng, &set(&["nurse", "ward:3"]))
        .unwrap();
    let dk = sk
        .decryption_key(&authority.key_update(&mut rng, 40).unwrap())
        .unwrap();
    let policy = parse("nurse and ward:3");
    let other = parse("doctor");
    let envelope = Envelope::seal(
        &mut rng,
        &pp,
        &[
            Recipient::Policy {
                policy: &other,
                period: 3,
            },
            Recipient::Policy {
                policy: &policy,
                period: 30,
            },
        ],
        b"ad",
        b"blood pressure 120/80",
    )
    .unwrap();

    let (transform, retrieval) = dk.outsource(&mut rng, &pp).unwrap();
    // The keys travel through their encodings.
    let transform = TransformKey::from_bytes(&transform.to_bytes()).unwrap();
    let retrieval = RetrievalKey::from_bytes(&retrieval.to_bytes()).unwrap();
    let header = Envelope::from_bytes(&envelope.to_bytes()).unwrap();
    let partial = header.header().transform(&transform).unwrap();
    assert_eq!(partial.slot(), 1, "the first policy the key satisfies");
    let partial = PartialDecryption::from_bytes(&partial.to_bytes()).unwrap();
    let opener = Opener::Outsourced {
        retrieval_key: &retrieval,
        partial: &partial,
    };
    assert_eq!(
        &header.open(opener, b"ad").unwrap()[..],
        b"blood pressure 120/80"
    );

    // Only the matching retrieval key finishes a partial result.
    let (h, key) = Header::encapsulate(&mut rng, &pp, &policy, 5).unwrap();
    let blinded = transform.transform(&h).unwrap();
    assert_eq!(*retrieval.finish(&h, &blinded).unwrap(), *key);
    let (_, other_retrieval) = dk.outsource(&mut rng, &pp).unwrap();
    assert_ne!(
        *other_retrieval.finish(&h, &blinded).unwrap(),
        *key,
        "another retrieval key must not finish it"
    );

    // A server returning garbage (another header's partial result): the AEAD rejects.
    let (wrong_header, _) = Header::encapsulate(&mut rng, &pp, &policy, 5).unwrap();
    let mut garbage = transform.transform(&wrong_header).unwrap().to_bytes();
    garbage[6..10].copy_from_slice(&1u32.to_be_bytes());
    let garbage = PartialDecryption::from_bytes(&garbage).unwrap();
    let opener = Opener::Outsourced {
        retrieval_key: &retrieval,
        partial: &garbage,
    };
    assert_eq!(header.open(opener, b"ad").err(), Some(Error::Decryption));

    // Public facts are decided by the server as by a decryption key.
    let (late, _) = Header::encapsulate(&mut rng, &pp, &policy, 41).unwrap();
    assert_eq!(
        transform.transform(&late).err(),
        Some(Error::PeriodNotCovered)
    );
    let (unsat, _) = Header::encapsulate(&mut rng, &pp, &other, 4).unwrap();
    assert_eq!(
        transform.transform(&unsat).err(),
        Some(Error::PolicyNotSatisfied)
    );
}

#[test]
fn batch_update_moves_every_header_and_keeps_keys() {
    let mut rng = rng(12);
    let mut authority = Authority::setup(&mut rng, SetupParams::new(10, 3)).unwrap();
    let pp = authority.public_params().clone();
    let sk = authority.enrol(&mut rng, &set(&["doctor"])).unwrap();
    let dk = sk
        .decryption_key(&authority.key_update(&mut rng, 600).unwrap())
        .unwrap();
    let policy = parse("doctor or nurse");
    let (mut headers, keys): (Vec<Header>, Vec<_>) = (0..12)
        .map(|t| Header::encapsulate(&mut rng, &pp, &policy, t * 37).unwrap())
        .unzip();
    update_headers(&mut rng, &pp, &mut headers, 500).unwrap();
    for (h, k) in headers.iter().zip(&keys) {
        assert_eq!(h.period(), 500);
        assert_eq!(*dk.decapsulate(h).unwrap(), **k);
    }
    // All or nothing: one header already past the target period fails the whole batch.
    let (late, _) = Header::encapsulate(&mut rng, &pp, &policy, 900).unwrap();
    headers.push(late);
    let before = headers.clone();
    assert_eq!(
        update_headers(&mut rng, &pp, &mut headers, 600).err(),
        Some(Error::PeriodInPast)
    );
    assert_eq!(headers, before);
}
