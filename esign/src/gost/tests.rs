//! The standard's worked examples (GOST R 34.10-2012 appendix A, RFC 7091
//! section 7), and a sanity check of every curve's numbers. Signatures made
//! by OpenSSL's GOST engine are verified in `esign/tests/cms/gost.rs`.

use num_bigint::BigUint;

use super::curves::{self, Curve};
use super::point::{Point, on_curve};
use super::{PublicKey, verify};

fn int(hex: &str) -> BigUint {
    BigUint::parse_bytes(hex.as_bytes(), 16).unwrap()
}

/// One example: the curve, the public key Q, e (the digest as a number),
/// and the signature (r, s).
struct Example {
    curve: Curve,
    qx: BigUint,
    qy: BigUint,
    e: BigUint,
    r: BigUint,
    s: BigUint,
}

/// Example A.1: 256-bit.
fn a1() -> Example {
    Example {
        curve: curves::test_curves().0,
        qx: int("7F2B49E270DB6D90D8595BEC458B50C58585BA1D4E9B788F6689DBD8E56FD80B"),
        qy: int("26F1B489D6701DD185C8413A977B3CBBAF64D1C593D26627DFFB101A87FF77DA"),
        e: int("2DFBC1B372D89A1188C09C52E0EEC61FCE52032AB1022E8E67ECE6672B043EE5"),
        r: int("41AA28D2F1AB148280CD9ED56FEDA41974053554A42767B83AD043FD39DC0493"),
        s: int("01456C64BA4642A1653C235A98A60249BCD6D3F746B631DF928014F6C5BF9C40"),
    }
}

/// Example A.2: 512-bit.
fn a2() -> Example {
    Example {
        curve: curves::test_curves().1,
        qx: int(concat!(
            "115DC5BC96760C7B48598D8AB9E740D4C4A85A65BE33C1815B5C320C854621DD",
            "5A515856D13314AF69BC5B924C8B4DDFF75C45415C1D9DD9DD33612CD530EFE1"
        )),
        qy: int(concat!(
            "37C7C90CD40B0F5621DC3AC1B751CFA0E2634FA0503B3D52639F5D7FB72AFD61",
            "EA199441D943FFE7F0C70A2759A3CDB84C114E1F9339FDF27F35ECA93677BEEC"
        )),
        e: int(concat!(
            "3754F3CFACC9E0615C4F4A7C4D8DAB531B09B6F9C170C533A71D147035B0C591",
            "7184EE536593F4414339976C647C5D5A407ADEDB1D560C4FC6777D2972075B8C"
        )),
        r: int(concat!(
            "2F86FA60A081091A23DD795E1E3C689EE512A3C82EE0DCC2643C78EEA8FCACD3",
            "5492558486B20F1C9EC197C90699850260C93BCBCD9C5C3317E19344E173AE36"
        )),
        s: int(concat!(
            "1081B394696FFE8E6585E7A9362D26B6325F56778AADBC081C0BFBE933D52FF5",
            "823CE288E8C4F362526080DF7F70CE406A6EEB1F56919CB92A9853BDE73E5B4A"
        )),
    }
}

impl Example {
    fn verifies(&self, e: &BigUint, r: &BigUint, s: &BigUint) -> bool {
        verify(&self.curve, &self.qx, &self.qy, e, r, s)
    }
}

#[test]
fn standard_examples_verify() {
    for ex in [a1(), a2()] {
        assert!(on_curve(&ex.qx, &ex.qy, &ex.curve), "{}", ex.curve.name);
        assert!(ex.verifies(&ex.e, &ex.r, &ex.s), "{}", ex.curve.name);
    }
}

#[test]
fn standard_examples_refuse_any_change() {
    let one = BigUint::from(1u32);
    for ex in [a1(), a2()] {
        let name = ex.curve.name;
        assert!(
            !ex.verifies(&(&ex.e + &one), &ex.r, &ex.s),
            "{name}: digest"
        );
        assert!(!ex.verifies(&ex.e, &(&ex.r + &one), &ex.s), "{name}: r");
        assert!(!ex.verifies(&ex.e, &ex.r, &(&ex.s ^ &one)), "{name}: s");
        assert!(!ex.verifies(&ex.e, &ex.s, &ex.r), "{name}: r and s swapped");
        // Another key: the base point itself.
        assert!(
            !verify(&ex.curve, &ex.curve.x, &ex.curve.y, &ex.e, &ex.r, &ex.s),
            "{name}: key"
        );
        // Out of range: s + q is s modulo q, which the arithmetic alone would
        // accept; the standard refuses s ≥ q (and r ≥ q).
        assert!(
            !ex.verifies(&ex.e, &ex.r, &(&ex.s + &ex.curve.q)),
            "{name}: s + q"
        );
        assert!(
            !ex.verifies(&ex.e, &(&ex.r + &ex.curve.q), &ex.s),
            "{name}: r + q"
        );
        assert!(!ex.verifies(&ex.e, &BigUint::ZERO, &ex.s), "{name}: r = 0");
        assert!(!ex.verifies(&ex.e, &ex.r, &BigUint::ZERO), "{name}: s = 0");
    }
}

/// The byte forms CMS and certificates use: the digest little-endian, the
/// signature s || r big-endian, the key x || y little-endian.
#[test]
fn standard_example_through_the_byte_encodings() {
    let ex = a1();
    let curve: &'static Curve = Box::leak(Box::new(ex.curve));
    let le = |n: &BigUint| {
        let mut bytes = n.to_bytes_le();
        bytes.resize(32, 0);
        bytes
    };
    let be = |n: &BigUint| {
        let bytes = n.to_bytes_be();
        [vec![0; 32 - bytes.len()], bytes].concat()
    };
    let key = PublicKey::from_le_bytes(curve, &[le(&ex.qx), le(&ex.qy)].concat()).unwrap();
    let digest = le(&ex.e);
    let signature = [be(&ex.s), be(&ex.r)].concat();
    assert!(key.verify_digest(&digest, &signature));

    let r_then_s = [be(&ex.r), be(&ex.s)].concat();
    assert!(!key.verify_digest(&digest, &r_then_s));
    let mut digest_be = digest.clone();
    digest_be.reverse();
    assert!(!key.verify_digest(&digest_be, &signature));
    assert!(!key.verify_digest(&digest, &signature[..63]));
    assert!(!key.verify_digest(&digest[..31], &signature));
    // A key that is not on the curve is not a key.
    assert!(PublicKey::from_le_bytes(curve, &[le(&ex.qx), le(&ex.qx)].concat()).is_none());
    assert!(PublicKey::from_le_bytes(curve, &le(&ex.qx)).is_none());
}

/// Each production curve's base point is on the curve and has order q: a
/// wrong digit in any constant fails one of the two.
#[test]
fn every_curve_is_consistent() {
    let mut seen = 0;
    for curve in curves::all() {
        seen += 1;
        assert!(on_curve(&curve.x, &curve.y, curve), "{}", curve.name);
        let base = Point::affine(curve.x.clone(), curve.y.clone());
        let zero = BigUint::ZERO;
        let q_times = Point::mul_add(&curve.q, &base, &zero, &base, curve);
        assert!(q_times.affine_x(curve).is_none(), "{}: q·G ≠ O", curve.name);
        let q_minus_one = &curve.q - 1u32;
        let almost = Point::mul_add(&q_minus_one, &base, &zero, &base, curve);
        assert_eq!(
            almost.affine_x(curve),
            Some(curve.x.clone()),
            "{}: (q−1)·G ≠ −G",
            curve.name
        );
    }
    assert_eq!(seen, 7);
}
