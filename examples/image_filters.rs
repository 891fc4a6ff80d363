//! Image filters written with slicing, on a generated picture: grayscale conversion (a weighted
//! sum of the colour channels), a 3x3 box blur and Sobel edge magnitudes (sums of shifted
//! views of an edge-padded image, NumPy's `p[:-2, 1:-1] + ...` idiom), written as PGM and
//! PNG files.
//!
//! Run with `cargo run --release --example image_filters [OUT_DIR]` (files go to OUT_DIR,
//! default `target/image_filters`); tests/examples.rs runs it small and compares the filters
//! with plain loops.

use numcrane::{arange, array, matmul, pad, s, stack, Array, DType, NewAxis, PadMode};
use numcrane::{hypot, Pairs};
use std::path::Path;

/// An RGB picture [h, w, 3] in [0, 1]: a colour gradient with a bright ellipse and a dark rectangle.
pub fn picture(h: usize, w: usize) -> Array {
    let y = arange(0.0, h as f64, 1.0).slice(s![.., NewAxis]) / h as f64;
    let x = arange(0.0, w as f64, 1.0).slice(s![NewAxis, ..]) / w as f64;
    let (cy, cx, r) = (0.4, 0.35, 0.2);
    let disc = ((&y - cy).pow(2.0) + (&x - cx).pow(2.0))
        .le(r * r)
        .astype(DType::F64);
    let square = (&y.ge(0.55) & &y.lt(0.85)) & (&x.ge(0.6) & &x.lt(0.9));
    let square = square.astype(DType::F64);
    let red = (&x * 0.8 + &disc * 0.6 - &square * 0.7).clip(0.0, 1.0);
    let green = (&y * 0.7 + &disc * 0.5 - &square * 0.6).clip(0.0, 1.0);
    let blue = ((1.0f64 - &x) * 0.6 + &disc * 0.2 - &square * 0.5).clip(0.0, 1.0);
    stack(&[&red, &green, &blue], -1)
}

/// Luminance: `rgb @ [0.299, 0.587, 0.114]` (ITU-R 601), shape [h, w].
pub fn grayscale(rgb: &Array) -> Array {
    matmul(rgb, &array([0.299, 0.587, 0.114]))
}

/// The 3x3 mean of every pixel's neighbourhood (edges repeated), as nine shifted views.
pub fn box_blur(img: &Array) -> Array {
    let p = pad(img, Pairs::All(1), PadMode::Edge);
    let (h, w) = (img.shape()[0] as isize, img.shape()[1] as isize);
    let mut sum: Option<Array> = None;
    for dy in 0..3 {
        for dx in 0..3 {
            let v = p.slice(s![dy..dy + h, dx..dx + w]);
            sum = Some(match sum {
                None => v,
                Some(acc) => acc + v,
            });
        }
    }
    sum.map(|s| s / 9.0).unwrap_or_else(|| img.copy())
}

/// Sobel gradient magnitude `hypot(gx, gy)` (edges repeated).
pub fn sobel(img: &Array) -> Array {
    let p = pad(img, Pairs::All(1), PadMode::Edge);
    let (h, w) = (img.shape()[0] as isize, img.shape()[1] as isize);
    let at = |dy: isize, dx: isize| p.slice(s![dy..dy + h, dx..dx + w]);
    let gx = (at(0, 2) + at(1, 2) * 2.0 + at(2, 2)) - (at(0, 0) + at(1, 0) * 2.0 + at(2, 0));
    let gy = (at(2, 0) + at(2, 1) * 2.0 + at(2, 2)) - (at(0, 0) + at(0, 1) * 2.0 + at(0, 2));
    hypot(&gx, &gy)
}

/// 8-bit pixels of an image in [0, `max`], row-major.
fn bytes(img: &Array, max: f64) -> numcrane::Result<Vec<u8>> {
    let scaled = (img / max * 255.0)
        .round(0)
        .clip(0.0, 255.0)
        .astype(DType::U8);
    scaled.to_vec::<u8>()
}

/// Writes a binary PGM (P5) of an 8-bit grayscale image.
fn write_pgm(path: &Path, w: usize, h: usize, pixels: &[u8]) -> std::io::Result<()> {
    let mut data = format!("P5\n{w} {h}\n255\n").into_bytes();
    data.extend_from_slice(pixels);
    std::fs::write(path, data)
}

/// Writes an 8-bit PNG (grayscale or RGB) with the `png` crate.
fn write_png(path: &Path, w: usize, h: usize, rgb: bool, pixels: &[u8]) -> std::io::Result<()> {
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut enc = png::Encoder::new(file, w as u32, h as u32);
    enc.set_color(if rgb {
        png::ColorType::Rgb
    } else {
        png::ColorType::Grayscale
    });
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(std::io::Error::other)?;
    writer
        .write_image_data(pixels)
        .map_err(std::io::Error::other)
}

/// Makes the picture, filters it and writes the five files into `dir`; returns the filtered
/// images (gray, blurred, edges) realized.
pub fn run(h: usize, w: usize, dir: &Path) -> numcrane::Result<[Array; 3]> {
    let rgb = picture(h, w).eval()?;
    let gray = grayscale(&rgb).eval()?;
    let blurred = box_blur(&gray).eval()?;
    let edges = sobel(&gray).eval()?;
    let max_edge = edges.max(..).item::<f64>()?.max(1e-12);
    std::fs::create_dir_all(dir).map_err(|e| io_error("create_dir_all", e))?;
    let write = |name: &str, img: &Array, max: f64, rgb: bool| -> numcrane::Result<()> {
        let px = bytes(img, max)?;
        let png_path = dir.join(format!("{name}.png"));
        write_png(&png_path, w, h, rgb, &px).map_err(|e| io_error("write png", e))?;
        if !rgb {
            let pgm_path = dir.join(format!("{name}.pgm"));
            write_pgm(&pgm_path, w, h, &px).map_err(|e| io_error("write pgm", e))?;
        }
        Ok(())
    };
    write("picture", &rgb, 1.0, true)?;
    write("gray", &gray, 1.0, false)?;
    write("blur", &blurred, 1.0, false)?;
    write("edges", &edges, max_edge, false)?;
    Ok([gray, blurred, edges])
}

fn io_error(what: &str, e: std::io::Error) -> numcrane::Error {
    numcrane::Error::internal("image_filters", format!("{what}: {e}"))
}

#[allow(dead_code)]
fn main() -> numcrane::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/image_filters".into());
    let dir = Path::new(&dir);
    let (h, w) = (480, 640);
    let [gray, blurred, edges] = run(h, w, dir)?;
    let mean = |a: &Array| a.mean(..).item::<f64>();
    println!(
        "{w}x{h} picture -> gray, 3x3 box blur, Sobel edges in {}",
        dir.display()
    );
    println!(
        "mean gray {:.4}, mean blurred {:.4}, strongest edge {:.3}",
        mean(&gray)?,
        mean(&blurred)?,
        edges.max(..).item::<f64>()?
    );
    // A blur averages: its mean stays within 1% of the picture's, its range inside it.
    assert!((mean(&gray)? - mean(&blurred)?).abs() < 0.01);
    assert!(blurred.max(..).item::<f64>()? <= gray.max(..).item::<f64>()? + 1e-12);
    // The dark square's border is a strong edge; the flat inside of the square is not.
    let inside = edges
        .slice(s![(h as isize) * 7 / 10, (w as isize) * 3 / 4])
        .item::<f64>()?;
    let border = edges
        .slice(s![(h as isize) * 7 / 10, (w as f64 * 0.6) as isize])
        .item::<f64>()?;
    assert!(
        border > 10.0 * inside.max(1e-3),
        "border {border}, inside {inside}"
    );
    println!("edge at the square's border {border:.3}, inside it {inside:.4}");
    Ok(())
}
