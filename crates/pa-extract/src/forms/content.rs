//! The content interpreter: a page's content stream (with its form XObjects
//! and annotation appearances) read for glyph positions, printed boxes,
//! rules and ink ([`Scan`]), within the operator budget.

use super::*;

/// Something painted that may be a check mark (dark) or rub one out (light).
#[derive(Clone, Copy, Debug)]
pub(super) struct Ink {
    pub(super) rect: Rect,
    /// Painting order on the page: content first, then annotations.
    pub(super) seq: u32,
    pub(super) light: bool,
    /// A filled rectangle: a mark only inside a box, not across one.
    pub(super) solid: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kind {
    Text,
    EmptyBox,
    CheckedBox,
    Check,
    /// A dingbat that is neither: left out of the words.
    Other,
}

#[derive(Debug)]
pub(super) struct Glyph {
    pub(super) rect: Rect,
    pub(super) text: String,
    pub(super) size: f32,
    pub(super) kind: Kind,
    pub(super) seq: u32,
}

#[derive(Default)]
pub(super) struct Scan {
    pub(super) glyphs: Vec<Glyph>,
    pub(super) boxes: Vec<Rect>,
    pub(super) vrules: Vec<Rect>,
    pub(super) hrules: Vec<Rect>,
    pub(super) inks: Vec<Ink>,
    pub(super) seq: u32,
}

pub(super) fn scan_page<'a>(it: &mut Interp<'a>, page_id: ObjectId, rot: &Rotation) -> Scan {
    let doc = it.doc;
    it.out = Scan::default();
    it.seq = 0;
    it.ops_left = MAX_OPS_PER_PAGE;
    let Ok(data) = doc.get_page_content_with_limit(page_id, MAX_STREAM_BYTES) else {
        return Scan::default();
    };
    let res = page_resources(doc, page_id);
    it.run(&data, &res, GState::new(rot.0), 0, &mut Vec::new());
    it.out.seq = it.seq;
    std::mem::take(&mut it.out)
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Cs {
    Gray,
    Rgb,
    Cmyk,
    Other,
}

#[derive(Clone)]
pub(super) struct GState {
    pub(super) ctm: Matrix,
    pub(super) fill: Option<f32>,
    pub(super) stroke: Option<f32>,
    pub(super) fill_cs: Cs,
    pub(super) stroke_cs: Cs,
    pub(super) fill_alpha: f32,
    pub(super) stroke_alpha: f32,
    pub(super) font: Option<usize>,
    pub(super) size: f32,
    pub(super) tc: f32,
    pub(super) tw: f32,
    pub(super) th: f32,
    pub(super) tl: f32,
    pub(super) rise: f32,
}

impl GState {
    pub(super) fn new(ctm: Matrix) -> GState {
        GState {
            ctm,
            fill: Some(0.0),
            stroke: Some(0.0),
            fill_cs: Cs::Gray,
            stroke_cs: Cs::Gray,
            fill_alpha: 1.0,
            stroke_alpha: 1.0,
            font: None,
            size: 0.0,
            tc: 0.0,
            tw: 0.0,
            th: 1.0,
            tl: 0.0,
            rise: 0.0,
        }
    }
}

/// Luminance 0 (black) ..= 1 (white) of a gray, RGB or CMYK colour.
pub(super) fn color_lum(c: &[f32]) -> Option<f32> {
    let c: Vec<f32> = c.iter().map(|v| v.clamp(0.0, 1.0)).collect();
    match c.len() {
        1 => Some(c[0]),
        3 => Some(0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2]),
        4 => {
            let k = 1.0 - c[3];
            Some(0.3 * (1.0 - c[0]) * k + 0.59 * (1.0 - c[1]) * k + 0.11 * (1.0 - c[2]) * k)
        }
        _ => None,
    }
}

/// Ink (`Some(false)`), white-out (`Some(true)`), or neither: faint, tinted
/// or of a colour we cannot judge.
pub(super) fn classify(lum: Option<f32>, alpha: f32) -> Option<bool> {
    let lum = lum?;
    if alpha < 0.5 {
        None
    } else if lum <= 0.6 {
        Some(false)
    } else if lum >= 0.95 {
        Some(true)
    } else {
        None
    }
}

#[derive(Default)]
pub(super) struct Path {
    pub(super) bbox: Option<Rect>,
    pub(super) rects: Vec<Rect>,
    /// A curve or a slanted line: drawn by hand, not a printed box.
    pub(super) curvy: bool,
    /// Axis-parallel line segments (for rules).
    pub(super) segments: Vec<Rect>,
    pub(super) cur: (f32, f32),
    pub(super) start: (f32, f32),
    pub(super) n: usize,
}

impl Path {
    pub(super) fn add_point(&mut self, p: (f32, f32)) {
        if let Some(r) = Rect::from_points(&[p]) {
            self.bbox = Some(self.bbox.map_or(r, |b| b.union(&r)));
        }
    }
    pub(super) fn line_to(&mut self, p: (f32, f32)) {
        let (dx, dy) = (p.0 - self.cur.0, p.1 - self.cur.1);
        if dx.abs() > 0.5 && dy.abs() > 0.5 {
            self.curvy = true;
        } else if let Some(r) = Rect::from_points(&[self.cur, p]) {
            if self.segments.len() < 64 {
                self.segments.push(r);
            }
        }
        self.add_point(p);
        self.cur = p;
        self.n += 1;
    }
}

pub(super) struct Interp<'a> {
    pub(super) doc: &'a Document,
    /// Painting an annotation's appearance: everything painted is ink.
    pub(super) all_ink: bool,
    pub(super) ops_left: usize,
    pub(super) seq: u32,
    pub(super) fonts: HashMap<usize, usize>,
    pub(super) font_list: Vec<Font<'a>>,
    pub(super) out: Scan,
}

fn lookup<'a>(
    doc: &'a Document,
    res: &[&'a Dictionary],
    category: &[u8],
    name: &[u8],
) -> Option<(Option<ObjectId>, &'a Object)> {
    for d in res {
        if let Some(cat) = get_dict(doc, d, category) {
            if let Ok(o) = cat.get(name) {
                if let Ok((id, o)) = doc.dereference(o) {
                    return Some((id, o));
                }
            }
        }
    }
    None
}

/// What one content stream's interpretation carries from operator to
/// operator: the graphics state and its saved copies, the text matrices and
/// the path under construction.
pub(super) struct RunState {
    pub(super) gs: GState,
    pub(super) saved: Vec<GState>,
    pub(super) tm: Matrix,
    pub(super) tlm: Matrix,
    pub(super) path: Path,
}

/// Operand `i` as a number (0 when missing or not a number).
fn operand(ops: &[Object], i: usize) -> f32 {
    ops.get(i).and_then(|o| o.as_float().ok()).unwrap_or(0.0)
}

/// The operands that are numbers.
fn operand_nums(ops: &[Object]) -> Vec<f32> {
    ops.iter().filter_map(|o| o.as_float().ok()).collect()
}

/// `re`: a rectangle appended to the path. A skewed one is drawn, not printed
/// (it makes the path curvy); at most 64 rectangles are kept per path.
fn path_rect(path: &mut Path, ctm: &Matrix, x: f32, y: f32, w: f32, h: f32) {
    let corners = [
        apply(ctm, x, y),
        apply(ctm, x + w, y),
        apply(ctm, x + w, y + h),
        apply(ctm, x, y + h),
    ];
    if let Some(r) = Rect::from_points(&corners) {
        let skewed = ctm[1].abs() > 1e-3 * ctm[0].abs().max(1e-3)
            && ctm[2].abs() > 1e-3 * ctm[3].abs().max(1e-3)
            && ctm[0].abs() > 1e-3;
        if skewed {
            path.curvy = true;
        } else if path.rects.len() < 64 {
            path.rects.push(r);
        }
        path.bbox = Some(path.bbox.map_or(r, |b| b.union(&r)));
    }
    path.cur = apply(ctm, x, y);
    path.start = path.cur;
    path.n += 4;
}

impl<'a> Interp<'a> {
    pub(super) fn new(doc: &'a Document, all_ink: bool) -> Interp<'a> {
        Interp {
            doc,
            all_ink,
            ops_left: MAX_OPS_PER_PAGE,
            seq: 0,
            fonts: HashMap::new(),
            font_list: Vec::new(),
            out: Scan::default(),
        }
    }

    pub(super) fn next_seq(&mut self) -> u32 {
        self.seq += 1;
        self.seq
    }

    pub(super) fn color_space(&self, res: &[&'a Dictionary], name: &[u8]) -> Cs {
        match name {
            b"DeviceGray" | b"CalGray" | b"G" => return Cs::Gray,
            b"DeviceRGB" | b"CalRGB" | b"RGB" => return Cs::Rgb,
            b"DeviceCMYK" | b"CMYK" => return Cs::Cmyk,
            b"Pattern" => return Cs::Other,
            _ => {}
        }
        let Some((_, o)) = lookup(self.doc, res, b"ColorSpace", name) else {
            return Cs::Other;
        };
        cs_of(self.doc, o)
    }

    /// Interpret a content stream (a page's, a form XObject's or an
    /// appearance's) under `gs`, one operator at a time, within the page's
    /// operator budget: graphics state, paths and text; `Do` draws an XObject.
    pub(super) fn run(
        &mut self,
        data: &[u8],
        res: &[&'a Dictionary],
        gs: GState,
        depth: usize,
        stack: &mut Vec<ObjectId>,
    ) {
        let mut st = RunState {
            gs,
            saved: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            path: Path::default(),
        };
        for op in Content::decode_iter(data) {
            let Ok(op) = op else { break };
            if self.ops_left == 0 {
                return;
            }
            self.ops_left -= 1;
            let (name, ops) = (op.operator.as_str(), op.operands.as_slice());
            if self.state_op(&mut st, name, ops, res)
                || self.path_op(&mut st, name, ops)
                || self.text_op(&mut st, name, ops, res)
            {
                continue;
            }
            if name == "Do" {
                if let Some(name) = ops.first().and_then(|o| o.as_name().ok()) {
                    self.xobject(res, name, &st.gs, depth, stack);
                }
            }
        }
    }

    /// A graphics-state operator: save and restore, the matrix, transparency
    /// and colours. False when `name` is not one.
    pub(super) fn state_op(
        &self,
        st: &mut RunState,
        name: &str,
        ops: &[Object],
        res: &[&'a Dictionary],
    ) -> bool {
        let doc = self.doc;
        let gs = &mut st.gs;
        match name {
            "q" if st.saved.len() < 64 => st.saved.push(gs.clone()),
            "Q" => {
                if let Some(g) = st.saved.pop() {
                    *gs = g;
                }
            }
            "cm" => {
                let v = operand_nums(ops);
                if v.len() == 6 && v.iter().all(|x| x.is_finite()) {
                    gs.ctm = mul(&[v[0], v[1], v[2], v[3], v[4], v[5]], &gs.ctm);
                }
            }
            "gs" => {
                if let Some(name) = ops.first().and_then(|o| o.as_name().ok()) {
                    if let Some(d) =
                        lookup(doc, res, b"ExtGState", name).and_then(|(_, o)| o.as_dict().ok())
                    {
                        if let Some(a) = dict_get(doc, d, b"ca").and_then(|o| o.as_float().ok()) {
                            gs.fill_alpha = a;
                        }
                        if let Some(a) = dict_get(doc, d, b"CA").and_then(|o| o.as_float().ok()) {
                            gs.stroke_alpha = a;
                        }
                    }
                }
            }
            "g" | "G" | "rg" | "RG" | "k" | "K" => {
                let cs = match name.to_ascii_lowercase().as_str() {
                    "g" => Cs::Gray,
                    "rg" => Cs::Rgb,
                    _ => Cs::Cmyk,
                };
                let lum = color_lum(&operand_nums(ops));
                if name.starts_with(|c: char| c.is_ascii_lowercase()) {
                    (gs.fill_cs, gs.fill) = (cs, lum);
                } else {
                    (gs.stroke_cs, gs.stroke) = (cs, lum);
                }
            }
            "cs" | "CS" => {
                let cs = ops
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .map(|n| self.color_space(res, n))
                    .unwrap_or(Cs::Other);
                let initial = match cs {
                    Cs::Gray | Cs::Rgb => Some(0.0),
                    Cs::Cmyk => Some(0.0),
                    Cs::Other => None,
                };
                if name == "cs" {
                    gs.fill_cs = cs;
                    gs.fill = initial;
                } else {
                    gs.stroke_cs = cs;
                    gs.stroke = initial;
                }
            }
            "sc" | "scn" | "SC" | "SCN" => {
                let fill = name.starts_with('s');
                let cs = if fill { gs.fill_cs } else { gs.stroke_cs };
                let v = operand_nums(ops);
                let lum = if v.len() != ops.len() || cs == Cs::Other {
                    None
                } else {
                    color_lum(&v)
                };
                if fill {
                    gs.fill = lum;
                } else {
                    gs.stroke = lum;
                }
            }
            _ => return false,
        }
        true
    }

    /// A path operator: construction (in device space), then painting, which
    /// records boxes, rules and marks. False when `name` is not one.
    pub(super) fn path_op(&mut self, st: &mut RunState, name: &str, ops: &[Object]) -> bool {
        let f = |i: usize| operand(ops, i);
        let (gs, path) = (&st.gs, &mut st.path);
        match name {
            "m" => {
                let p = apply(&gs.ctm, f(0), f(1));
                path.cur = p;
                path.start = p;
                path.add_point(p);
            }
            "l" => path.line_to(apply(&gs.ctm, f(0), f(1))),
            "c" | "v" | "y" => {
                let v = operand_nums(ops);
                for pair in v.chunks_exact(2) {
                    path.add_point(apply(&gs.ctm, pair[0], pair[1]));
                }
                if let Some(pair) = v.chunks_exact(2).last() {
                    path.cur = apply(&gs.ctm, pair[0], pair[1]);
                }
                path.curvy = true;
                path.n += 1;
            }
            "h" => {
                let start = path.start;
                if path.cur != start {
                    path.line_to(start);
                }
            }
            "re" => path_rect(path, &gs.ctm, f(0), f(1), f(2), f(3)),
            "S" | "s" => {
                if name == "s" {
                    let start = path.start;
                    path.line_to(start);
                }
                self.paint(path, gs, true, false);
            }
            "f" | "F" | "f*" => self.paint(path, gs, false, true),
            "B" | "B*" | "b" | "b*" => self.paint(path, gs, true, true),
            "n" => *path = Path::default(),
            _ => return false,
        }
        true
    }

    /// A text operator: text objects, the text state, positioning and showing
    /// strings (which places glyphs). False when `name` is not one.
    pub(super) fn text_op(
        &mut self,
        st: &mut RunState,
        name: &str,
        ops: &[Object],
        res: &[&'a Dictionary],
    ) -> bool {
        let f = |i: usize| operand(ops, i);
        let RunState { gs, tm, tlm, .. } = st;
        match name {
            "BT" => {
                *tm = IDENTITY;
                *tlm = IDENTITY;
            }
            "Tf" => {
                gs.size = f(1);
                gs.font = ops
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|n| self.font(res, n));
            }
            "Tc" => gs.tc = f(0),
            "Tw" => gs.tw = f(0),
            "Tz" => gs.th = f(0) / 100.0,
            "TL" => gs.tl = f(0),
            "Ts" => gs.rise = f(0),
            "Td" | "TD" => {
                if name == "TD" {
                    gs.tl = -f(1);
                }
                *tlm = mul(&[1.0, 0.0, 0.0, 1.0, f(0), f(1)], tlm);
                *tm = *tlm;
            }
            "Tm" => {
                let v = operand_nums(ops);
                if v.len() == 6 {
                    *tlm = [v[0], v[1], v[2], v[3], v[4], v[5]];
                    *tm = *tlm;
                }
            }
            "T*" => {
                *tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], tlm);
                *tm = *tlm;
            }
            "Tj" | "'" | "\"" => {
                if name != "Tj" {
                    if name == "\"" {
                        gs.tw = f(0);
                        gs.tc = f(1);
                    }
                    *tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], tlm);
                    *tm = *tlm;
                }
                if let Some(s) = ops.last().and_then(|o| o.as_str().ok()) {
                    self.show(s, gs, tm);
                }
            }
            "TJ" => {
                for item in ops
                    .first()
                    .and_then(|o| o.as_array().ok())
                    .into_iter()
                    .flatten()
                {
                    match item {
                        Object::String(s, _) => self.show(s, gs, tm),
                        other => {
                            if let Ok(n) = other.as_float() {
                                let tx = -n / 1000.0 * gs.size * gs.th;
                                *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
                            }
                        }
                    }
                }
            }
            _ => return false,
        }
        true
    }

    pub(super) fn font(&mut self, res: &[&'a Dictionary], name: &[u8]) -> Option<usize> {
        let (_, o) = lookup(self.doc, res, b"Font", name)?;
        let d = o.as_dict().ok()?;
        let key = d as *const Dictionary as usize;
        if let Some(&i) = self.fonts.get(&key) {
            return Some(i);
        }
        if self.font_list.len() >= 1_000 {
            return None;
        }
        self.font_list.push(Font::load(self.doc, d));
        let i = self.font_list.len() - 1;
        self.fonts.insert(key, i);
        Some(i)
    }

    pub(super) fn show(&mut self, bytes: &[u8], gs: &GState, tm: &mut Matrix) {
        let Some(fi) = gs.font else { return };
        let seq = self.next_seq();
        let font = &self.font_list[fi];
        let step = if font.two_byte { 2 } else { 1 };
        for chunk in bytes.chunks(step) {
            let code = chunk.iter().fold(0u32, |a, &b| a << 8 | u32::from(b));
            let text = font.decode(chunk);
            let w0 = font.width(code, &text);
            if !self.all_ink && self.out.glyphs.len() < MAX_GLYPHS_PER_PAGE {
                let trm = mul(
                    &[gs.size * gs.th, 0.0, 0.0, gs.size, 0.0, gs.rise],
                    &mul(tm, &gs.ctm),
                );
                let r = map_rect(
                    &trm,
                    &Rect {
                        x0: 0.0,
                        y0: -0.2,
                        x1: w0.max(0.05),
                        y1: 0.8,
                    },
                );
                if let Some(rect) = r {
                    let size = trm[2].hypot(trm[3]);
                    let kind = glyph_kind(font.symbol, code, &text);
                    if size > 0.5 && size < 500.0 {
                        self.out.glyphs.push(Glyph {
                            rect,
                            text,
                            size,
                            kind,
                            seq,
                        });
                    }
                }
            }
            let space = if step == 1 && code == 32 { gs.tw } else { 0.0 };
            let tx = (w0 * gs.size + gs.tc + space) * gs.th;
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
    }

    pub(super) fn paint(&mut self, path: &mut Path, gs: &GState, stroke: bool, fill: bool) {
        let p = std::mem::take(path);
        let Some(bbox) = p.bbox else { return };
        // Dark when either painted colour is dark, light when all are light.
        let verdicts: Vec<Option<bool>> = [
            fill.then(|| classify(gs.fill, gs.fill_alpha)),
            stroke.then(|| classify(gs.stroke, gs.stroke_alpha)),
        ]
        .into_iter()
        .flatten()
        .collect();
        let verdict = if verdicts.contains(&Some(false)) {
            Some(false)
        } else if !verdicts.is_empty() && verdicts.iter().all(|v| *v == Some(true)) {
            Some(true)
        } else {
            None
        };
        let seq = self.next_seq();
        if self.all_ink {
            if let Some(light) = verdict {
                self.out.inks.push(Ink {
                    rect: bbox,
                    seq,
                    light,
                    solid: false,
                });
            }
            return;
        }
        for r in &p.rects {
            let (w, h) = (r.w(), r.h());
            if stroke && (4.0..=20.0).contains(&w) && (4.0..=20.0).contains(&h) && {
                let ratio = w / h;
                (0.75..=1.33).contains(&ratio)
            } {
                self.out.boxes.push(*r);
            } else if w <= 2.5 && h >= 6.0 {
                self.out.vrules.push(*r);
            } else if h <= 2.5 && w >= 6.0 {
                self.out.hrules.push(*r);
            }
        }
        if stroke {
            // A box drawn as four lines is a box, not four rules.
            let (w, h) = (bbox.w(), bbox.h());
            let drawn_box = !p.curvy
                && p.rects.is_empty()
                && p.n >= 4
                && (4.0..=20.0).contains(&w)
                && (4.0..=20.0).contains(&h)
                && (0.75..=1.33).contains(&(w / h));
            if drawn_box {
                self.out.boxes.push(bbox);
            } else {
                for s in &p.segments {
                    if s.w() <= 1.0 && s.h() >= 6.0 {
                        self.out.vrules.push(*s);
                    } else if s.h() <= 1.0 && s.w() >= 6.0 {
                        self.out.hrules.push(*s);
                    }
                }
            }
        }
        let side = bbox.w().max(bbox.h());
        if !(3.0..=MARK_MAX).contains(&side) {
            return;
        }
        let Some(light) = verdict else { return };
        if p.curvy {
            self.out.inks.push(Ink {
                rect: bbox,
                seq,
                light,
                solid: false,
            });
        } else if fill && !p.rects.is_empty() && bbox.w().min(bbox.h()) >= 2.0 {
            self.out.inks.push(Ink {
                rect: bbox,
                seq,
                light,
                solid: true,
            });
        }
    }

    pub(super) fn xobject(
        &mut self,
        res: &[&'a Dictionary],
        name: &[u8],
        gs: &GState,
        depth: usize,
        stack: &mut Vec<ObjectId>,
    ) {
        let doc = self.doc;
        let Some((id, o)) = lookup(doc, res, b"XObject", name) else {
            return;
        };
        let Ok(s) = o.as_stream() else { return };
        match get_name(doc, &s.dict, b"Subtype") {
            Some(b"Form") => {
                if depth >= MAX_FORM_DEPTH || id.is_some_and(|i| stack.contains(&i)) {
                    return;
                }
                let Ok(data) = s.get_plain_content_with_limit(MAX_STREAM_BYTES) else {
                    return;
                };
                let mut inner = gs.clone();
                inner.ctm = mul(&matrix_of(doc, &s.dict), &gs.ctm);
                let own: Vec<&Dictionary> =
                    get_dict(doc, &s.dict, b"Resources").into_iter().collect();
                let res: Vec<&Dictionary> = if own.is_empty() { res.to_vec() } else { own };
                if let Some(i) = id {
                    stack.push(i);
                }
                self.run(&data, &res, inner, depth + 1, stack);
                if id.is_some() {
                    stack.pop();
                }
            }
            Some(b"Image") => {
                let unit = Rect {
                    x0: 0.0,
                    y0: 0.0,
                    x1: 1.0,
                    y1: 1.0,
                };
                let Some(r) = map_rect(&gs.ctm, &unit) else {
                    return;
                };
                let seq = self.next_seq();
                let side = r.w().max(r.h());
                if !(3.0..=MARK_MAX).contains(&side) {
                    return;
                }
                if let Some(light) = image_ink(doc, s, gs) {
                    self.out.inks.push(Ink {
                        rect: r,
                        seq,
                        light,
                        solid: false,
                    });
                }
            }
            _ => {}
        }
    }
}

fn cs_of(doc: &Document, o: &Object) -> Cs {
    match o {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" => Cs::Gray,
            b"DeviceRGB" | b"CalRGB" => Cs::Rgb,
            b"DeviceCMYK" => Cs::Cmyk,
            _ => Cs::Other,
        },
        Object::Array(a) => {
            let family = a.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
            match family {
                b"CalGray" => Cs::Gray,
                b"CalRGB" | b"Lab" => Cs::Rgb,
                b"ICCBased" => {
                    let n = a
                        .get(1)
                        .and_then(|o| deref(doc, o))
                        .and_then(|o| o.as_stream().ok())
                        .and_then(|s| dict_get(doc, &s.dict, b"N"))
                        .and_then(|o| o.as_i64().ok());
                    match n {
                        Some(1) => Cs::Gray,
                        Some(3) => Cs::Rgb,
                        Some(4) => Cs::Cmyk,
                        _ => Cs::Other,
                    }
                }
                _ => Cs::Other,
            }
        }
        _ => Cs::Other,
    }
}

/// A small picture as ink (`Some(false)`: dark opaque pixels on at least 3% of
/// it), white-out (`Some(true)`: mostly opaque light pixels) or neither (a
/// faint shadow, or a picture we cannot decode).
fn image_ink(doc: &Document, s: &Stream, gs: &GState) -> Option<bool> {
    if gs.fill_alpha < 0.5 {
        return None;
    }
    let w = dict_get(doc, &s.dict, b"Width")?.as_i64().ok()?;
    let h = dict_get(doc, &s.dict, b"Height")?.as_i64().ok()?;
    if w <= 0 || h <= 0 || w.checked_mul(h).is_none_or(|n| n > 1 << 20) {
        return None;
    }
    let (w, h) = (w as usize, h as usize);
    let plain = |st: &Stream| -> Option<Vec<u8>> {
        let filters_ok = match dict_get(doc, &st.dict, b"Filter") {
            None => true,
            Some(Object::Name(n)) => n.as_slice() == b"FlateDecode",
            Some(Object::Array(a)) => a
                .iter()
                .all(|f| f.as_name().ok() == Some(&b"FlateDecode"[..])),
            Some(_) => false,
        };
        if !filters_ok {
            return None;
        }
        st.get_plain_content_with_limit(MAX_STREAM_BYTES).ok()
    };
    let mask = dict_get(doc, &s.dict, b"ImageMask")
        .and_then(|o| o.as_bool().ok())
        .unwrap_or(false);
    if mask {
        // A stencil painted in the fill colour where a bit is 0 (unless /Decode [1 0]).
        let data = plain(s)?;
        let row = w.div_ceil(8);
        if data.len() < row * h {
            return None;
        }
        let inverted = get_array(doc, &s.dict, b"Decode")
            .map(|a| nums(doc, a))
            .is_some_and(|v| v.first() == Some(&1.0));
        let mut painted = 0usize;
        for y in 0..h {
            for x in 0..w {
                let bit = data[y * row + x / 8] >> (7 - x % 8) & 1;
                if (bit == 0) != inverted {
                    painted += 1;
                }
            }
        }
        let share = painted as f32 / (w * h) as f32;
        let light = classify(gs.fill, gs.fill_alpha)?;
        return if !light && share >= 0.03 {
            Some(false)
        } else if light && share >= 0.6 {
            Some(true)
        } else {
            None
        };
    }
    let bpc = dict_get(doc, &s.dict, b"BitsPerComponent")
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(8);
    if bpc != 8 {
        return None;
    }
    let n = match cs_of(doc, dict_get(doc, &s.dict, b"ColorSpace")?) {
        Cs::Gray => 1,
        Cs::Rgb => 3,
        Cs::Cmyk => 4,
        Cs::Other => return None,
    };
    let data = plain(s)?;
    if data.len() < w * h * n {
        return None;
    }
    let alpha = match dict_get(doc, &s.dict, b"SMask").and_then(|o| o.as_stream().ok()) {
        Some(m) => {
            let mw = dict_get(doc, &m.dict, b"Width").and_then(|o| o.as_i64().ok());
            let mh = dict_get(doc, &m.dict, b"Height").and_then(|o| o.as_i64().ok());
            let mb = dict_get(doc, &m.dict, b"BitsPerComponent").and_then(|o| o.as_i64().ok());
            if mw != Some(w as i64) || mh != Some(h as i64) || mb != Some(8) {
                return None;
            }
            let a = plain(m)?;
            if a.len() < w * h {
                return None;
            }
            Some(a)
        }
        None => None,
    };
    let (mut dark, mut light) = (0usize, 0usize);
    for i in 0..w * h {
        if alpha.as_ref().is_some_and(|a| a[i] < 128) {
            continue;
        }
        let px: Vec<f32> = data[i * n..(i + 1) * n]
            .iter()
            .map(|&b| f32::from(b) / 255.0)
            .collect();
        let lum = color_lum(&px).unwrap_or(0.5);
        if lum <= 0.5 {
            dark += 1;
        } else if lum >= 0.9 {
            light += 1;
        }
    }
    let total = (w * h) as f32;
    if dark as f32 >= 0.03 * total {
        Some(false)
    } else if light as f32 >= 0.6 * total {
        Some(true)
    } else {
        None
    }
}
