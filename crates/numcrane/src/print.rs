//! NumPy's `str()` and `repr()` of realized arrays.
//!
//! numcrane promises NumPy semantics, and what users see first is how arrays print, so
//! `Display` and `Debug` of an `Array` reproduce NumPy 2.x's `str(a)` and `repr(a)` with the
//! default print options character for character. This module follows the rules of NumPy's
//! `numpy/_core/arrayprint.py` (and, for 0-d `str`, the scalar printing of
//! `scalartypes.c.src`):
//!
//! * **Which elements.** Arrays with more than 1000 elements are summarised: along every axis
//!   longer than 6 only the first and last 3 entries are shown, with `...` in between. The
//!   element formatter is built from the shown elements only.
//! * **Element formatting.** All elements of one array share one width. Bools print as
//!   `" True"`/`"False"`, integers right-aligned to the longest, floats with NumPy's
//!   `FloatingFormat` in `floatmode='maxprec'`, precision 8 (see [`FloatFormat`]).
//! * **Layout.** Rows are wrapped at 75 columns (74 in `repr`, which reserves room for the
//!   closing parenthesis), nested axes are separated by newlines (one blank line per extra
//!   axis), and continuation lines are indented under the opening bracket.
//! * **repr.** `array(...)`, plus `shape=` when the array is summarised or empty (but not
//!   of shape `(0,)`), and `dtype=` unless the dtype is float64, int64 or bool (always for empty
//!   arrays), moved to their own line when they would overflow it.
//!
//! Float digits come from Rust's float formatting: `{:e}` gives the shortest digits that
//! round-trip (what NumPy's Dragon4 prints in its "unique" mode, except that Dragon4 breaks an
//! exact tie between two shortest candidates towards the even one; see [`shortest_digits`]),
//! and `{:.N}` / `{:.Ne}` give the exactly rounded value with round-half-even ties, which is
//! what Dragon4 produces when it is cut off at a precision.
//!
//! Elements are read through the realized layout (any strides, offset, broadcast axes), and only
//! the shown ones are read, so printing a huge or broadcast array is cheap. Nothing here panics
//! on bad data: a buffer of the wrong dtype or a layout outside its buffer prints as
//! `<error: ...>`.

use numcrane_graph::{layout::checked_size, DType, Element, Realized};
use std::fmt;
use std::ops::Div;
use std::str::FromStr;

/// Arrays with more elements than this are summarised (NumPy's `threshold`).
const THRESHOLD: usize = 1000;
/// Entries kept at each end of a summarised axis (NumPy's `edgeitems`).
const EDGE_ITEMS: usize = 3;
/// Maximum line length (NumPy's `linewidth`).
const LINE_WIDTH: usize = 75;
/// Maximum number of fraction digits of floats (NumPy's `precision`).
const PRECISION: usize = 8;
/// What a summarised axis prints in place of the hidden entries.
const SUMMARY: &str = "...";

/// NumPy's `str(a)` (`repr == false`) or `repr(a)` (`repr == true`) of a realized array of
/// this dtype and shape. Errors reading the elements print as `<error: ...>`.
pub(crate) fn format_array(r: &Realized, dtype: DType, shape: &[usize], repr: bool) -> String {
    let text = numcrane_graph::with_dtype!(dtype, T => format_typed::<T>(r, dtype, shape, repr));
    text.unwrap_or_else(|e| format!("<error: {e}>"))
}

/// [`format_array`] for the element type `T` of `dtype`.
fn format_typed<T: Printable>(
    r: &Realized,
    dtype: DType,
    shape: &[usize],
    repr: bool,
) -> Result<String, String> {
    let size = checked_size(shape).ok_or("array size overflows usize")?;
    let summarise = size > THRESHOLD;
    let body = if shape.is_empty() {
        let value = read_shown::<T>(r, shape, false)?
            .first()
            .copied()
            .ok_or("0-d array without an element")?;
        if !repr {
            // NumPy's str of a 0-d array is the str of its scalar: no precision cut-off.
            return Ok(value.scalar_str());
        }
        T::format_all(&[value], true).concat()
    } else if size == 0 {
        "[]".to_string()
    } else {
        let shown = read_shown::<T>(r, shape, summarise)?;
        let words = T::format_all(&shown, false);
        let (separator, prefix) = if repr { (", ", REPR_PREFIX) } else { (" ", "") };
        // repr's closing ")" takes one column of the line; rows continue under the "[".
        let width = if repr { LINE_WIDTH - 1 } else { LINE_WIDTH };
        let indent = " ".repeat(1 + prefix.len());
        Nest {
            shape,
            words: &words,
            next: 0,
            summarise,
            separator,
        }
        .recurse(0, &indent, width as isize)
    };
    Ok(if repr {
        repr_text(body, dtype, shape, size)
    } else {
        body
    })
}

/// NumPy's `str(a)` or `repr(a)` of a structured array: each record prints as a tuple of its
/// fields, each field formatted by the format function NumPy builds from that field's shown
/// elements (its `StructuredVoidFormat`); the repr always names the dtype. `None` when a
/// field does not evaluate.
pub(crate) fn format_records(rec: &crate::RecordArray, repr: bool) -> Option<String> {
    let rec = rec.eval().ok()?;
    let shape = rec.shape().to_vec();
    let size = checked_size(&shape)?;
    let summarise = size > THRESHOLD;
    let mut columns: Vec<Vec<String>> = Vec::new();
    for (_, a) in rec.fields() {
        let r = a.realized().ok()?;
        let words = numcrane_graph::with_dtype!(a.dtype(), T => {
            read_shown::<T>(r, &shape, summarise).map(|shown| T::format_all(&shown, false))
        })
        .ok()?;
        columns.push(words);
    }
    let count = columns.first().map_or(0, Vec::len);
    let words: Vec<String> = (0..count)
        .map(|i| {
            let parts: Vec<&str> = columns
                .iter()
                .map(|c| c.get(i).map_or("", String::as_str))
                .collect();
            if parts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        })
        .collect();
    let body = if shape.is_empty() {
        words.first()?.clone()
    } else if size == 0 {
        "[]".to_string()
    } else {
        let (separator, prefix) = if repr { (", ", REPR_PREFIX) } else { (" ", "") };
        let width = if repr { LINE_WIDTH - 1 } else { LINE_WIDTH };
        let indent = " ".repeat(1 + prefix.len());
        Nest {
            shape: &shape,
            words: &words,
            next: 0,
            summarise,
            separator,
        }
        .recurse(0, &indent, width as isize)
    };
    Some(if repr {
        repr_with(body, Some(rec.descr().repr()), &shape, size)
    } else {
        body
    })
}

// ---------------------------------------------------------------------------------------------
// Reading the shown elements
// ---------------------------------------------------------------------------------------------

/// The indices NumPy shows along an axis of length `n`: all of them, or the first and last
/// `EDGE_ITEMS` when the array is summarised and the axis is longer than twice that.
fn shown_indices(n: usize, summarise: bool) -> Vec<usize> {
    if summarise && n > 2 * EDGE_ITEMS {
        (0..EDGE_ITEMS).chain(n - EDGE_ITEMS..n).collect()
    } else {
        (0..n).collect()
    }
}

/// The shown elements of the array (all of them unless summarised), in row-major order, read
/// through the realized layout. The layout may have another shape of the same size, in which
/// case the array is its row-major reshape.
fn read_shown<T: Element>(
    r: &Realized,
    shape: &[usize],
    summarise: bool,
) -> Result<Vec<T>, String> {
    let data = r.buffer.as_slice::<T>().map_err(|e| e.to_string())?;
    if checked_size(&r.layout.shape) != checked_size(shape)
        || r.layout.strides.len() != r.layout.shape.len()
    {
        return Err(format!(
            "layout of shape {:?} does not hold an array of shape {shape:?}",
            r.layout.shape
        ));
    }
    let axes: Vec<Vec<usize>> = shape.iter().map(|&n| shown_indices(n, summarise)).collect();
    let mut out = Vec::with_capacity(axes.iter().map(Vec::len).product());
    // An odometer over the shown index of every axis, last axis fastest.
    let mut pos = vec![0usize; shape.len()];
    if axes.iter().any(Vec::is_empty) {
        return Ok(out);
    }
    loop {
        // Row-major position of the element (below the size, which fits in usize).
        let flat = pos
            .iter()
            .zip(&axes)
            .zip(shape)
            .fold(0usize, |acc, ((&p, idx), &n)| {
                acc.wrapping_mul(n).wrapping_add(idx[p])
            });
        let offset = element_offset(r, flat).ok_or("layout outside its buffer")?;
        out.push(*data.get(offset).ok_or("layout outside its buffer")?);
        let Some(axis) = (0..pos.len()).rev().find(|&k| pos[k] + 1 < axes[k].len()) else {
            return Ok(out);
        };
        pos[axis] += 1;
        pos[axis + 1..].iter_mut().for_each(|p| *p = 0);
    }
}

/// The buffer offset of the element at row-major position `flat` of the realized layout.
fn element_offset(r: &Realized, mut flat: usize) -> Option<usize> {
    let layout = &r.layout;
    let mut offset = isize::try_from(layout.offset).ok()?;
    for (&n, &stride) in layout.shape.iter().zip(&layout.strides).rev() {
        let index = isize::try_from(flat % n.max(1)).ok()?;
        flat /= n.max(1);
        offset = offset.checked_add(index.checked_mul(stride)?)?;
    }
    usize::try_from(offset).ok()
}

// ---------------------------------------------------------------------------------------------
// Nesting and line wrapping (NumPy's `_formatArray`)
// ---------------------------------------------------------------------------------------------

/// The state of NumPy's `_formatArray` recursion: the formatted shown elements are consumed in
/// row-major order as the brackets are laid out.
struct Nest<'a> {
    shape: &'a [usize],
    words: &'a [String],
    next: usize,
    summarise: bool,
    separator: &'static str,
}

impl Nest<'_> {
    /// The next formatted element (empty if, impossibly, there are too few).
    fn take_word(&mut self) -> String {
        let word = self.words.get(self.next).cloned().unwrap_or_default();
        self.next += 1;
        word
    }

    /// The text of the sub-array at `axis`. Every line but the first starts with
    /// `hanging_indent`; `width` is the room left before the closing brackets.
    fn recurse(&mut self, axis: usize, hanging_indent: &str, width: isize) -> String {
        let Some(&len) = self.shape.get(axis) else {
            return self.take_word();
        };
        let axes_left = self.shape.len() - axis;
        // Nested brackets add one column of indent and take one column for their "]".
        let next_indent = format!("{hanging_indent} ");
        let next_width = width - 1;
        let show_summary = self.summarise && len > 2 * EDGE_ITEMS;
        let leading = if show_summary { EDGE_ITEMS } else { 0 };
        let count = if show_summary { 2 * EDGE_ITEMS } else { len };

        let mut s = String::new();
        if axes_left == 1 {
            // The last axis: elements separated by the separator, wrapped so that a line with
            // its separator (or the closing bracket) fits in `width`.
            let sep_width = self.separator.trim_end().len().max(1) as isize;
            let elem_width = width - sep_width;
            let mut line = hanging_indent.to_string();
            for i in 0..count {
                if show_summary && i == leading {
                    extend_line(&mut s, &mut line, SUMMARY, elem_width, hanging_indent);
                    line.push_str(self.separator);
                }
                let word = self.recurse(axis + 1, &next_indent, next_width);
                extend_line(&mut s, &mut line, &word, elem_width, hanging_indent);
                if i + 1 < count {
                    line.push_str(self.separator);
                }
            }
            s.push_str(&line);
        } else {
            // Outer axes: one sub-array per line, with a blank line per axis below the rows.
            let line_sep = format!(
                "{}{}",
                self.separator.trim_end(),
                "\n".repeat(axes_left - 1)
            );
            for i in 0..count {
                if show_summary && i == leading {
                    s.push_str(hanging_indent);
                    s.push_str(SUMMARY);
                    s.push_str(&line_sep);
                }
                let nested = self.recurse(axis + 1, &next_indent, next_width);
                s.push_str(hanging_indent);
                s.push_str(&nested);
                if i + 1 < count {
                    s.push_str(&line_sep);
                }
            }
        }
        // The first line's indent becomes the opening bracket.
        format!("[{}]", s.get(hanging_indent.len()..).unwrap_or_default())
    }
}

/// NumPy's `_extendLine`: appends `word` to `line`, first moving `line` into `s` and starting
/// a new one at `prefix` if the word would pass `width` (unless the line holds nothing but its
/// prefix, where wrapping would not help).
fn extend_line(s: &mut String, line: &mut String, word: &str, width: isize, prefix: &str) {
    let too_long = (line.len() + word.len()) as isize > width;
    if too_long && line.len() > prefix.len() {
        s.push_str(line.trim_end());
        s.push('\n');
        *line = prefix.to_string();
    }
    line.push_str(word);
}

// ---------------------------------------------------------------------------------------------
// repr
// ---------------------------------------------------------------------------------------------

/// What `repr` puts before the nested brackets.
const REPR_PREFIX: &str = "array(";

/// NumPy's `_array_repr_implementation` around the formatted elements `body`.
fn repr_text(body: String, dtype: DType, shape: &[usize], size: usize) -> String {
    // float64, int64 and bool are what Python literals give, so NumPy leaves them implied.
    let implied = matches!(dtype, DType::F64 | DType::I64 | DType::Bool | DType::C128);
    let dtype_text = (!implied || size == 0).then(|| dtype.name().to_string());
    repr_with(body, dtype_text, shape, size)
}

/// [`repr_text`] with the dtype's text given (`None`: implied, not printed).
fn repr_with(body: String, dtype_text: Option<String>, shape: &[usize], size: usize) -> String {
    let mut extras = Vec::new();
    // The shape cannot be read off "[]" (except for shape (0,)), nor off a summary.
    if (size == 0 && shape != [0]) || size > THRESHOLD {
        extras.push(format!("shape={}", shape_tuple(shape)));
    }
    if let Some(d) = dtype_text {
        extras.push(format!("dtype={d}"));
    }
    if extras.is_empty() {
        return format!("{REPR_PREFIX}{body})");
    }
    let head = format!("{REPR_PREFIX}{body},");
    let tail = format!("{})", extras.join(", "));
    // The extras go on their own line, under the "[", if they would overflow the last line.
    let last_line = head.len() - head.rfind('\n').map_or(0, |i| i + 1);
    let spacer = if last_line + tail.len() + 1 > LINE_WIDTH {
        format!("\n{}", " ".repeat(REPR_PREFIX.len()))
    } else {
        " ".to_string()
    };
    format!("{head}{spacer}{tail}")
}

/// A shape as a Python tuple: `(5,)`, `(0, 3)`.
fn shape_tuple(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
    if dims.len() == 1 {
        format!("({},)", dims[0])
    } else {
        format!("({})", dims.join(", "))
    }
}

// ---------------------------------------------------------------------------------------------
// Element formatting
// ---------------------------------------------------------------------------------------------

/// An element type NumPy knows how to print.
trait Printable: Element {
    /// NumPy's `str()` of the scalar (what `str` of a 0-d array prints).
    fn scalar_str(self) -> String;
    /// The shown elements formatted by NumPy's format function for them, which is built from
    /// these same elements (`zero_d` for the single element of a 0-d array's repr).
    fn format_all(shown: &[Self], zero_d: bool) -> Vec<String>;
}

impl Printable for bool {
    fn scalar_str(self) -> String {
        if self { "True" } else { "False" }.to_string()
    }

    /// NumPy's `BoolFormat`: `" True"` lines up with `"False"`, except in 0-d arrays.
    fn format_all(shown: &[bool], zero_d: bool) -> Vec<String> {
        let true_str = if zero_d { "True" } else { " True" };
        shown
            .iter()
            .map(|&b| if b { true_str } else { "False" }.to_string())
            .collect()
    }
}

/// NumPy's `IntegerFormat`: every integer right-aligned to the longest (which is the largest or
/// the most negative).
fn format_ints<T: fmt::Display>(shown: &[T]) -> Vec<String> {
    let strs: Vec<String> = shown.iter().map(T::to_string).collect();
    let width = strs.iter().map(String::len).max().unwrap_or(0);
    strs.into_iter().map(|s| format!("{s:>width$}")).collect()
}

macro_rules! printable_int {
    ($($t:ty),*) => { $(
        impl Printable for $t {
            fn scalar_str(self) -> String {
                self.to_string()
            }
            fn format_all(shown: &[$t], _zero_d: bool) -> Vec<String> {
                format_ints(shown)
            }
        }
    )* };
}
printable_int!(i8, i16, i32, i64, u8, u16, u32, u64);

/// What float formatting needs of f32 and f64.
trait PrintFloat:
    Copy + PartialOrd + fmt::Display + fmt::LowerExp + Div<Output = Self> + FromStr
{
    /// Arrays switch to scientific notation when their largest magnitude reaches
    /// `10**min(8, finfo(dtype).precision)`: 1e6 for float32, 1e8 for float64.
    const EXP_CUTOFF_MAX: Self;
    /// ... or their smallest nonzero magnitude is below 1e-4 (compared in the dtype) ...
    const EXP_CUTOFF_MIN: Self;
    /// ... or the ratio of the two is above 1000 (computed in the dtype).
    const EXP_CUTOFF_RATIO: Self;
    /// A scalar's `str` is positional from 1e-4 up to (not including) this magnitude.
    const MAX_POSITIONAL: f64;
    /// Zero.
    const ZERO: Self;

    /// The absolute value.
    fn magnitude(self) -> Self;
    /// Neither NaN nor infinite.
    fn finite(self) -> bool;
    /// NaN.
    fn nan(self) -> bool;
    /// The sign bit is set (including -0.0, which NumPy prints as `-0.`).
    fn negative(self) -> bool;
    /// The value as f64 (exact).
    fn as_f64(self) -> f64;
}

macro_rules! print_float {
    ($t:ty, $cutoff_max:expr, $max_positional:expr) => {
        impl PrintFloat for $t {
            const EXP_CUTOFF_MAX: $t = $cutoff_max;
            const EXP_CUTOFF_MIN: $t = 0.0001;
            const EXP_CUTOFF_RATIO: $t = 1000.0;
            const MAX_POSITIONAL: f64 = $max_positional;
            const ZERO: $t = 0.0;

            fn magnitude(self) -> $t {
                <$t>::abs(self)
            }
            fn finite(self) -> bool {
                <$t>::is_finite(self)
            }
            fn nan(self) -> bool {
                <$t>::is_nan(self)
            }
            fn negative(self) -> bool {
                <$t>::is_sign_negative(self)
            }
            fn as_f64(self) -> f64 {
                f64::from(self)
            }
        }

        impl Printable for $t {
            fn scalar_str(self) -> String {
                float_scalar_str(self)
            }
            fn format_all(shown: &[$t], _zero_d: bool) -> Vec<String> {
                let format = FloatFormat::new(shown);
                shown.iter().map(|&x| format.format(x)).collect()
            }
        }
    };
}
print_float!(f32, 1e6, 1e6);
print_float!(f64, 1e8, 1e16);

/// NumPy's `ComplexFloatingFormat`: the real parts get one `FloatingFormat`, the imaginary
/// parts another with `sign='+'`, and the `j` goes before the imaginary part's padding
/// (`[ 1.5+2.j   -0. -0.25j]`).
fn format_complex<T: PrintFloat>(re: &[T], im: &[T]) -> Vec<String> {
    let real_format = FloatFormat::with_sign(re, false);
    let imag_format = FloatFormat::with_sign(im, true);
    re.iter()
        .zip(im)
        .map(|(&r, &i)| {
            let mut i = imag_format.format(i);
            let end = i.trim_end().len();
            i.insert(end, 'j');
            real_format.format(r) + &i
        })
        .collect()
}

/// NumPy's `str()` of a complex scalar: `(1+2j)`, `2j` when the real part is +0, parts in the
/// float scalar's shortest form without a trailing `.0`.
fn complex_scalar_str<T: PrintFloat>(re: T, im: T) -> String {
    let part = |x: T| {
        let s = float_scalar_str(x);
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    };
    let imag = part(im);
    if re.as_f64() == 0.0 && !re.negative() {
        return format!("{imag}j");
    }
    // NaN prints "+nan" whatever its sign bit, as NumPy.
    let sign = if im.negative() && !im.nan() { "" } else { "+" };
    format!("({}{sign}{imag}j)", part(re))
}

macro_rules! print_complex {
    ($c:ty) => {
        impl Printable for $c {
            fn scalar_str(self) -> String {
                complex_scalar_str(self.re, self.im)
            }
            fn format_all(shown: &[$c], _zero_d: bool) -> Vec<String> {
                let re: Vec<_> = shown.iter().map(|z| z.re).collect();
                let im: Vec<_> = shown.iter().map(|z| z.im).collect();
                format_complex(&re, &im)
            }
        }
    };
}
print_complex!(numcrane_graph::Complex32);
print_complex!(numcrane_graph::Complex64);

/// A non-negative decimal number: `digits` (ASCII, no leading zeros, no trailing zeros, `"0"`
/// for zero) with the first digit in the `10^exp` place.
#[derive(Clone, Debug, PartialEq)]
struct Decimal {
    digits: Vec<u8>,
    exp: i32,
}

impl Decimal {
    /// Parses Rust's `{:e}` / `{:.Ne}` output for a non-negative number (`"1.25e-3"`).
    fn from_scientific(s: &str) -> Decimal {
        let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
        let digits = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        Decimal::normalized(digits, exp.parse().unwrap_or(0))
    }

    /// Parses Rust's `{}` / `{:.N}` output for a non-negative number (`"0.00125"`).
    fn from_positional(s: &str) -> Decimal {
        let int_len = s.find('.').unwrap_or(s.len());
        let digits = s.bytes().filter(u8::is_ascii_digit).collect();
        Decimal::normalized(digits, int_len as i32 - 1)
    }

    /// Drops leading zeros (moving the exponent) and trailing zeros.
    fn normalized(mut digits: Vec<u8>, mut exp: i32) -> Decimal {
        let leading = digits.iter().take_while(|&&d| d == b'0').count();
        if leading == digits.len() {
            return Decimal {
                digits: vec![b'0'],
                exp: 0,
            };
        }
        digits.drain(..leading);
        exp -= leading as i32;
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        Decimal { digits, exp }
    }

    /// The float of this type nearest to the number.
    fn read_back<T: PrintFloat>(&self) -> Option<T> {
        let digits = String::from_utf8_lossy(&self.digits);
        let exp = self.exp - (self.digits.len() as i32 - 1);
        format!("{digits}e{exp}").parse().ok()
    }

    /// Digits after the decimal point in positional notation.
    fn fraction_len(&self) -> usize {
        (self.digits.len() as i32 - 1 - self.exp).max(0) as usize
    }

    /// Digits after the point of the mantissa in scientific notation.
    fn mantissa_fraction_len(&self) -> usize {
        self.digits.len() - 1
    }

    /// The integer and fraction digits in positional notation (`"0"` for no integer part).
    fn positional_parts(&self) -> (String, String) {
        let text = |d: &[u8]| String::from_utf8_lossy(d).into_owned();
        if self.exp < 0 {
            let zeros = "0".repeat((-self.exp - 1) as usize);
            return ("0".to_string(), zeros + &text(&self.digits));
        }
        let int_len = self.exp as usize + 1;
        if self.digits.len() <= int_len {
            let zeros = "0".repeat(int_len - self.digits.len());
            (text(&self.digits) + &zeros, String::new())
        } else {
            let (int, frac) = self.digits.split_at(int_len);
            (text(int), text(frac))
        }
    }
}

/// Enough significant digits to print any f32 or f64 exactly (f64 needs at most 767).
const EXACT_DIGITS: usize = 800;

/// The shortest digits of `|x|` that read back as `x`, as NumPy's Dragon4 "unique" mode picks
/// them. Rust's `{:e}` gives the same digits except when `|x|` lies exactly halfway between two
/// equally short candidates that both read back as `x`: Rust takes the upper one, Dragon4 (like
/// Python's `repr`) the even one. E.g. float32 265906.125 prints as `265906.12`.
fn shortest_digits<T: PrintFloat>(x: T) -> Decimal {
    let m = x.magnitude();
    let upper = Decimal::from_scientific(&format!("{m:e}"));
    let n = upper.digits.len();
    // Only an odd last digit can have an even neighbour one unit below it at the same length.
    let Some(&last) = upper.digits.last() else {
        return upper;
    };
    if matches!(last, b'0' | b'2' | b'4' | b'6' | b'8') {
        return upper;
    }
    let mut lower = upper.digits.clone();
    if let Some(d) = lower.last_mut() {
        *d -= 1;
    }
    let mut midpoint = lower.clone();
    midpoint.push(b'5');
    // |x| must be exactly the midpoint: rounding to one more digit gives it (cheap test first),
    // and so does the full exact expansion.
    let is_midpoint = |digits: usize| {
        let d = Decimal::from_scientific(&format!("{:.*e}", digits - 1, m));
        d.digits == midpoint && d.exp == upper.exp
    };
    if !is_midpoint(n + 1) || !is_midpoint(EXACT_DIGITS) {
        return upper;
    }
    let lower = Decimal::normalized(lower, upper.exp);
    if lower.read_back::<T>() == Some(m) {
        lower
    } else {
        upper
    }
}

/// The digits NumPy's array formatter prints for a finite `x` in positional notation
/// (Dragon4 positional, unique, at most `PRECISION` fraction digits, trailing zeros trimmed):
/// the shortest round-trip digits when they fit, else the exact value rounded to `PRECISION`
/// fraction digits. Dragon4 also always prints down to the units digit, which the shortest
/// digits of a large integer-valued float may not reach.
fn positional_digits<T: PrintFloat>(x: T) -> Decimal {
    let shortest = shortest_digits(x);
    let reaches_units = shortest.digits.len() as i32 > shortest.exp;
    if shortest.fraction_len() <= PRECISION && reaches_units {
        shortest
    } else {
        Decimal::from_positional(&format!("{:.*}", PRECISION, x.magnitude()))
    }
}

/// The digits NumPy's array formatter first computes for a finite `x` in scientific notation
/// (Dragon4 scientific, unique, at most `PRECISION` mantissa fraction digits): the shortest
/// round-trip digits when they fit, else the exact value rounded to `PRECISION + 1`
/// significant digits, trailing zeros trimmed.
fn scientific_digits<T: PrintFloat>(x: T) -> Decimal {
    let shortest = shortest_digits(x);
    if shortest.mantissa_fraction_len() <= PRECISION {
        shortest
    } else {
        Decimal::from_scientific(&format!("{:.*e}", PRECISION, x.magnitude()))
    }
}

/// Number of decimal digits of `n`.
fn digit_count(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// `e+05`-style exponent: a sign and at least `min_digits` digits.
fn exponent_text(exp: i32, min_digits: usize) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    format!("e{sign}{:0min_digits$}", exp.unsigned_abs())
}

/// NumPy's `FloatingFormat` for `floatmode='maxprec'`, `precision=8`, `suppress=False`,
/// `sign='-'`: one notation and one set of paddings for all elements of an array.
///
/// * Scientific notation is used when a nonzero finite magnitude is `>= EXP_CUTOFF_MAX` or
///   `< 1e-4`, or max/min `> 1000`. Then every element gets the same number of mantissa fraction
///   digits (the most any element needs, at most 8) and the same exponent width (at least 2).
/// * Otherwise positional: each element has its own digits (at most 8 after the point), the
///   integer parts are right-aligned and the fractions padded with spaces to a common width,
///   e.g. `[1.5 2.  3. ]`.
/// * `nan`, `inf` and `-inf` are right-aligned to the full element width, which grows if they are
///   longer than the finite elements.
struct FloatFormat {
    scientific: bool,
    /// Mantissa fraction digits in scientific notation.
    precision: usize,
    /// Minimum exponent digits in scientific notation.
    exp_size: usize,
    /// Width of the integer part (with its sign).
    pad_left: usize,
    /// Width of what follows the point.
    pad_right: usize,
    /// NumPy's `sign='+'` (imaginary parts): non-negative values print a `+`.
    plus: bool,
}

impl FloatFormat {
    fn new<T: PrintFloat>(data: &[T]) -> FloatFormat {
        FloatFormat::with_sign(data, false)
    }

    /// The format for `data`, with a `+` before non-negative values when `plus`.
    fn with_sign<T: PrintFloat>(data: &[T], plus: bool) -> FloatFormat {
        let finite: Vec<T> = data.iter().copied().filter(|x| x.finite()).collect();
        let mut format = FloatFormat {
            scientific: uses_scientific(&finite),
            precision: 0,
            exp_size: 0,
            pad_left: 0,
            pad_right: 0,
            plus,
        };
        for &x in &finite {
            let sign_len = usize::from(x.negative() || plus);
            if format.scientific {
                let d = scientific_digits(x);
                format.precision = format.precision.max(d.mantissa_fraction_len());
                format.exp_size = format
                    .exp_size
                    .max(digit_count(d.exp.unsigned_abs()).max(2));
                format.pad_left = format.pad_left.max(1 + sign_len);
            } else {
                let (int, frac) = positional_digits(x).positional_parts();
                format.pad_left = format.pad_left.max(sign_len + int.len());
                format.pad_right = format.pad_right.max(frac.len());
            }
        }
        if format.scientific {
            // "e", the exponent's sign and digits, the point and the mantissa's fraction.
            format.pad_right = format.exp_size + 2 + format.precision;
        }
        if finite.len() != data.len() {
            // Room for "nan", "inf" or "-inf" in the integer part plus the rest of the width.
            // With `sign='+'` every infinity takes a sign's column.
            let neg_inf = plus
                || data
                    .iter()
                    .any(|&x| !x.finite() && !x.nan() && x.negative());
            let rest = format.pad_right + 1;
            format.pad_left = format
                .pad_left
                .max(3usize.saturating_sub(rest))
                .max((3 + usize::from(neg_inf)).saturating_sub(rest));
        }
        format
    }

    /// One element, padded to the common width.
    fn format<T: PrintFloat>(&self, x: T) -> String {
        let width = self.pad_left + self.pad_right + 1;
        let plus = if self.plus { "+" } else { "" };
        if x.nan() {
            return format!("{:>width$}", format!("{plus}nan"));
        }
        if !x.finite() {
            let text = if x.negative() {
                "-inf".to_string()
            } else {
                format!("{plus}inf")
            };
            return format!("{text:>width$}");
        }
        let sign = if x.negative() { "-" } else { plus };
        let pad_left = self.pad_left;
        if self.scientific {
            // Every element gets exactly `precision` mantissa digits: Dragon4 keeps printing
            // exact digits past the shortest ones, so this is the exactly rounded value.
            let d = Decimal::from_scientific(&format!("{:.*e}", self.precision, x.magnitude()));
            let mut mantissa = d.digits.clone();
            mantissa.resize(self.precision + 1, b'0');
            let (first, rest) = mantissa.split_at(1);
            let int = format!("{sign}{}", String::from_utf8_lossy(first));
            format!(
                "{int:>pad_left$}.{}{}",
                String::from_utf8_lossy(rest),
                exponent_text(d.exp, self.exp_size)
            )
        } else {
            let (int, frac) = positional_digits(x).positional_parts();
            let int = format!("{sign}{int}");
            format!(
                "{int:>pad_left$}.{frac:<pad_right$}",
                pad_right = self.pad_right
            )
        }
    }
}

/// NumPy's choice of scientific notation for an array's finite elements, made on the nonzero
/// magnitudes with comparisons in the array's own dtype.
fn uses_scientific<T: PrintFloat>(finite: &[T]) -> bool {
    let mut magnitudes = finite
        .iter()
        .map(|x| x.magnitude())
        .filter(|&m| m != T::ZERO);
    let Some(first) = magnitudes.next() else {
        return false;
    };
    let (min, max) = magnitudes.fold((first, first), |(lo, hi), m| {
        (if m < lo { m } else { lo }, if m > hi { m } else { hi })
    });
    max >= T::EXP_CUTOFF_MAX || min < T::EXP_CUTOFF_MIN || max / min > T::EXP_CUTOFF_RATIO
}

/// NumPy's `str()` of a float scalar: the shortest round-trip digits, positional (with at least
/// one fraction digit, `1.0`) for magnitudes in `[1e-4, MAX_POSITIONAL)` and zero, otherwise
/// scientific without a trailing point (`1e+16`, `1.5e-07`).
fn float_scalar_str<T: PrintFloat>(x: T) -> String {
    if x.nan() {
        return "nan".to_string();
    }
    if !x.finite() {
        return if x.negative() { "-inf" } else { "inf" }.to_string();
    }
    let sign = if x.negative() { "-" } else { "" };
    let digits = shortest_digits(x);
    let m = x.magnitude().as_f64();
    if m == 0.0 || (1e-4..T::MAX_POSITIONAL).contains(&m) {
        // Dragon4 positional pads the shortest digits with zeros up to the point, and keeps
        // one zero after it: `1.0`, `9999000000000000.0`.
        let (int, frac) = digits.positional_parts();
        let frac = if frac.is_empty() {
            "0".to_string()
        } else {
            frac
        };
        return format!("{sign}{int}.{frac}");
    }
    let (first, rest) = digits.digits.split_at(1.min(digits.digits.len()));
    let point = if rest.is_empty() { "" } else { "." };
    format!(
        "{sign}{}{point}{}{}",
        String::from_utf8_lossy(first),
        String::from_utf8_lossy(rest),
        exponent_text(digits.exp, 2)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use numcrane_graph::{Buffer, Layout};
    use std::sync::Arc;

    const CASES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/golden/print/cases.txt"
    );

    /// One block of tests/golden/print/cases.txt (see tests/numpy/gen_print_golden.py).
    struct Case {
        name: String,
        dtype: DType,
        shape: Vec<usize>,
        values: Vec<String>,
        str_text: String,
        repr_text: String,
    }

    fn parse_cases() -> Vec<Case> {
        let text =
            std::fs::read_to_string(CASES).expect("golden print cases (run gen_print_golden.py)");
        let mut lines = text.split('\n');
        let mut cases = Vec::new();
        while let Some(line) = lines.next() {
            let Some(name) = line.strip_prefix("case ") else {
                assert!(line.is_empty(), "unexpected line {line:?}");
                continue;
            };
            let dtype = DType::from_name(&next_field(&mut lines, name, "dtype")).expect("dtype");
            let shape = next_field(&mut lines, name, "shape")
                .split_whitespace()
                .map(|d| d.parse().expect("shape"))
                .collect();
            let values = next_field(&mut lines, name, "values")
                .split_whitespace()
                .map(String::from)
                .collect();
            let str_lines: usize = next_field(&mut lines, name, "str")
                .parse()
                .expect("str count");
            let str_text = (0..str_lines)
                .map(|_| lines.next().expect("str line").to_string())
                .collect::<Vec<_>>()
                .join("\n");
            let repr_lines: usize = next_field(&mut lines, name, "repr")
                .parse()
                .expect("repr count");
            let repr_text = (0..repr_lines)
                .map(|_| lines.next().expect("repr line").to_string())
                .collect::<Vec<_>>()
                .join("\n");
            assert_eq!(lines.next(), Some("end"), "{name}");
            cases.push(Case {
                name: name.to_string(),
                dtype,
                shape,
                values,
                str_text,
                repr_text,
            });
        }
        cases
    }

    /// The rest of the next line, which must start with `key`.
    fn next_field<'a>(lines: &mut impl Iterator<Item = &'a str>, case: &str, key: &str) -> String {
        let line = lines.next().expect("truncated case");
        let rest = line
            .strip_prefix(key)
            .unwrap_or_else(|| panic!("{case}: expected {key}"));
        rest.trim_start().to_string()
    }

    /// Parses one value of the golden file.
    trait ParseValue: Element {
        fn parse_value(s: &str) -> Self;
    }
    impl ParseValue for bool {
        fn parse_value(s: &str) -> bool {
            s == "1"
        }
    }
    macro_rules! parse_value {
        ($($t:ty),*) => { $(impl ParseValue for $t {
            fn parse_value(s: &str) -> $t { s.parse().expect("integer value") }
        })* };
    }
    parse_value!(i8, i16, i32, i64, u8, u16, u32, u64);
    impl ParseValue for f64 {
        fn parse_value(s: &str) -> f64 {
            s.parse().expect("float value")
        }
    }
    impl ParseValue for f32 {
        fn parse_value(s: &str) -> f32 {
            // The golden file holds the exact f32 value as a Python float.
            f64::parse_value(s) as f32
        }
    }
    // Complex values are written as `re,im`.
    impl ParseValue for numcrane_graph::Complex32 {
        fn parse_value(s: &str) -> Self {
            let (re, im) = s.split_once(',').expect("re,im");
            Self::new(f32::parse_value(re), f32::parse_value(im))
        }
    }
    impl ParseValue for numcrane_graph::Complex64 {
        fn parse_value(s: &str) -> Self {
            let (re, im) = s.split_once(',').expect("re,im");
            Self::new(f64::parse_value(re), f64::parse_value(im))
        }
    }

    /// The elements reordered for storage: `stored[i] = values[source(i)]`.
    fn reorder<T: Copy>(values: &[T], source: impl Fn(usize) -> usize) -> Vec<T> {
        (0..values.len()).map(|i| values[source(i)]).collect()
    }

    /// Row-major multi-index of `flat` in `shape`.
    fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
        let mut index = vec![0; shape.len()];
        for (k, &n) in shape.iter().enumerate().rev() {
            index[k] = flat % n;
            flat /= n;
        }
        index
    }

    fn ravel(index: &[usize], shape: &[usize]) -> usize {
        index.iter().zip(shape).fold(0, |acc, (&i, &n)| acc * n + i)
    }

    fn realized<T: Element>(stored: &[T], layout: Layout) -> Realized {
        Realized {
            buffer: Arc::new(Buffer::from_slice(stored).expect("buffer")),
            layout,
        }
    }

    /// The same logical array stored in several ways: contiguous, after some junk with an
    /// offset, transposed (axes reversed), and flipped along the first axis.
    fn storages<T: ParseValue>(case: &Case) -> Vec<(&'static str, Realized)> {
        let values: Vec<T> = case.values.iter().map(|s| T::parse_value(s)).collect();
        let shape = &case.shape;
        let mut out = vec![("contiguous", realized(&values, Layout::contiguous(shape)))];
        if values.is_empty() {
            return out;
        }
        let junk = values.len().min(3);
        let mut shifted = values[..junk].to_vec();
        shifted.extend_from_slice(&values);
        let mut layout = Layout::contiguous(shape);
        layout.offset = junk;
        out.push(("offset", realized(&shifted, layout)));
        if shape.len() >= 2 {
            // Store the transpose contiguously and view it transposed back.
            let reversed: Vec<usize> = shape.iter().rev().copied().collect();
            let stored = reorder(&values, |i| {
                let mut index = unravel(i, &reversed);
                index.reverse();
                ravel(&index, shape)
            });
            let axes: Vec<usize> = (0..shape.len()).rev().collect();
            out.push((
                "transposed",
                realized(&stored, Layout::contiguous(&reversed).permute(&axes)),
            ));
        }
        if !shape.is_empty() {
            let stored = reorder(&values, |i| {
                let mut index = unravel(i, shape);
                index[0] = shape[0] - 1 - index[0];
                ravel(&index, shape)
            });
            out.push((
                "flipped",
                realized(&stored, Layout::contiguous(shape).flip(0)),
            ));
        }
        out
    }

    #[test]
    fn matches_numpy_golden_cases() {
        let cases = parse_cases();
        assert!(cases.len() > 200, "only {} cases", cases.len());
        let mut failures = Vec::new();
        for case in &cases {
            let storages = numcrane_graph::with_dtype!(case.dtype, T => storages::<T>(case));
            for (how, r) in storages {
                for (repr, want) in [(false, &case.str_text), (true, &case.repr_text)] {
                    let got = format_array(&r, case.dtype, &case.shape, repr);
                    if &got != want {
                        let kind = if repr { "repr" } else { "str" };
                        failures.push(format!(
                            "{} ({how}) {kind}:\n--- numpy\n{want}\n--- numcrane\n{got}\n",
                            case.name
                        ));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} mismatches:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn arrays_print_through_display_and_debug() {
        // np.array([[1.0, 2.5], [3.0, 4.0]], dtype=np.float32) and its transpose.
        let a = crate::array([[1.0f32, 2.5], [3.0, 4.0]]);
        assert_eq!(format!("{a}"), "[[1.  2.5]\n [3.  4. ]]");
        assert_eq!(
            format!("{a:?}"),
            "array([[1. , 2.5],\n       [3. , 4. ]], dtype=float32)"
        );
        assert_eq!(format!("{}", a.T()), "[[1.  3. ]\n [2.5 4. ]]");
        let b = crate::array([1.0f64, -0.5]).broadcast_to(&[2000, 2]);
        assert_eq!(
            format!("{b:?}"),
            "array([[ 1. , -0.5],\n       [ 1. , -0.5],\n       [ 1. , -0.5],\n       ...,\n       \
             [ 1. , -0.5],\n       [ 1. , -0.5],\n       [ 1. , -0.5]], shape=(2000, 2))"
        );
    }

    #[test]
    fn broadcast_arrays_read_only_the_corners() {
        // np.broadcast_to(np.arange(3), (1000000, 3)): stride 0 over three elements.
        let layout = Layout {
            shape: vec![1_000_000, 3],
            strides: vec![0, 1],
            offset: 0,
        };
        let r = realized(&[0i64, 1, 2], layout);
        let shape = [1_000_000, 3];
        assert_eq!(
            format_array(&r, DType::I64, &shape, false),
            "[[0 1 2]\n [0 1 2]\n [0 1 2]\n ...\n [0 1 2]\n [0 1 2]\n [0 1 2]]"
        );
        assert_eq!(
            format_array(&r, DType::I64, &shape, true),
            "array([[0, 1, 2],\n       [0, 1, 2],\n       [0, 1, 2],\n       ...,\n       \
             [0, 1, 2],\n       [0, 1, 2],\n       [0, 1, 2]], shape=(1000000, 3))"
        );
    }

    #[test]
    fn bad_input_prints_an_error() {
        let r = realized(&[1.0f32, 2.0], Layout::contiguous(&[2]));
        assert!(format_array(&r, DType::I64, &[2], false).starts_with("<error"));
        let outside = Layout {
            shape: vec![3],
            strides: vec![5],
            offset: 0,
        };
        let r = realized(&[1.0f32, 2.0], outside);
        assert!(format_array(&r, DType::F32, &[3], true).starts_with("<error"));
        let r = realized(&[1.0f32, 2.0], Layout::contiguous(&[2]));
        assert!(format_array(&r, DType::F32, &[5], true).starts_with("<error"));
        let r = realized(&[1.0f32, 2.0], Layout::contiguous(&[2]));
        assert!(format_array(&r, DType::F32, &[usize::MAX, 2], true).starts_with("<error"));
    }

    #[test]
    fn decimals_parse_rust_output() {
        let d = Decimal::from_scientific("1.2500e-3");
        assert_eq!((d.digits.as_slice(), d.exp), (&b"125"[..], -3));
        assert_eq!(d.positional_parts(), ("0".into(), "00125".into()));
        let d = Decimal::from_positional("120.50000000");
        assert_eq!((d.digits.as_slice(), d.exp), (&b"1205"[..], 2));
        assert_eq!(d.positional_parts(), ("120".into(), "5".into()));
        let d = Decimal::from_positional("0.00000000");
        assert_eq!((d.digits.as_slice(), d.exp), (&b"0"[..], 0));
        assert_eq!(
            Decimal::from_scientific("1e20").positional_parts().0.len(),
            21
        );
    }
}
