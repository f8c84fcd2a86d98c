//! Page text from glyph positions.
//!
//! pdf-extract walks the content stream and reports every glyph with its text
//! rendering matrix and advance width; this output device decides where words
//! and lines break from those positions alone. Producers place glyphs in very
//! different ways: Ghostscript shows whole lines, reportlab whole strings, and
//! Skia (Chromium print-to-PDF, Google Docs) every glyph on its own after a
//! `Td`, under a y-flipped text matrix. Breaking on "a new show operation" or
//! on gaps measured with a flipped matrix splits words into letters ("In dicatio
//! n"). Here a space is written only where the gap between a glyph and the end
//! of the previous one, measured along the baseline, is a word gap; a line break
//! only where the baseline moves by more than half a font size.
//!
//! The same pass counts the character codes shown, which [`crate::text_check`] compares
//! with an independent count from the content stream.
//!
//! It also decides whether anyone can see each glyph. Text nobody can see is
//! either the searchable layer of a scan (invisible text lying over an image of
//! the page, as OCRmyPDF, scanners and fax servers write it: kept, and counted
//! as `ocr_chars`) or hidden text (kept out of the page text, and counted as
//! `hidden_chars`): invisible render mode or zero fill alpha with no image
//! under it, a colour equal to what is painted under it (white on white), a
//! size under [`MIN_VISIBLE_SIZE`], a position outside the crop and media boxes,
//! a position outside the clipping path, or visible text that something opaque
//! (an image, a filled rectangle) painted later in the content stream covers.
//! Text that a page image painted later covers (an image of at least half the
//! page, [`PAGE_IMAGE_SHARE`]) is a scan's text layer written under its image,
//! as some OCR software does: kept as an OCR layer, like invisible text over it.
//! What a glyph is painted over is known when it is shown; what is painted over
//! it only later, so a page where that happens is read twice: the second pass
//! knows which glyphs ([`Rerun`]) to leave out.

use pdf_extract::{
    path_bbox, ColorSpace, GlyphPaint, MediaBox, OutputDev, OutputError, Path, Transform,
};

/// Glyphs smaller than this (in points, on the page) cannot be read by anyone:
/// the smallest print in real letters and forms is 4-6 pt.
pub(crate) const MIN_VISIBLE_SIZE: f64 = 2.0;

/// Two colours closer than this (per RGB component, 0-1) cannot be told apart.
const SAME_COLOUR: f64 = 0.08;

/// A box in default user space: (llx, lly, urx, ury).
type Bbox = (f64, f64, f64, f64);

fn contains(b: &Bbox, x: f64, y: f64) -> bool {
    x >= b.0.min(b.2) && x <= b.0.max(b.2) && y >= b.1.min(b.3) && y <= b.1.max(b.3)
}

/// A colour as RGB, when its colour space says what it looks like.
fn rgb(cs: &ColorSpace, c: &[f64]) -> Option<(f64, f64, f64)> {
    let n = match cs {
        ColorSpace::DeviceGray | ColorSpace::CalGray(_) => 1,
        ColorSpace::DeviceRGB | ColorSpace::CalRGB(_) => 3,
        ColorSpace::DeviceCMYK => 4,
        ColorSpace::ICCBased(_) => c.len(),
        _ => return None,
    };
    match (n, c) {
        // No colour set yet: the initial colour is black.
        (_, []) => Some((0., 0., 0.)),
        (1, [g]) => Some((*g, *g, *g)),
        (3, [r, g, b]) => Some((*r, *g, *b)),
        (4, [c, m, y, k]) => Some((
            (1. - c) * (1. - k),
            (1. - m) * (1. - k),
            (1. - y) * (1. - k),
        )),
        _ => None,
    }
}

/// Something painted on the page, in painting order.
#[derive(Debug, Clone, Copy)]
enum Painted {
    /// An image: what it shows under a glyph is unknown.
    Image(Bbox),
    /// A filled rectangle of this colour (`None`: a colour we cannot judge).
    Rect(Bbox, Option<(f64, f64, f64)>),
    /// Any other filled shape: its bounding box over-states what it covers
    /// (a frame with a hole, a rounded banner), so what is under a glyph
    /// inside it is unknown.
    Shape(Bbox),
}

/// Where a glyph is: the middle of its advance on the baseline, a third and
/// two thirds of its size up.
#[derive(Debug, Clone, Copy)]
struct GlyphAt {
    bottom: (f64, f64),
    centre: (f64, f64),
    top: (f64, f64),
}

/// How the glyphs of the current show operation are painted.
#[derive(Debug, Clone, Copy)]
struct Paint {
    /// Render mode 3 or 7, or a fill alpha of 0 when filling.
    invisible: bool,
    /// The colour the glyphs are painted in, when known.
    colour: Option<(f64, f64, f64)>,
    clip: Option<Bbox>,
}

/// What became of one glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Visible,
    /// Invisible text over an image: a scan's searchable layer.
    OcrLayer,
    Hidden,
}

/// A gap wider than this fraction of the font size is a word break. Word spaces
/// are 0.25-0.33 em in text fonts (0.6 in monospaced ones); letter-spaced
/// headings and kerning stay below 0.15 em.
pub(crate) const WORD_GAP_EM: f64 = 0.2;

/// A baseline shift above this fraction of the font size starts a new line.
const LINE_SHIFT_EM: f64 = 0.5;

/// A baseline shift above this fraction of the font size, going back to the
/// left, is a paragraph break (a blank line).
const PARAGRAPH_SHIFT_EM: f64 = 1.5;

/// Where the previous glyph ended.
#[derive(Debug, Clone, Copy)]
struct Pen {
    /// Device position of the glyph's end (origin plus advance), y down.
    x: f64,
    y: f64,
    /// Unit vector of the baseline direction.
    dx: f64,
    dy: f64,
    /// Font size in device units.
    size: f64,
}

/// What a first pass over a page learnt that the second pass must know.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rerun {
    /// The page's images: invisible text under an image painted after it is an
    /// OCR layer too (some producers write the text layer's content stream
    /// before the image's).
    pub(crate) images: Vec<Bbox>,
    /// Visible glyphs (by their number in showing order) that something opaque
    /// painted later covers, sorted.
    pub(crate) covered: Vec<u64>,
    /// Visible glyphs that a page image painted later covers, sorted.
    pub(crate) under_image: Vec<u64>,
}

/// An image painted over text that covers at least this share of the visible
/// page is the page's scan, and the text under it its OCR layer.
pub(crate) const PAGE_IMAGE_SHARE: f64 = 0.5;

/// A visible glyph that something painted later may still cover.
#[derive(Debug, Clone, Copy)]
struct Shown {
    no: u64,
    at: GlyphAt,
}

/// Collects one page's text.
pub(crate) struct PageText<'a> {
    out: &'a mut String,
    flip: Transform,
    pen: Option<Pen>,
    /// Character codes shown that decoded to some text (spaces included).
    pub(crate) shown: u64,
    /// Non-blank glyphs left out because nobody can see them.
    pub(crate) hidden_chars: u64,
    /// Non-blank glyphs of an invisible text layer over a page image (kept).
    pub(crate) ocr_chars: u64,
    /// Non-blank visible glyphs.
    pub(crate) visible_chars: u64,
    /// The part of the page that is shown: media box and crop box intersected.
    visible_box: Option<Bbox>,
    crop_box: Option<Bbox>,
    painted: Vec<Painted>,
    paint: Paint,
    /// What an earlier pass over this page learnt.
    known: Rerun,
    /// Images painted so far on this page.
    images: Vec<Bbox>,
    /// Centres of invisible glyphs found hidden (at most [`MAX_TRACKED`]).
    invisible_hidden: Vec<(f64, f64)>,
    /// Glyphs shown so far on this page (the number of the next one).
    glyph_no: u64,
    /// Visible glyphs not yet covered (at most [`MAX_TRACKED`]), and the box
    /// around them.
    shown_visible: Vec<Shown>,
    shown_box: Option<Bbox>,
    /// Visible glyphs found covered by something painted after them, and by
    /// a page image painted after them.
    covered: Vec<u64>,
    under_image: Vec<u64>,
    /// Glyph checks left for [`OutputDev::opaque`] on this page.
    cover_budget: u64,
}

/// Glyph checks against opaque areas per page: a page of thousands of filled
/// cells after thousands of glyphs stays bounded. Past it, what is painted
/// later no longer hides anything (text is kept, never dropped unseen).
const MAX_COVER_CHECKS: u64 = 20_000_000;

/// Invisible hidden glyphs whose positions are kept for the end-of-page check.
const MAX_TRACKED: usize = 100_000;

/// How far back in painting order a glyph looks for what is under it: a page
/// of vector drawings paints thousands of shapes, and every glyph would scan
/// them all. Past this, what is under a glyph counts as unknown (so a colour
/// is never judged against a background that was not found).
const MAX_UNDER: usize = 2048;

impl<'a> PageText<'a> {
    pub(crate) fn new(out: &'a mut String) -> Self {
        PageText {
            out,
            flip: Transform::identity(),
            pen: None,
            shown: 0,
            hidden_chars: 0,
            ocr_chars: 0,
            visible_chars: 0,
            visible_box: None,
            crop_box: None,
            painted: Vec::new(),
            paint: Paint {
                invisible: false,
                colour: Some((0., 0., 0.)),
                clip: None,
            },
            known: Rerun::default(),
            images: Vec::new(),
            invisible_hidden: Vec::new(),
            glyph_no: 0,
            shown_visible: Vec::new(),
            shown_box: None,
            covered: Vec::new(),
            under_image: Vec::new(),
            cover_budget: MAX_COVER_CHECKS,
        }
    }

    /// What a first pass over the page learnt (see [`Self::rerun`]).
    pub(crate) fn with_rerun(mut self, known: Rerun) -> Self {
        self.known = known;
        self
    }

    /// After a first pass: what a second pass must know, when the first one
    /// decided some glyphs before what was painted after them was known (an
    /// image painted after invisible text lying in it: an OCR layer; an opaque
    /// image or rectangle painted over visible text: hidden).
    pub(crate) fn rerun(&self) -> Option<Rerun> {
        let late = self
            .invisible_hidden
            .iter()
            .any(|&(x, y)| self.images.iter().any(|b| contains(b, x, y)));
        let k = &self.known;
        let first = k.images.is_empty() && k.covered.is_empty() && k.under_image.is_empty();
        let covered = !self.covered.is_empty() || !self.under_image.is_empty();
        (first && (late || covered)).then(|| {
            let sorted = |v: &[u64]| {
                let mut v = v.to_vec();
                v.sort_unstable();
                v
            };
            Rerun {
                images: self.images.clone(),
                covered: sorted(&self.covered),
                under_image: sorted(&self.under_image),
            }
        })
    }

    /// The page's crop box, when it has one (the media box comes with the page).
    pub(crate) fn with_crop_box(mut self, crop: Option<Bbox>) -> Self {
        self.crop_box = crop;
        self
    }

    /// Whether glyph number `no` at `at` (default user space) can be seen.
    fn seen(&self, no: u64, at: GlyphAt, size: f64) -> Seen {
        if self.known.covered.binary_search(&no).is_ok() {
            return Seen::Hidden;
        }
        if self.known.under_image.binary_search(&no).is_ok() {
            return Seen::OcrLayer;
        }
        let (x, y) = at.centre;
        // The last thing painted under the glyph, if any. A rectangle counts
        // when the glyph lies within it from bottom to top (a rule or an
        // underline through it does not make a background).
        let under = self.painted.iter().rev().take(MAX_UNDER).find(|p| match p {
            Painted::Image(b) | Painted::Shape(b) => contains(b, x, y),
            Painted::Rect(b, _) => {
                contains(b, at.bottom.0, at.bottom.1) && contains(b, at.top.0, at.top.1)
            }
        });
        let under = match under {
            None if self.painted.len() > MAX_UNDER => Some(&Painted::Shape((x, y, x, y))),
            u => u,
        };
        if self.paint.invisible {
            let over_image = self
                .images
                .iter()
                .chain(&self.known.images)
                .any(|b| contains(b, x, y));
            return if over_image {
                Seen::OcrLayer
            } else {
                Seen::Hidden
            };
        }
        if size < MIN_VISIBLE_SIZE {
            return Seen::Hidden;
        }
        if self.visible_box.is_some_and(|b| !contains(&b, x, y)) {
            return Seen::Hidden;
        }
        if self.paint.clip.is_some_and(|b| !contains(&b, x, y)) {
            return Seen::Hidden;
        }
        let background = match under {
            Some(Painted::Image(_) | Painted::Shape(_)) => None,
            Some(Painted::Rect(_, c)) => *c,
            None => Some((1., 1., 1.)),
        };
        if let (Some(a), Some(b)) = (self.paint.colour, background) {
            if (a.0 - b.0).abs() < SAME_COLOUR
                && (a.1 - b.1).abs() < SAME_COLOUR
                && (a.2 - b.2).abs() < SAME_COLOUR
            {
                return Seen::Hidden;
            }
        }
        Seen::Visible
    }

    /// Keep a visible glyph's place, for what may be painted over it later.
    fn track_visible(&mut self, no: u64, at: GlyphAt) {
        if self.shown_visible.len() >= MAX_TRACKED {
            return;
        }
        self.shown_visible.push(Shown { no, at });
        let (x, y) = at.centre;
        let b = self.shown_box.unwrap_or((x, y, x, y));
        self.shown_box = Some(
            [at.bottom, at.top]
                .iter()
                .fold((b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y)), |b, p| {
                    (b.0.min(p.0), b.1.min(p.1), b.2.max(p.0), b.3.max(p.1))
                }),
        );
    }

    fn ends_with_space(&self) -> bool {
        self.out.is_empty() || self.out.ends_with([' ', '\n'])
    }
}

impl OutputDev for PageText<'_> {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.flip = Transform::row_major(1., 0., 0., -1., 0., media_box.ury - media_box.lly);
        self.pen = None;
        let media = (media_box.llx, media_box.lly, media_box.urx, media_box.ury);
        let media = (
            media.0.min(media.2),
            media.1.min(media.3),
            media.0.max(media.2),
            media.1.max(media.3),
        );
        self.visible_box = Some(match self.crop_box {
            Some(c) => (
                media.0.max(c.0.min(c.2)),
                media.1.max(c.1.min(c.3)),
                media.2.min(c.0.max(c.2)),
                media.3.min(c.1.max(c.3)),
            ),
            None => media,
        });
        self.painted.clear();
        self.images.clear();
        self.glyph_no = 0;
        self.shown_visible.clear();
        self.shown_box = None;
        self.covered.clear();
        self.under_image.clear();
        self.cover_budget = MAX_COVER_CHECKS;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        let no = self.glyph_no;
        self.glyph_no += 1;
        let m = trm.post_transform(&self.flip);
        let scale = (m.m11 * m.m22 - m.m12 * m.m21).abs().sqrt();
        let size = (font_size * scale).abs();
        if !size.is_finite() || size <= 0.0 {
            return Ok(());
        }
        let (x, y) = (m.m31, m.m32);
        // The glyph's own advance, in device space. Character and word spacing
        // (`Tc`, `Tw`) are left out, as pdftotext does: they are gaps between
        // glyphs, and Ghostscript writes groff's word gaps as `Tc`.
        let _ = spacing;
        let advance = width * font_size;
        let (ax, ay) = (advance * m.m11, advance * m.m12);
        let (ux, uy) = (m.m11, m.m12);
        let norm = (ux * ux + uy * uy).sqrt();
        let (dx, dy) = if norm > 0.0 {
            (ux / norm, uy / norm)
        } else {
            (1.0, 0.0)
        };
        if !char.is_empty() {
            self.shown += 1;
        }
        let blank = char.chars().all(char::is_whitespace);
        // The glyph in default user space: the middle of its advance, on the
        // baseline and up from it.
        let point = |up: f64| {
            (
                trm.m31 + 0.5 * width * font_size * trm.m11 + up * font_size * trm.m21,
                trm.m32 + 0.5 * width * font_size * trm.m12 + up * font_size * trm.m22,
            )
        };
        let at = GlyphAt {
            bottom: point(0.05),
            centre: point(1.0 / 3.0),
            top: point(0.65),
        };
        match self.seen(no, at, size) {
            Seen::Hidden => {
                if !blank {
                    self.hidden_chars += char.chars().count() as u64;
                    if self.paint.invisible && self.invisible_hidden.len() < MAX_TRACKED {
                        self.invisible_hidden.push(at.centre);
                    }
                }
                return Ok(());
            }
            Seen::OcrLayer if !blank => self.ocr_chars += char.chars().count() as u64,
            Seen::Visible if !blank => {
                self.visible_chars += char.chars().count() as u64;
                self.track_visible(no, at);
            }
            _ => {}
        }
        if let Some(pen) = self.pen {
            let (gx, gy) = (x - pen.x, y - pen.y);
            // Along the previous glyph's baseline, and across it (down is positive).
            let along = gx * pen.dx + gy * pen.dy;
            let across = -gx * pen.dy + gy * pen.dx;
            let em = size.max(pen.size);
            if across.abs() > LINE_SHIFT_EM * em {
                let paragraph = across.abs() > PARAGRAPH_SHIFT_EM * em && along < 0.0;
                while self.out.ends_with(' ') {
                    self.out.pop();
                }
                if !self.out.is_empty() {
                    self.out.push('\n');
                    if paragraph {
                        self.out.push('\n');
                    }
                }
            } else if !blank
                && (along > WORD_GAP_EM * em || along < -2.0 * em)
                && !self.ends_with_space()
            {
                self.out.push(' ');
            }
        }
        if blank {
            if !self.ends_with_space() {
                self.out.push(' ');
            }
        } else {
            self.out.push_str(char);
        }
        self.pen = Some(Pen {
            x: x + ax,
            y: y + ay,
            dx,
            dy,
            size,
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn fill(
        &mut self,
        ctm: &Transform,
        colorspace: &ColorSpace,
        color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        if let Some(b) = path_bbox(ctm, path) {
            let rect = matches!(path.ops.as_slice(), [pdf_extract::PathOp::Rect(..)]);
            self.painted.push(if rect {
                Painted::Rect(b, rgb(colorspace, color))
            } else {
                Painted::Shape(b)
            });
        }
        Ok(())
    }

    fn image(&mut self, ctm: &Transform) -> Result<(), OutputError> {
        let unit = Path {
            ops: vec![pdf_extract::PathOp::Rect(0., 0., 1., 1.)],
        };
        if let Some(b) = path_bbox(ctm, &unit) {
            self.painted.push(Painted::Image(b));
            if self.images.len() < MAX_UNDER {
                self.images.push(b);
            }
        }
        Ok(())
    }

    fn opaque(&mut self, area: (f64, f64, f64, f64), image: bool) -> Result<(), OutputError> {
        let overlaps = self
            .shown_box
            .is_some_and(|b| b.0 <= area.2 && area.0 <= b.2 && b.1 <= area.3 && area.1 <= b.3);
        if !overlaps || self.cover_budget == 0 {
            return Ok(());
        }
        self.cover_budget = self
            .cover_budget
            .saturating_sub(self.shown_visible.len() as u64);
        let area_of = |b: &Bbox| (b.2 - b.0).abs() * (b.3 - b.1).abs();
        let page_image = image
            && self
                .visible_box
                .is_some_and(|v| area_of(&area) >= PAGE_IMAGE_SHARE * area_of(&v));
        // A glyph is covered when it lies in the area from bottom to top.
        let covered = if page_image {
            &mut self.under_image
        } else {
            &mut self.covered
        };
        self.shown_visible.retain(|g| {
            let inside = [g.at.bottom, g.at.centre, g.at.top]
                .iter()
                .all(|&(x, y)| contains(&area, x, y));
            if inside {
                covered.push(g.no);
            }
            !inside
        });
        Ok(())
    }

    fn glyph_paint(&mut self, p: &GlyphPaint) -> Result<(), OutputError> {
        let stroke_only = matches!(p.render_mode, 1 | 5);
        self.paint = Paint {
            invisible: matches!(p.render_mode, 3 | 7) || (!stroke_only && p.fill_alpha <= 0.0),
            colour: if stroke_only {
                rgb(p.stroke_colorspace, p.stroke_color)
            } else {
                rgb(p.fill_colorspace, p.fill_color)
            },
            clip: p.clip,
        };
        Ok(())
    }
}
