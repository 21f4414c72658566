//! scratch timing
use rand::SeedableRng;
use rs_habe::*;
use std::time::Instant;
fn main() {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    let mut a = Authority::setup(&mut rng, SetupParams::default()).unwrap();
    let pp = a.public_params().clone();
    let attrs: Vec<String> = (0..10).map(|i| format!("a{i}")).collect();
    let pol = Policy::parse(&attrs.join(" and ")).unwrap();
    let set = AttributeSet::new(&attrs).unwrap();
    let time = |name: &str, f: &mut dyn FnMut()| {
        f();
        let n = 10;
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        println!(
            "{name}: {:.2} ms",
            t.elapsed().as_secs_f64() * 1e3 / n as f64
        );
    };
    time("encrypt plain", &mut || {
        Header::encapsulate(&mut rng.clone(), &pp, &pol, 1000).unwrap();
    });
    let t = Instant::now();
    pp.precompute();
    println!("precompute {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    time("encrypt tables", &mut || {
        Header::encapsulate(&mut rng.clone(), &pp, &pol, 1000).unwrap();
    });
    let sk = a
        .enrol(&mut rng, &AttributeSet::new(&attrs[..5]).unwrap())
        .unwrap();
    let ku = a.key_update(&mut rng, 1000).unwrap();
    let dk = sk.decryption_key(&ku).unwrap();
    let sk10 = a.enrol(&mut rng, &set).unwrap();
    let dk10 = sk10.decryption_key(&ku).unwrap();
    dk10.prepare();
    let (h, _) = Header::encapsulate(&mut rng, &pp, &pol, 1000).unwrap();
    time("decrypt and-10", &mut || {
        dk10.decapsulate(&h).unwrap();
    });
    time("enrol 5", &mut || {
        a.enrol(&mut rng.clone(), &AttributeSet::new(&attrs[..5]).unwrap())
            .unwrap();
    });
    time("key update (1 entry)", &mut || {
        a.key_update(&mut rng.clone(), 1000).unwrap();
    });
    time("update T->T+1", &mut || {
        h.update(&mut rng.clone(), &pp, 1001).unwrap();
    });
    let _ = dk;
}
