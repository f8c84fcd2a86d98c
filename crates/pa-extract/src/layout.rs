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

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

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

/// Collects one page's text.
pub(crate) struct PageText<'a> {
    out: &'a mut String,
    flip: Transform,
    pen: Option<Pen>,
    /// Character codes shown that decoded to some text (spaces included).
    pub(crate) shown: u64,
}

impl<'a> PageText<'a> {
    pub(crate) fn new(out: &'a mut String) -> Self {
        PageText {
            out,
            flip: Transform::identity(),
            pen: None,
            shown: 0,
        }
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
}
