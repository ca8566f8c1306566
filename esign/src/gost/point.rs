//! Point arithmetic on a short Weierstrass curve over the prime field of
//! `curve.p`, in Jacobian coordinates (X, Y, Z) = affine (X/Z², Y/Z³), so
//! that a scalar multiplication needs one field inversion, at the end.
//!
//! Verification only handles public data, so nothing here tries to be
//! constant time.

use num_bigint::BigUint;

use super::curves::Curve;

/// A point; `z == 0` is the point at infinity.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    x: BigUint,
    y: BigUint,
    z: BigUint,
}

/// Field operations modulo `curve.p`; every value kept reduced.
struct Field<'a>(&'a BigUint);

impl Field<'_> {
    fn add(&self, a: &BigUint, b: &BigUint) -> BigUint {
        (a + b) % self.0
    }
    fn sub(&self, a: &BigUint, b: &BigUint) -> BigUint {
        (a + self.0 - b) % self.0
    }
    fn mul(&self, a: &BigUint, b: &BigUint) -> BigUint {
        (a * b) % self.0
    }
    fn small(&self, k: u32, a: &BigUint) -> BigUint {
        (a * k) % self.0
    }
    /// Fermat: a^(p-2), p being prime.
    fn inv(&self, a: &BigUint) -> BigUint {
        a.modpow(&(self.0 - 2u32), self.0)
    }
}

impl Point {
    pub(crate) fn infinity() -> Point {
        Point {
            x: BigUint::ZERO,
            y: BigUint::from(1u32),
            z: BigUint::ZERO,
        }
    }

    /// An affine point; the caller has checked it lies on the curve.
    pub(crate) fn affine(x: BigUint, y: BigUint) -> Point {
        Point {
            x,
            y,
            z: BigUint::from(1u32),
        }
    }

    fn is_infinity(&self) -> bool {
        self.z == BigUint::ZERO
    }

    /// The affine x coordinate, `None` at infinity.
    pub(crate) fn affine_x(&self, curve: &Curve) -> Option<BigUint> {
        if self.is_infinity() {
            return None;
        }
        let f = Field(&curve.p);
        let zinv = f.inv(&self.z);
        Some(f.mul(&self.x, &f.mul(&zinv, &zinv)))
    }

    fn double(&self, curve: &Curve) -> Point {
        if self.is_infinity() || self.y == BigUint::ZERO {
            return Point::infinity();
        }
        let f = Field(&curve.p);
        let yy = f.mul(&self.y, &self.y);
        let zz = f.mul(&self.z, &self.z);
        // S = 4·X·Y², M = 3·X² + a·Z⁴
        let s = f.small(4, &f.mul(&self.x, &yy));
        let m = f.add(
            &f.small(3, &f.mul(&self.x, &self.x)),
            &f.mul(&curve.a, &f.mul(&zz, &zz)),
        );
        // X3 = M² − 2S, Y3 = M·(S − X3) − 8·Y⁴, Z3 = 2·Y·Z
        let x3 = f.sub(&f.mul(&m, &m), &f.small(2, &s));
        let y3 = f.sub(&f.mul(&m, &f.sub(&s, &x3)), &f.small(8, &f.mul(&yy, &yy)));
        let z3 = f.small(2, &f.mul(&self.y, &self.z));
        Point {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    fn add(&self, other: &Point, curve: &Curve) -> Point {
        if self.is_infinity() {
            return other.clone();
        }
        if other.is_infinity() {
            return self.clone();
        }
        let f = Field(&curve.p);
        let z1z1 = f.mul(&self.z, &self.z);
        let z2z2 = f.mul(&other.z, &other.z);
        let u1 = f.mul(&self.x, &z2z2);
        let u2 = f.mul(&other.x, &z1z1);
        let s1 = f.mul(&self.y, &f.mul(&other.z, &z2z2));
        let s2 = f.mul(&other.y, &f.mul(&self.z, &z1z1));
        if u1 == u2 {
            return if s1 == s2 {
                self.double(curve)
            } else {
                Point::infinity()
            };
        }
        // H = U2 − U1, R = S2 − S1
        let h = f.sub(&u2, &u1);
        let r = f.sub(&s2, &s1);
        let hh = f.mul(&h, &h);
        let hhh = f.mul(&h, &hh);
        let u1hh = f.mul(&u1, &hh);
        // X3 = R² − H³ − 2·U1·H², Y3 = R·(U1·H² − X3) − S1·H³, Z3 = H·Z1·Z2
        let x3 = f.sub(&f.sub(&f.mul(&r, &r), &hhh), &f.small(2, &u1hh));
        let y3 = f.sub(&f.mul(&r, &f.sub(&u1hh, &x3)), &f.mul(&s1, &hhh));
        let z3 = f.mul(&h, &f.mul(&self.z, &other.z));
        Point {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// k1·P1 + k2·P2 in one pass over the bits (Shamir's trick).
    pub(crate) fn mul_add(
        k1: &BigUint,
        p1: &Point,
        k2: &BigUint,
        p2: &Point,
        curve: &Curve,
    ) -> Point {
        let both = p1.add(p2, curve);
        let mut acc = Point::infinity();
        for i in (0..k1.bits().max(k2.bits())).rev() {
            acc = acc.double(curve);
            acc = match (k1.bit(i), k2.bit(i)) {
                (true, true) => acc.add(&both, curve),
                (true, false) => acc.add(p1, curve),
                (false, true) => acc.add(p2, curve),
                (false, false) => acc,
            };
        }
        acc
    }
}

/// Whether affine (x, y) lies on the curve: y² = x³ + ax + b (mod p).
pub(crate) fn on_curve(x: &BigUint, y: &BigUint, curve: &Curve) -> bool {
    if x >= &curve.p || y >= &curve.p {
        return false;
    }
    let f = Field(&curve.p);
    let rhs = f.add(
        &f.add(&f.mul(x, &f.mul(x, x)), &f.mul(&curve.a, x)),
        &curve.b,
    );
    f.mul(y, y) == rhs
}
