//! The examples under examples/ that do real work, run small: each asserts its own result (the
//! same checks its `main` makes at full size), so a change that breaks an example fails here.

#[path = "../examples/kmeans.rs"]
mod kmeans;
#[path = "../examples/monte_carlo.rs"]
mod monte_carlo;
#[path = "../examples/neural_net.rs"]
mod neural_net;

#[test]
fn kmeans_recovers_the_centres() {
    let found = kmeans::run(2_000).unwrap();
    kmeans::check(&found, 0.1);
}

#[test]
fn monte_carlo_estimates_are_within_their_error() {
    let e = monte_carlo::run(200_000).unwrap();
    assert_eq!(e.rows.len(), 4);
    monte_carlo::check(&e, 5.0);
}

#[test]
fn the_network_separates_the_rings() {
    let t = neural_net::run(500, 16, 300).unwrap();
    assert!(
        t.loss_last < t.loss_first / 4.0,
        "{} -> {}",
        t.loss_first,
        t.loss_last
    );
    assert!(t.accuracy > 0.95, "held-out accuracy {}", t.accuracy);
}

#[path = "../examples/image_filters.rs"]
mod image_filters;

/// `img` (row-major h x w) at (i, j) with edges repeated.
fn at(img: &[f64], h: usize, w: usize, i: isize, j: isize) -> f64 {
    let i = i.clamp(0, h as isize - 1) as usize;
    let j = j.clamp(0, w as isize - 1) as usize;
    img[i * w + j]
}

#[test]
fn image_filters_match_plain_loops_and_write_their_files() {
    let (h, w) = (37, 53);
    let dir = std::env::temp_dir().join(format!("numcrane_image_filters_{}", std::process::id()));
    let [gray, blurred, edges] = image_filters::run(h, w, &dir).unwrap();
    let rgb = image_filters::picture(h, w).to_vec::<f64>().unwrap();
    let g: Vec<f64> = rgb
        .chunks(3)
        .map(|p| 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2])
        .collect();
    let (got_g, got_b, got_e) = (
        gray.to_vec::<f64>().unwrap(),
        blurred.to_vec::<f64>().unwrap(),
        edges.to_vec::<f64>().unwrap(),
    );
    for i in 0..h as isize {
        for j in 0..w as isize {
            let k = i as usize * w + j as usize;
            let p = |di: isize, dj: isize| at(&g, h, w, i + di, j + dj);
            let mut blur = 0.0;
            for di in -1..=1 {
                for dj in -1..=1 {
                    blur += p(di, dj);
                }
            }
            let gx = (p(-1, 1) + 2.0 * p(0, 1) + p(1, 1)) - (p(-1, -1) + 2.0 * p(0, -1) + p(1, -1));
            let gy = (p(1, -1) + 2.0 * p(1, 0) + p(1, 1)) - (p(-1, -1) + 2.0 * p(-1, 0) + p(-1, 1));
            assert!((got_g[k] - g[k]).abs() < 1e-12, "gray ({i}, {j})");
            assert!((got_b[k] - blur / 9.0).abs() < 1e-12, "blur ({i}, {j})");
            assert!((got_e[k] - gx.hypot(gy)).abs() < 1e-12, "sobel ({i}, {j})");
        }
    }
    for name in [
        "picture.png",
        "gray.png",
        "gray.pgm",
        "blur.png",
        "edges.pgm",
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        match name.ends_with(".png") {
            true => assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{name}"),
            false => assert!(bytes.starts_with(format!("P5\n{w} {h}\n255\n").as_bytes())),
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[path = "../examples/lists_vs_arrays.rs"]
mod lists_vs_arrays;

#[test]
fn the_loop_and_the_expression_agree() {
    // Times are printed by the example, never asserted (tests do not time).
    let c = lists_vs_arrays::run(100_003, 1).unwrap();
    let rel = (c.loop_result - c.numcrane_result).abs() / c.loop_result.abs();
    assert!(rel < 1e-9, "{} vs {}", c.loop_result, c.numcrane_result);
    assert!(c.loop_s > 0.0 && c.numcrane_s > 0.0);
}

#[test]
fn the_readme_opens_with_the_quickstart_example() {
    // The README's first Rust block is examples/quickstart.rs after its module doc, verbatim.
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let example = std::fs::read_to_string(format!("{root}/examples/quickstart.rs")).unwrap();
    let start = readme
        .find("```rust\n")
        .expect("a Rust block in the README")
        + 8;
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let body = &example[example.find("use numcrane::").unwrap()..];
    assert_eq!(
        block, body,
        "README's first example and examples/quickstart.rs differ"
    );
}

#[path = "../examples/linear_regression.rs"]
mod linear_regression;

#[test]
fn linear_regression_recovers_slope_and_intercept_three_ways() {
    let f = linear_regression::run(20_000, 2000).unwrap();
    linear_regression::check(&f, 0.05);
}

#[path = "../examples/pca.rs"]
mod pca;

#[test]
fn pca_by_svd_and_by_eigh_agree() {
    let c = pca::run(50_000).unwrap();
    pca::check(&c, 0.05);
}

#[path = "../examples/data_cleaning.rs"]
mod data_cleaning;

#[test]
fn data_cleaning_finds_what_was_planted() {
    let dir = std::env::temp_dir().join(format!("numcrane_data_cleaning_{}", std::process::id()));
    let c = data_cleaning::run(2_000, &dir).unwrap();
    data_cleaning::check(&c).unwrap();
    assert!(c.planted_outliers > 0 && c.planted_missing > 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[path = "../examples/make_dataset.rs"]
mod make_dataset;

#[test]
fn the_dataset_round_trips_through_npz() {
    let dir = std::env::temp_dir().join(format!("numcrane_make_dataset_{}", std::process::id()));
    let d = make_dataset::run(1000, &dir).unwrap();
    make_dataset::check(&d).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
