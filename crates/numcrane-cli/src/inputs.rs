//! The arrays named by `--input NAME=SPEC`: a `.npy` file, or a dtype and shape such as
//! `f32[1000,3]` filled with deterministic values (no file needed).
//!
//! Generated values depend only on the input's name and the element's position, so the same
//! command prints the same numbers every time: floats are multiples of 1/64 in [-2, 2),
//! signed integers lie in [-10, 10], unsigned ones in [0, 20], bools are about half true.

use crate::diagnostic::Diagnostic;
use numcrane::{Array, DType};
use std::path::Path;

/// One input: its name, the array, and how it was given (for listings).
#[derive(Clone)]
pub struct Input {
    /// the name used in the expression
    pub name: String,
    /// the data
    pub array: Array,
    /// `generated` or the file it was read from
    pub origin: String,
}

/// Parses `NAME=SPEC` and makes the array.
pub fn parse_input(arg: &str) -> Result<Input, Diagnostic> {
    let usage = |m: String| Diagnostic::usage(format!("--input {arg}: {m}"), None);
    let Some((name, spec)) = arg.split_once('=') else {
        return Err(usage(
            "expected NAME=SPEC, e.g. x=f32[1000,3] or x=data.npy".into(),
        ));
    };
    let name = name.trim();
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(usage(format!("'{name}' is not a valid name")));
    }
    let spec = spec.trim();
    let looks_like_file = spec.ends_with(".npy") || spec.contains('/') || Path::new(spec).is_file();
    if looks_like_file {
        let array = numcrane::io::load_npy(spec)
            .map_err(|e| usage(crate::diagnostic::library_message(&e)))?;
        return Ok(Input {
            name: name.to_string(),
            array,
            origin: spec.to_string(),
        });
    }
    let (dtype, shape) = parse_spec(spec).map_err(usage)?;
    let array = generate(name, dtype, &shape).map_err(usage)?;
    Ok(Input {
        name: name.to_string(),
        array,
        origin: "generated".into(),
    })
}

/// `f32[1000,3]`, `float64[]`, `bool` (0-d) into a dtype and a shape.
pub fn parse_spec(spec: &str) -> Result<(DType, Vec<usize>), String> {
    let (dt, dims) = match spec.split_once('[') {
        Some((dt, rest)) => {
            let Some(dims) = rest.strip_suffix(']') else {
                return Err(format!("expected ']' at the end of '{spec}'"));
            };
            (dt.trim(), Some(dims))
        }
        None => (spec, None),
    };
    let dtype = DType::from_name(dt).ok_or_else(|| {
        format!(
            "'{dt}' is neither a .npy file nor a dtype (bool, int8..int64, uint8..uint64, \
             float32, float64, or f32, i64, u8 ...)"
        )
    })?;
    let mut shape = Vec::new();
    for d in dims.unwrap_or("").split(',') {
        let d = d.trim();
        if d.is_empty() {
            continue;
        }
        shape.push(
            d.parse::<usize>()
                .map_err(|_| format!("'{d}' is not a dimension (a non-negative integer)"))?,
        );
    }
    Ok((dtype, shape))
}

/// A SplitMix64 step: a well-mixed 64-bit value from a counter.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The deterministic array of `dtype` and `shape` for the input `name`.
pub fn generate(name: &str, dtype: DType, shape: &[usize]) -> Result<Array, String> {
    let size = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .filter(|&n| {
            n.checked_mul(dtype.itemsize())
                .is_some_and(|b| b <= isize::MAX as usize)
        })
        .ok_or_else(|| format!("shape {shape:?} is too large"))?;
    // FNV-1a of the name: each input gets its own values.
    let seed = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let raw = |i: usize| mix(seed.wrapping_add(i as u64));
    let float = |i: usize| (raw(i) % 256) as f64 / 64.0 - 2.0;
    let signed = |i: usize| (raw(i) % 21) as i64 - 10;
    let unsigned = |i: usize| raw(i) % 21;
    let shape = shape.to_vec();
    let a = match dtype {
        DType::Bool => Array::from_vec((0..size).map(|i| raw(i) & 1 == 1).collect(), shape),
        DType::I8 => Array::from_vec((0..size).map(|i| signed(i) as i8).collect(), shape),
        DType::I16 => Array::from_vec((0..size).map(|i| signed(i) as i16).collect(), shape),
        DType::I32 => Array::from_vec((0..size).map(|i| signed(i) as i32).collect(), shape),
        DType::I64 => Array::from_vec((0..size).map(signed).collect(), shape),
        DType::U8 => Array::from_vec((0..size).map(|i| unsigned(i) as u8).collect(), shape),
        DType::U16 => Array::from_vec((0..size).map(|i| unsigned(i) as u16).collect(), shape),
        DType::U32 => Array::from_vec((0..size).map(|i| unsigned(i) as u32).collect(), shape),
        DType::U64 => Array::from_vec((0..size).map(unsigned).collect(), shape),
        DType::F32 => Array::from_vec((0..size).map(|i| float(i) as f32).collect(), shape),
        DType::F64 => Array::from_vec((0..size).map(float).collect(), shape),
        DType::C64 => Array::from_vec(
            (0..size)
                .map(|i| numcrane::Complex32::new(float(i) as f32, float(i + size) as f32))
                .collect(),
            shape,
        ),
        DType::C128 => Array::from_vec(
            (0..size)
                .map(|i| numcrane::Complex64::new(float(i), float(i + size)))
                .collect(),
            shape,
        ),
    };
    match a.error() {
        Some(e) => Err(crate::diagnostic::library_message(e)),
        None => Ok(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(parse_spec("f32[1000, 3]"), Ok((DType::F32, vec![1000, 3])));
        assert_eq!(parse_spec("float64[]"), Ok((DType::F64, vec![])));
        assert_eq!(parse_spec("bool"), Ok((DType::Bool, vec![])));
        assert!(parse_spec("f32[3").is_err());
        assert!(parse_spec("f16[3]").is_err());
        assert!(parse_spec("f32[-3]").is_err());
    }

    #[test]
    fn generated_values_are_deterministic_and_in_range() {
        let a = generate("x", DType::F64, &[100])
            .and_then(|a| a.to_vec::<f64>().map_err(|e| e.to_string()));
        let b = generate("x", DType::F64, &[100])
            .and_then(|a| a.to_vec::<f64>().map_err(|e| e.to_string()));
        assert_eq!(a, b);
        let a = a.unwrap_or_default();
        assert!(a.iter().all(|v| (-2.0..2.0).contains(v)));
        assert!(a.iter().any(|v| *v < 0.0) && a.iter().any(|v| *v > 0.0));
        assert!(generate("x", DType::F32, &[usize::MAX, 2]).is_err());
    }
}
