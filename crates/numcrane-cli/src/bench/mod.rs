//! `numcrane bench`: the fused-kernel benchmark suite (issue 4; not built yet).

/// Runs `numcrane bench ARGS`; returns the exit code.
pub fn main(_args: &[String]) -> u8 {
    eprintln!("numcrane bench is not available yet (planned, issue 4)");
    2
}
