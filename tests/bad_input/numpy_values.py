"""NumPy's results for the value cases of the bad-input catalogue (tests/bad_input/catalogue.rs).

Run `python3 tests/bad_input/numpy_values.py` to rewrite tests/bad_input/numpy_values.json:
one entry per case name with NumPy's dtype, shape and values (NaN and infinities as the
strings "nan", "inf", "-inf"; bools as 0/1). Each entry's expression is written beside it.
The Rust side builds the same operation with numcrane and compares.
"""

import json
import os
import warnings

import numpy as np

warnings.simplefilter("ignore")  # NumPy warns on 1/0, mean of empty, ...

X = np.array([1.0, np.nan, -np.inf, 3.0, np.inf])  # the NaN/inf vector of the catalogue
E = np.zeros(0)  # empty float64
S = np.array(2.5)  # 0-d float64
R = np.zeros((0, 3))  # zero rows
C = np.zeros((3, 0))  # zero columns



def lu_matrix(n, zero_row=None, nan_at=None):
    """The catalogue's linalg test matrix (same formula in catalogue.rs's `lu_matrix`):
    entries ((7 i + 13 j) mod 17) - 8, plus 50 on the diagonal; optionally a zero row or a NaN."""
    i, j = np.indices((n, n))
    m = ((7 * i + 13 * j) % 17 - 8 + 50 * (i == j)).astype(float)
    if zero_row is not None:
        m[zero_row] = 0.0
    if nan_at is not None:
        m[nan_at] = np.nan
    return m


CASES = {
    # integer division and modulo by zero: 0, as NumPy (with a RuntimeWarning)
    "int64_floor_divide_by_zero": lambda: np.array([7, -7, 0]) // np.int64(0),
    "int64_remainder_by_zero": lambda: np.array([7, -7, 0]) % np.int64(0),
    "int32_floor_divide_by_zero_array": lambda: np.array([5, -3], np.int32) // np.array([0, 0], np.int32),
    "uint8_remainder_by_zero": lambda: np.array([5, 200], np.uint8) % np.uint8(0),
    "int8_min_floor_divide_minus_one": lambda: np.array([-128, 6], np.int8) // np.int8(-1),
    "int64_fmod_by_zero": lambda: np.fmod(np.array([5, -5]), np.int64(0)),
    "float_floor_divide_by_zero": lambda: np.array([1.0, -1.0, 0.0]) // 0.0,
    "float_remainder_by_zero": lambda: np.array([1.0, -1.0]) % 0.0,
    "int_true_divide_by_zero": lambda: np.array([1, 0, -1]) / np.int64(0),
    "int16_remainder_negative_by_zero": lambda: np.array([-7], np.int16) % np.int16(0),
    # empty (size 0) reductions with an identity or a NaN result
    "empty_sum": lambda: E.sum(),
    "empty_prod": lambda: E.prod(),
    "empty_mean": lambda: E.mean(),
    "empty_var": lambda: E.var(),
    "empty_std": lambda: E.std(),
    "empty_any": lambda: E.any(),
    "empty_all": lambda: E.all(),
    "empty_cumsum": lambda: E.cumsum(),
    "empty_cumprod": lambda: E.cumprod(),
    "empty_median": lambda: np.median(E),
    "empty_nansum": lambda: np.nansum(E),
    "empty_nanprod": lambda: np.nanprod(E),
    "empty_nanmean": lambda: np.nanmean(E),
    "empty_count_nonzero": lambda: np.count_nonzero(E),
    "empty_sort": lambda: np.sort(E),
    "empty_argsort": lambda: np.argsort(E),
    "empty_int_sum": lambda: np.zeros(0, np.int64).sum(),
    "empty_int_mean": lambda: np.zeros(0, np.int64).mean(),
    "empty_bool_sum": lambda: np.zeros(0, bool).sum(),
    "zero_rows_sum_axis0": lambda: R.sum(axis=0),
    "zero_rows_prod_axis0": lambda: R.prod(axis=0),
    "zero_rows_mean_axis0": lambda: R.mean(axis=0),
    "zero_rows_max_axis1": lambda: R.max(axis=1),
    "zero_rows_any_axis0": lambda: R.any(axis=0),
    "zero_rows_all_axis0": lambda: R.all(axis=0),
    "zero_cols_sum_axis1": lambda: C.sum(axis=1),
    "zero_cols_prod_axis1": lambda: C.prod(axis=1),
    "zero_cols_var_axis1": lambda: C.var(axis=1),
    "zero_cols_cumsum_axis1": lambda: C.cumsum(axis=1),
    # 0-d arrays in every reduction
    "zero_d_sum": lambda: S.sum(),
    "zero_d_prod": lambda: S.prod(),
    "zero_d_mean": lambda: S.mean(),
    "zero_d_max": lambda: S.max(),
    "zero_d_min": lambda: S.min(),
    "zero_d_argmax": lambda: S.argmax(),
    "zero_d_argmin": lambda: S.argmin(),
    "zero_d_any": lambda: S.any(),
    "zero_d_all": lambda: S.all(),
    "zero_d_var": lambda: S.var(),
    "zero_d_std": lambda: S.std(),
    "zero_d_cumsum": lambda: S.cumsum(),
    "zero_d_median": lambda: np.median(S),
    "zero_d_ptp": lambda: np.ptp(S),
    "zero_d_nansum": lambda: np.nansum(S),
    "zero_d_sort_flat": lambda: np.sort(S, axis=None),
    "zero_d_int_sum": lambda: np.array(7).sum(),
    # NaN and inf in every reduction and sort
    "nan_sum": lambda: X.sum(),
    "nan_prod": lambda: X.prod(),
    "nan_max": lambda: X.max(),
    "nan_min": lambda: X.min(),
    "nan_argmax": lambda: X.argmax(),
    "nan_argmin": lambda: X.argmin(),
    "nan_mean": lambda: X.mean(),
    "nan_var": lambda: X.var(),
    "nan_std": lambda: X.std(),
    "nan_ptp": lambda: np.ptp(X),
    "nan_any": lambda: X.any(),
    "nan_all": lambda: X.all(),
    "nan_cumsum": lambda: X.cumsum(),
    "nan_cumprod": lambda: X.cumprod(),
    "nan_nanmax": lambda: np.nanmax(X),
    "nan_nanmin": lambda: np.nanmin(X),
    "nan_nansum": lambda: np.nansum(X),
    "nan_nanmean": lambda: np.nanmean(X),
    "nan_nanargmax": lambda: np.nanargmax(X),
    "nan_nanargmin": lambda: np.nanargmin(X),
    "nan_median": lambda: np.median(X),
    "nan_nanmedian": lambda: np.nanmedian(X),
    "nan_percentile": lambda: np.percentile(X, 50.0),
    "nan_sort": lambda: np.sort(X),
    "nan_argsort": lambda: np.argsort(X, kind="stable"),
    "nan_unique": lambda: np.unique(X),
    "nan_sort_rows": lambda: np.sort(np.array([[3.0, np.nan, -1.0], [np.nan, np.inf, 1.0]]), axis=1),
    "nan_sort_f32": lambda: np.sort(np.array([np.nan, 2.0, -np.inf, 0.5], np.float32)),
    "nan_max_f32": lambda: np.array([1.0, np.nan, 2.0], np.float32).max(),
    "nan_max_axis0": lambda: np.array([[1.0, np.nan], [2.0, 0.0]]).max(axis=0),
    "inf_minus_inf_sum": lambda: np.array([np.inf, -np.inf]).sum(),
    "inf_mean": lambda: np.array([np.inf, np.inf, 1.0]).mean(),
    "inf_var": lambda: np.array([np.inf, 1.0]).var(),
    "zero_times_inf_prod": lambda: np.array([0.0, np.inf]).prod(),
    "all_nan_nansum": lambda: np.nansum(np.array([np.nan, np.nan])),
    "all_nan_nanmax": lambda: np.nanmax(np.array([np.nan, np.nan])),
    "all_nan_nanmean": lambda: np.nanmean(np.array([np.nan, np.nan])),
    "nan_min_int_cast": lambda: np.array([np.nan, 1.0]).min(),
    # linalg on singular and NaN input, at sizes where numcrane's LU runs in parallel
    "det_zero_row_600": lambda: np.linalg.det(lu_matrix(600, zero_row=300)),
    "slogdet_zero_row_600_sign": lambda: np.linalg.slogdet(lu_matrix(600, zero_row=300))[0],
    "slogdet_zero_row_600_logabsdet": lambda: np.linalg.slogdet(lu_matrix(600, zero_row=300))[1],
    "det_nan_300": lambda: np.linalg.det(lu_matrix(300, nan_at=(150, 20))),
    "solve_nan_rhs_300": lambda: np.linalg.solve(
        lu_matrix(300), np.where(np.arange(300) == 77, np.nan, 1.0)
    ),
    # file readers: an empty text file gives an empty float64 array (with a warning)
    "loadtxt_empty_file": lambda: np.loadtxt(__import__("io").StringIO("")),
    "loadtxt_only_comments": lambda: np.loadtxt(__import__("io").StringIO("# a\n# b\n")),
}


def encode(v):
    if isinstance(v, float):
        if np.isnan(v):
            return "nan"
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def main():
    out = {}
    for name, f in CASES.items():
        a = np.asarray(f())
        out[name] = {
            "dtype": str(a.dtype),
            "shape": list(a.shape),
            "values": [encode(v) for v in a.reshape(-1).astype(np.float64).tolist()],
        }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy_values.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(out)} cases -> {path}")


if __name__ == "__main__":
    main()
