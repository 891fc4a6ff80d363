//! NumPy-style printing of realized arrays (interim: a plain listing until the printing module lands).

use numcrane_graph::{DType, Realized};

/// Interim formatter: dtype, shape and the values.
pub(crate) fn format_array(r: &Realized, dtype: DType, shape: &[usize], repr: bool) -> String {
    let values = numcrane_graph::with_dtype!(dtype, T => numcrane_graph::eval::values::<T>(r)
        .map(|v| v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(" ")));
    let body = values.unwrap_or_else(|e| format!("<error: {e}>"));
    if repr {
        format!("array([{body}], shape={shape:?}, dtype={dtype})")
    } else {
        format!("[{body}]")
    }
}
