//! The report's SVG charts, drawn with plotters' SVG backend (no system fonts needed): the
//! speed-up of each implementation over NumPy per row (horizontal bars on a log axis, from
//! 1x), and the time per call against the size for W1, W2 (elements) and W6 (n of n x n
//! matrices) (log-log, one line per implementation, with the floor dashed: bandwidth for W1
//! and W2, FMA peak for W6).

use super::json::Record;
use super::table::{fmt_time, groups};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::full_palette::{
    BLUE_700, GREEN_700, GREY_600, LIGHTBLUE_300, ORANGE_700, PURPLE_400,
};

/// The colour of an implementation.
fn color(implementation: &str) -> RGBColor {
    match implementation {
        "numcrane" => BLUE_700,
        "numcrane-unfused" => LIGHTBLUE_300,
        "ndarray" => ORANGE_700,
        "numpy" => GREEN_700,
        "numexpr-2t" => PURPLE_400,
        _ => GREY_600,
    }
}

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("drawing a chart: {e}")
}

/// A short label of a row: `W1 f32`, `W4 X.sum(axis=0) f32`.
fn row_label(r: &Record) -> String {
    let dtype = match r.dtype.as_str() {
        "float32" => "f32",
        "float64" => "f64",
        other => other,
    };
    match r.workload.as_str() {
        "W4" | "W8" => format!("{} {} {dtype}", r.workload, r.op),
        _ => format!("{} {dtype}", r.workload),
    }
}

/// The speed-up chart: each implementation's speed-up over `baseline` ("numpy", or
/// "ndarray" when NumPy did not run) per row of the suite. Returns the SVG text, or None
/// when there is nothing to draw.
pub fn speedup_svg(records: &[Record], baseline: &str) -> Result<Option<String>, String> {
    let impls: Vec<&str> = ["numcrane", "numcrane-unfused", "ndarray", "numexpr-2t"]
        .into_iter()
        .filter(|i| *i != baseline)
        .filter(|i| records.iter().any(|r| r.implementation == *i && r.ok()))
        .collect();
    // (row label, per impl: speed-up)
    let mut rows: Vec<(String, Vec<Option<f64>>)> = Vec::new();
    for g in groups(records, "main") {
        let base = g
            .iter()
            .find(|r| r.implementation == baseline && r.ok())
            .and_then(|r| r.median_s);
        let values: Vec<Option<f64>> = impls
            .iter()
            .map(|i| {
                let r = g.iter().find(|r| r.implementation == *i && r.ok())?;
                super::json::ratio(base, r.median_s)
            })
            .collect();
        if values.iter().any(Option::is_some) {
            rows.push((row_label(g[0]), values));
        }
    }
    let all: Vec<f64> = rows
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .copied()
        .collect();
    if all.is_empty() {
        return Ok(None);
    }
    let lo = all.iter().copied().fold(1.0, f64::min) / 1.6;
    let hi = all.iter().copied().fold(1.0, f64::max) * 1.6;
    let per_row = impls.len() + 1;
    let slots = (rows.len() * per_row) as i32;
    let height = 90 + rows.len() as u32 * (per_row as u32 * 11 + 4);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, height.max(260))).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let title = format!("speed-up over {baseline} (median; above 1x: faster)");
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(190)
            .build_cartesian_2d((lo..hi).log_scale(), (0..slots).into_segmented())
            .map_err(err)?;
        let labels: Vec<String> = rows.iter().map(|(l, _)| l.clone()).collect();
        let label_of = move |v: &SegmentValue<i32>| -> String {
            let slot = match v {
                SegmentValue::CenterOf(s) | SegmentValue::Exact(s) => *s,
                SegmentValue::Last => return String::new(),
            };
            // Rows are drawn top to bottom: slot 0 is at the bottom.
            let from_top = slots - 1 - slot;
            let (row, k) = (from_top as usize / per_row, from_top as usize % per_row);
            if k == (per_row - 1) / 2 {
                labels.get(row).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(slots as usize + 1)
            .y_label_formatter(&label_of)
            .x_labels(8)
            .x_label_formatter(&|v| format!("{v:.1}x"))
            .x_desc("speed-up (log scale)")
            .draw()
            .map_err(err)?;
        for (k, implementation) in impls.iter().enumerate() {
            let c = color(implementation);
            let bars: Vec<(f64, i32)> = rows
                .iter()
                .enumerate()
                .filter_map(|(row, (_, v))| {
                    let slot = slots - 1 - (row * per_row + k) as i32;
                    v[k].map(|x| (x, slot))
                })
                .collect();
            chart
                .draw_series(bars.iter().map(|&(x, slot)| {
                    let mut r = Rectangle::new(
                        [
                            (1.0, SegmentValue::Exact(slot)),
                            (x, SegmentValue::Exact(slot + 1)),
                        ],
                        c.filled(),
                    );
                    r.set_margin(1, 1, 0, 0);
                    r
                }))
                .map_err(err)?
                .label(*implementation)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
            chart
                .draw_series(bars.iter().map(|&(x, slot)| {
                    Text::new(
                        format!(" {x:.2}x"),
                        (x.max(1.0), SegmentValue::Exact(slot + 1)),
                        ("sans-serif", 10),
                    )
                }))
                .map_err(err)?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![
                    (1.0, SegmentValue::Exact(0)),
                    (1.0, SegmentValue::Exact(slots)),
                ],
                BLACK,
            )))
            .map_err(err)?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}

/// The x of a record in the size charts: elements of a vector, n of a square product.
fn chart_size(r: &Record) -> Option<f64> {
    match r.shape.as_slice() {
        [n] => Some(*n as f64),
        [m, k, n] if m == k && k == n => Some(*n as f64),
        _ => None,
    }
}

/// The time-against-size chart of `workload` (float32 rows of both suites; vectors for W1 and
/// W2, square products for W6). None when there are fewer than two sizes to draw.
pub fn size_svg(records: &[Record], workload: &str) -> Result<Option<String>, String> {
    let rows: Vec<&Record> = records
        .iter()
        .filter(|r| r.workload == workload && r.dtype == "float32" && chart_size(r).is_some())
        .collect();
    let product = rows.iter().any(|r| r.shape.len() == 3);
    let mut lines: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for implementation in super::json::IMPLS {
        let mut pts: Vec<(f64, f64)> = rows
            .iter()
            .filter(|r| r.implementation == implementation && r.ok())
            .filter_map(|r| Some((chart_size(r)?, r.median_s?)))
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        pts.dedup_by(|a, b| a.0 == b.0);
        if !pts.is_empty() {
            lines.push((implementation.to_string(), pts));
        }
    }
    let mut floor: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|r| Some((chart_size(r)?, r.floor_s?)))
        .collect();
    floor.sort_by(|a, b| a.0.total_cmp(&b.0));
    floor.dedup_by(|a, b| a.0 == b.0);
    let sizes: Vec<f64> = lines
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.0))
        .collect();
    let times: Vec<f64> = lines
        .iter()
        .flat_map(|(_, p)| p.iter().map(|q| q.1))
        .chain(floor.iter().map(|q| q.1))
        .filter(|t| *t > 0.0)
        .collect();
    let distinct = {
        let mut s = sizes.clone();
        s.sort_by(f64::total_cmp);
        s.dedup();
        s.len()
    };
    if distinct < 2 || times.is_empty() {
        return Ok(None);
    }
    let (x_lo, x_hi) = (
        sizes.iter().copied().fold(f64::INFINITY, f64::min) / 1.5,
        sizes.iter().copied().fold(0.0, f64::max) * 1.5,
    );
    let (y_lo, y_hi) = (
        times.iter().copied().fold(f64::INFINITY, f64::min) / 2.0,
        times.iter().copied().fold(0.0, f64::max) * 2.0,
    );
    let op = rows.first().map(|r| r.op.clone()).unwrap_or_default();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (800, 520)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("{workload} `{op}` float32: time per call against size"),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d((x_lo..x_hi).log_scale(), (y_lo..y_hi).log_scale())
            .map_err(err)?;
        let (x_desc, floor_label) = if product {
            ("n: A and B are n x n (log)", "floor (2 n^3 / FMA peak)")
        } else {
            ("elements per input (log)", "floor (bytes / triad)")
        };
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc("median per call (log)")
            .x_label_formatter(&|v| {
                if product {
                    format!("{v:.0}")
                } else {
                    format!("{v:.0e}")
                }
            })
            .y_label_formatter(&|v| fmt_time(*v))
            .draw()
            .map_err(err)?;
        for (implementation, pts) in &lines {
            let c = color(implementation);
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(2)))
                .map_err(err)?
                .label(implementation.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2))
                });
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))
                .map_err(err)?;
        }
        if floor.len() >= 2 {
            chart
                .draw_series(DashedLineSeries::new(
                    floor.iter().copied(),
                    6,
                    4,
                    BLACK.stroke_width(1),
                ))
                .map_err(err)?
                .label(floor_label)
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(Some(svg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(implementation: &str, n: usize, median: f64) -> Record {
        let mut r = Record::new("W1", "a*b + c*d - e", implementation, "float32", &[n], 1);
        r.median_s = Some(median);
        r.floor_s = Some(n as f64 * 1e-10);
        r
    }

    #[test]
    fn charts_are_svg() {
        let rs = vec![
            rec("numcrane", 1000, 1e-6),
            rec("numpy", 1000, 4e-6),
            rec("numcrane", 100_000, 1e-4),
            rec("numpy", 100_000, 5e-4),
        ];
        let bars = speedup_svg(&rs, "numpy").unwrap().unwrap();
        assert!(
            bars.starts_with("<svg") || bars.starts_with("<?xml"),
            "{}",
            &bars[..40]
        );
        assert!(bars.contains("numcrane"));
        let lines = size_svg(&rs, "W1").unwrap().unwrap();
        assert!(lines.contains("<svg"));
        assert!(size_svg(&rs, "W2").unwrap().is_none());
        assert!(speedup_svg(&rs, "ndarray").unwrap().is_none());
        let w6 = |implementation: &str, n: usize, median: f64| {
            let mut r = Record::new("W6", "A @ B", implementation, "float32", &[n, n, n], 2);
            r.median_s = Some(median);
            r
        };
        let rs = vec![w6("numcrane", 64, 1e-5), w6("numcrane", 512, 2e-3)];
        let lines = size_svg(&rs, "W6").unwrap().unwrap();
        assert!(lines.contains("n x n"));
    }
}
