//! Geometry in display space (the page's `/Rotate` applied): rectangles,
//! PDF matrices, and the page rotation.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rect {
    pub(super) x0: f32,
    pub(super) y0: f32,
    pub(super) x1: f32,
    pub(super) y1: f32,
}

impl Rect {
    pub(super) fn from_points(pts: &[(f32, f32)]) -> Option<Rect> {
        let mut r = Rect {
            x0: f32::INFINITY,
            y0: f32::INFINITY,
            x1: f32::NEG_INFINITY,
            y1: f32::NEG_INFINITY,
        };
        for &(x, y) in pts {
            if !x.is_finite() || !y.is_finite() {
                return None;
            }
            r.x0 = r.x0.min(x);
            r.y0 = r.y0.min(y);
            r.x1 = r.x1.max(x);
            r.y1 = r.y1.max(y);
        }
        (r.x0 <= r.x1 && r.y0 <= r.y1).then_some(r)
    }
    pub(super) fn w(&self) -> f32 {
        self.x1 - self.x0
    }
    pub(super) fn h(&self) -> f32 {
        self.y1 - self.y0
    }
    pub(super) fn area(&self) -> f32 {
        self.w() * self.h()
    }
    pub(super) fn cx(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
    pub(super) fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
    pub(super) fn inter(&self, o: &Rect) -> f32 {
        let w = self.x1.min(o.x1) - self.x0.max(o.x0);
        let h = self.y1.min(o.y1) - self.y0.max(o.y0);
        if w > 0.0 && h > 0.0 {
            w * h
        } else {
            0.0
        }
    }
    pub(super) fn union(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
}

pub(super) type Matrix = [f32; 6];
pub(super) const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b` (PDF row-vector convention: p' = p x a x b).
pub(super) fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

pub(super) fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

pub(super) fn map_rect(m: &Matrix, r: &Rect) -> Option<Rect> {
    Rect::from_points(&[
        apply(m, r.x0, r.y0),
        apply(m, r.x1, r.y0),
        apply(m, r.x0, r.y1),
        apply(m, r.x1, r.y1),
    ])
}

/// The page's `/Rotate` as a matrix into display space (y up), so that
/// "above" and "left of" mean what a reader sees.
pub(super) struct Rotation(pub(super) Matrix);

impl Rotation {
    pub(super) fn rect(&self, r: &Rect) -> Rect {
        map_rect(&self.0, r).unwrap_or(*r)
    }
}

pub(super) fn rotation(doc: &Document, page_id: ObjectId) -> Rotation {
    let mut node = doc.get_dictionary(page_id).ok();
    let mut rotate = 0;
    for _ in 0..32 {
        let Some(d) = node else { break };
        if let Ok(r) = d.get(b"Rotate").and_then(Object::as_i64) {
            rotate = r;
            break;
        }
        node = d
            .get(b"Parent")
            .ok()
            .and_then(|p| p.as_reference().ok())
            .and_then(|id| doc.get_dictionary(id).ok());
    }
    Rotation(match rotate.rem_euclid(360) {
        90 => [0.0, -1.0, 1.0, 0.0, 0.0, 0.0],
        180 => [-1.0, 0.0, 0.0, -1.0, 0.0, 0.0],
        270 => [0.0, 1.0, -1.0, 0.0, 0.0, 0.0],
        _ => IDENTITY,
    })
}
