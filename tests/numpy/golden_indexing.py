"""Family `indexing`: integer-array ("fancy") and boolean-mask indexing with NumPy's result
shapes (adjacent / separated advanced indices, mixed with slices, integers, newaxis and
ellipsis), take / take_along_axis / put_along_axis / choose (modes raise, wrap, clip),
nonzero / flatnonzero / argwhere, compress / extract, select, nan_to_num, and functional
updates (`a[idx] = v` and `np.add.at` & co.), over dtypes, negative and empty index arrays,
and the errors NumPy raises (out of range, float indices, mask shape mismatch, too many
indices, unbroadcastable index arrays).

An index is described in `args["index"]` as a list of entries: {"int": i},
{"slice": [start, stop, step]}, {"newaxis": true}, {"ellipsis": true} or {"input": k} (input
file k: an integer index array or a bool mask)."""

import numpy as np

from gen_golden import EXACT, REPR_DTYPES, SEED


def to_index(spec, inputs):
    out = []
    for e in spec:
        if "int" in e:
            out.append(e["int"])
        elif "slice" in e:
            out.append(slice(*e["slice"]))
        elif "newaxis" in e:
            out.append(np.newaxis)
        elif "ellipsis" in e:
            out.append(Ellipsis)
        else:
            out.append(inputs[e["input"]])
    return tuple(out)


def family(g):
    rng = np.random.default_rng(SEED + 31)

    def make(shape, dt):
        if dt == "bool":
            return rng.random(shape) < 0.5
        if dt.startswith("float"):
            a = rng.integers(-20, 21, shape) * 0.5
            return np.asarray(a, dtype=dt)
        lo = 0 if dt.startswith("u") else -50
        return rng.integers(lo, 51, shape).astype(dt)

    def tag(shape):
        return "x".join(map(str, shape)) or "0d"

    I = np.int64
    # (name, shape of a, index entries, index arrays)
    forms = [
        ("1d.list", (7,), [{"input": 1}], [np.array([0, 3, -1, 3], I)]),
        ("1d.empty", (7,), [{"input": 1}], [np.array([], I)]),
        ("1d.2didx", (7,), [{"input": 1}], [np.array([[0, 1], [-2, 6]], I)]),
        ("2d.rows", (4, 5), [{"input": 1}], [np.array([3, 0, -4], I)]),
        ("2d.cols", (4, 5), [{"slice": [None, None, None]}, {"input": 1}],
         [np.array([4, -5, 2], I)]),
        ("2d.pairs", (4, 5), [{"input": 1}, {"input": 2}],
         [np.array([0, 3, 1], I), np.array([4, 0, -1], I)]),
        ("2d.bcast", (4, 5), [{"input": 1}, {"input": 2}],
         [np.array([[0], [3]], I), np.array([1, 2, 4], I)]),
        ("2d.slice_then_idx", (4, 5), [{"slice": [1, None, 2]}, {"input": 1}],
         [np.array([[0, 1], [2, 3]], I)]),
        ("2d.int_and_arr", (4, 5), [{"int": -1}, {"input": 1}], [np.array([0, 2], I)]),
        ("3d.adjacent", (3, 4, 5), [{"slice": [None, None, -1]}, {"input": 1}, {"input": 2}],
         [np.array([0, 3], I), np.array([1, -1], I)]),
        ("3d.separated", (3, 4, 5), [{"input": 1}, {"slice": [1, 3, None]}, {"input": 2}],
         [np.array([2, 0], I), np.array([[1, 4], [0, 3]], I)]),
        ("3d.int_sep", (3, 4, 5), [{"int": 0}, {"slice": [None, None, None]}, {"input": 1}],
         [np.array([1, 2], I)]),
        ("3d.int_adj", (3, 4, 5), [{"slice": [None, None, None]}, {"int": 1}, {"input": 1}],
         [np.array([1, 2], I)]),
        ("3d.ellipsis", (3, 4, 5), [{"ellipsis": True}, {"input": 1}],
         [np.array([4, 0, 0], I)]),
        ("3d.newaxis", (3, 4, 5), [{"input": 1}, {"newaxis": True}, {"input": 2}],
         [np.array([1], I), np.array([2, 3], I)]),
        ("3d.ell_newaxis", (3, 4, 5), [{"ellipsis": True}, {"newaxis": True}, {"input": 1}],
         [np.array([0, -1], I)]),
        ("3d.int32idx", (3, 4, 5), [{"input": 1}], [np.array([2, -3], np.int32)]),
        ("3d.uint8idx", (3, 4, 5), [{"slice": [None, None, None]}, {"input": 1}],
         [np.array([3, 1], np.uint8)]),
        ("3d.empty2", (3, 4, 5), [{"input": 1}, {"input": 2}],
         [np.array([], I), np.array([], I)]),
        ("2x0.empty", (2, 0), [{"input": 1}], [np.array([1, 0], I)]),
        ("0d.newaxis_idx", (), [{"newaxis": True}, {"input": 1}], [np.array([0, 0, -1], I)]),
        ("0d.mask", (), [{"input": 1}], [np.array(True)]),
        ("0d.too_many", (), [{"input": 1}], [np.array([0], I)]),
        # indices that broadcast to nothing are never checked (NumPy's iteration)
        ("2d.empty_bcast_oob", (4, 5), [{"input": 1}, {"input": 2}],
         [np.zeros((0, 1), I), np.array([7, 1], I)]),
        ("2x0.idx_oob", (2, 0), [{"slice": [None, None, None]}, {"input": 1}],
         [np.array([0], I)]),
    ]
    for dt in REPR_DTYPES:
        cache = {}
        for name, shape, spec, idxs in forms:
            if shape not in cache:
                cache[shape] = make(shape, dt)
            a = cache[shape]
            g.add(f"indexing.index.{dt}.{name}", "indexing", "index", [a] + idxs,
                  lambda a, *ix, spec=spec: a[to_index(spec, [a] + list(ix))],
                  args={"index": spec}, tol=EXACT)

    # boolean masks (evaluated to positions), over dtypes
    for dt in REPR_DTYPES:
        a = make((4, 5), dt)
        full = make((4, 5), "bool")
        rows = np.array([True, False, True, True])
        cols = np.array([False, True, False, True, True])
        b3 = make((2, 3, 4), dt)
        lead = make((2, 3), "bool")
        cases = [
            ("full", a, [{"input": 1}], [full]),
            ("rows", a, [{"input": 1}], [rows]),
            ("rows_cols_slice", a, [{"input": 1}, {"slice": [None, None, 2]}], [rows]),
            ("cols", a, [{"slice": [None, None, None]}, {"input": 1}], [cols]),
            ("none", a, [{"input": 1}], [np.zeros((4, 5), bool)]),
            ("lead2", b3, [{"input": 1}], [lead]),
            ("lead2_idx", b3, [{"input": 1}, {"input": 2}], [lead, np.array([3, 0, 1, 2, 1, 0][:lead.sum()], I)]),
            ("scalar_true", a, [{"input": 1}], [np.array(True)]),
            ("scalar_false", a, [{"input": 1}], [np.array(False)]),
        ]
        for name, x, spec, idxs in cases:
            g.add(f"indexing.mask.{dt}.{name}", "indexing", "index", [x] + idxs,
                  lambda a, *ix, spec=spec: a[to_index(spec, [a] + list(ix))],
                  args={"index": spec}, tol=EXACT)
        # the classic a[a > k]: the mask computed from the array itself
        g.add(f"indexing.mask_of_self.{dt}", "indexing", "mask_greater", [a],
              lambda a: a[a > a.flat[3]], args={"flat": 3}, tol=EXACT)

    # index errors
    a = make((4, 5), "int32")
    errors = [
        ("out_of_range", [{"input": 1}], [np.array([0, 4], I)]),
        ("out_of_range_neg", [{"slice": [None, None, None]}, {"input": 1}], [np.array([-6], I)]),
        ("float_idx", [{"input": 1}], [np.array([0.0, 1.0])]),
        ("mask_shape", [{"input": 1}], [np.array([True, False, True])]),
        ("mask_shape2", [{"input": 1}], [np.ones((4, 4), bool)]),
        ("too_many", [{"input": 1}, {"int": 0}, {"int": 0}], [np.array([0], I)]),
        ("no_bcast", [{"input": 1}, {"input": 2}], [np.array([0, 1], I), np.array([0, 1, 2], I)]),
        ("int_out_of_range", [{"int": 4}, {"input": 1}], [np.array([0], I)]),
        ("two_ellipsis", [{"ellipsis": True}, {"ellipsis": True}, {"input": 1}], [np.array([0], I)]),
    ]
    for name, spec, idxs in errors:
        g.add(f"indexing.error.{name}", "indexing", "index", [a] + idxs,
              lambda a, *ix, spec=spec: a[to_index(spec, [a] + list(ix))],
              args={"index": spec}, tol=EXACT)

    # take
    for dt in REPR_DTYPES:
        a = make((3, 4), dt)
        idx = np.array([[0, -1], [5, 2]], I)
        for axis in [None, 0, 1, -1]:
            for mode in ["raise", "wrap", "clip"]:
                g.add(f"indexing.take.{dt}.axis{axis}.{mode}", "indexing", "take", [a, idx],
                      lambda a, i, axis=axis, mode=mode: np.take(a, i, axis=axis, mode=mode),
                      args={"axis": axis, "mode": mode}, tol=EXACT)
        ok = np.array([[0, -1], [2, 1]], I)
        for axis in [None, 0, 1]:
            g.add(f"indexing.take.{dt}.axis{axis}.raise_inrange", "indexing", "take", [a, ok],
                  lambda a, i, axis=axis: np.take(a, i, axis=axis),
                  args={"axis": axis, "mode": "raise"})
        g.add(f"indexing.take.{dt}.empty_idx", "indexing", "take", [a, np.array([], I)],
              lambda a, i: np.take(a, i, axis=1), args={"axis": 1, "mode": "raise"})
        g.add(f"indexing.take.{dt}.scalar_idx", "indexing", "take", [a, np.array(-2, I)],
              lambda a, i: np.take(a, i, axis=0), args={"axis": 0, "mode": "raise"})
    empty = np.zeros((0, 3), np.float64)
    for mode in ["raise", "wrap", "clip"]:
        g.add(f"indexing.take.empty_axis.{mode}", "indexing", "take", [empty, np.array([0], I)],
              lambda a, i, mode=mode: np.take(a, i, axis=0, mode=mode),
              args={"axis": 0, "mode": mode})
    # Far out-of-range indices (NumPy's wrap mode steps one axis length at a time, so int64
    # extremes would take it years; tests/indexing.rs has those).
    extremes = np.array([-1000003, 999999, -1], I)
    for mode in ["wrap", "clip"]:
        for axis in [None, 1]:
            g.add(f"indexing.take.extreme.{mode}.axis{axis}", "indexing", "take",
                  [make((3, 4), "int64"), extremes],
                  lambda a, i, mode=mode, axis=axis: np.take(a, i, axis=axis, mode=mode),
                  args={"axis": axis, "mode": mode})
    g.add("indexing.take.float_idx", "indexing", "take", [a, np.array([0.0])],
          lambda a, i: np.take(a, i), args={"axis": None, "mode": "raise"})
    g.add("indexing.take.bad_axis", "indexing", "take", [a, np.array([0], I)],
          lambda a, i: np.take(a, i, axis=2), args={"axis": 2, "mode": "raise"})

    # take_along_axis / put_along_axis
    for dt in REPR_DTYPES:
        a = make((3, 4), dt)
        order = np.argsort(a, axis=1, kind="stable")
        g.add(f"indexing.take_along_axis.{dt}.argsort1", "indexing", "take_along_axis",
              [a, order], lambda a, i: np.take_along_axis(a, i, axis=1), args={"axis": 1})
        i0 = np.array([[2, -1, 0, 1]], I)
        g.add(f"indexing.take_along_axis.{dt}.bcast0", "indexing", "take_along_axis",
              [a, i0], lambda a, i: np.take_along_axis(a, i, axis=0), args={"axis": 0})
        flat = np.array([11, 0, -12, 5], I)
        g.add(f"indexing.take_along_axis.{dt}.none", "indexing", "take_along_axis",
              [a, flat], lambda a, i: np.take_along_axis(a, i, axis=None), args={"axis": None})
        vals = make((3, 1), dt)
        i1 = np.array([[0], [3], [-1]], I)
        g.add(f"indexing.put_along_axis.{dt}.axis1", "indexing", "put_along_axis",
              [a, i1, vals], lambda a, i, v: _put(a, i, v, 1), args={"axis": 1})
        g.add(f"indexing.put_along_axis.{dt}.none", "indexing", "put_along_axis",
              [a, flat, make((4,), dt)], lambda a, i, v: _put(a, i, v, None), args={"axis": None})
    a = make((3, 4), "float64")
    g.add("indexing.take_along_axis.error.range", "indexing", "take_along_axis",
          [a, np.array([[4]], I)], lambda a, i: np.take_along_axis(a, i, axis=1), args={"axis": 1})
    g.add("indexing.take_along_axis.error.ndim", "indexing", "take_along_axis",
          [a, np.array([1], I)], lambda a, i: np.take_along_axis(a, i, axis=1), args={"axis": 1})
    g.add("indexing.take_along_axis.error.float", "indexing", "take_along_axis",
          [a, np.array([[1.0]])], lambda a, i: np.take_along_axis(a, i, axis=1), args={"axis": 1})
    g.add("indexing.put_along_axis.error.values", "indexing", "put_along_axis",
          [a, np.array([[0], [1], [2]], I), np.ones((2, 1))],
          lambda a, i, v: _put(a, i, v, 1), args={"axis": 1})

    # nonzero / flatnonzero / argwhere
    for dt in REPR_DTYPES:
        for shape in [(7,), (3, 4), (2, 3, 2), (0,), (2, 0)]:
            a = make(shape, dt)
            if dt.startswith("float") and a.size:
                a.flat[0] = np.nan
            for k in range(len(shape)):
                g.add(f"indexing.nonzero.{dt}.{tag(shape)}.{k}", "indexing", "nonzero", [a],
                      lambda a, k=k: np.nonzero(a)[k], args={"which": k})
            g.add(f"indexing.flatnonzero.{dt}.{tag(shape)}", "indexing", "flatnonzero", [a],
                  np.flatnonzero)
            g.add(f"indexing.argwhere.{dt}.{tag(shape)}", "indexing", "argwhere", [a],
                  np.argwhere)
        g.add(f"indexing.argwhere.{dt}.0d", "indexing", "argwhere", [make((), dt)], np.argwhere)
    g.add("indexing.nonzero.error.0d", "indexing", "nonzero", [np.array(3)],
          lambda a: np.nonzero(a)[0], args={"which": 0})

    # compress / extract
    for dt in REPR_DTYPES:
        a = make((3, 4), dt)
        for name, cond, axis in [("axis0", [True, False, True], 0),
                                 ("axis1_short", [False, True], 1),
                                 ("none", [True, False, False, True, True], None),
                                 ("axisneg", [1, 0, 2, 0], -1)]:
            g.add(f"indexing.compress.{dt}.{name}", "indexing", "compress",
                  [np.array(cond), a], lambda c, a, axis=axis: np.compress(c, a, axis=axis),
                  args={"axis": axis})
        cond = make((3, 4), dt)
        g.add(f"indexing.extract.{dt}", "indexing", "extract", [cond, a], np.extract)
    g.add("indexing.compress.error.long", "indexing", "compress",
          [np.array([False, False, False, True]), make((3, 4), "int64")],
          lambda c, a: np.compress(c, a, axis=0), args={"axis": 0})

    # select
    for dt in REPR_DTYPES:
        x = make((3, 4), dt)
        y = make((4,), dt)
        c0 = make((3, 4), "bool")
        c1 = make((3, 1), "bool")
        g.add(f"indexing.select.{dt}", "indexing", "select", [c0, c1, x, y],
              lambda c0, c1, x, y: np.select([c0, c1], [x, y], 0),
              args={"n": 2, "default": 0})
    g.add("indexing.select.mixed", "indexing", "select",
          [make((5,), "bool"), make((5,), "bool"), make((5,), "int8"), make((5,), "uint8")],
          lambda c0, c1, x, y: np.select([c0, c1], [x, y], 2), args={"n": 2, "default": 2})
    g.add("indexing.select.float_default", "indexing", "select",
          [make((5,), "bool"), make((5,), "int32")],
          lambda c, x: np.select([c], [x], 1.5), args={"n": 1, "default": 1.5})
    g.add("indexing.select.error.nonbool", "indexing", "select",
          [make((5,), "int32"), make((5,), "int32")],
          lambda c, x: np.select([c], [x], 0), args={"n": 1, "default": 0})

    # choose
    for dt in REPR_DTYPES:
        a = np.array([[0, 1, 2, 1], [2, 0, 1, 0], [1, 1, 0, 2]], I)
        chs = [make((3, 4), dt), make((4,), dt), make((3, 1), dt)]
        g.add(f"indexing.choose.{dt}", "indexing", "choose", [a] + chs,
              lambda a, *c: np.choose(a, c), args={"mode": "raise"})
        bad = np.array([[0, -1, 3, 5]], I)
        for mode in ["raise", "wrap", "clip"]:
            g.add(f"indexing.choose.{dt}.{mode}", "indexing", "choose", [bad] + chs,
                  lambda a, *c, mode=mode: np.choose(a, c, mode=mode), args={"mode": mode})

    # nan_to_num
    for dt in REPR_DTYPES:
        x = make((6,), dt)
        if dt.startswith("float"):
            x = np.array([np.nan, np.inf, -np.inf, 1.5, -0.0, 3.0], dtype=dt)
        for name, kw in [("defaults", {}), ("given", {"nan": -1.0, "posinf": 9.0, "neginf": -9.0}),
                         ("partial", {"posinf": 1e300})]:
            g.add(f"indexing.nan_to_num.{dt}.{name}", "indexing", "nan_to_num", [x],
                  lambda x, kw=kw: np.nan_to_num(x, **kw),
                  args={"nan": kw.get("nan", 0.0), "posinf": kw.get("posinf"),
                        "neginf": kw.get("neginf")})

    # functional updates: a[idx] = v, np.<ufunc>.at(a, idx, v)
    ops = {"set": None, "add": np.add, "multiply": np.multiply, "min": np.minimum,
           "max": np.maximum}
    for dt in REPR_DTYPES:
        a = make((4, 5), dt)
        specs = [
            ("rep", [{"input": 1}], [np.array([1, -3, 1, 0], I)], make((4, 5), dt)[:1]),
            ("pairs", [{"input": 1}, {"input": 2}],
             [np.array([0, 0, 3], I), np.array([4, 4, -1], I)], make((3,), dt)),
            ("slice", [{"slice": [1, None, 2]}, {"slice": [None, None, -2]}], [], make((3,), dt)),
            ("mask", [{"input": 1}], [make((4, 5), "bool")], None),
            ("int", [{"int": 2}], [], make((5,), dt)),
        ]
        for name, spec, idxs, v in specs:
            for op, uf in ops.items():
                if v is None:
                    inputs = [a] + idxs
                    val = {"scalar": 3}
                else:
                    inputs = [a] + idxs + [v]
                    val = {"input": len(inputs) - 1}

                def compute(*ins, spec=spec, uf=uf, v=v, n=len(idxs)):
                    b = ins[0].copy()
                    ix = to_index(spec, list(ins))
                    value = ins[n + 1] if v is not None else np.array(3).astype(b.dtype)
                    if uf is None:
                        b[ix] = value
                    else:
                        uf.at(b, ix, value)
                    return b

                g.add(f"indexing.at.{dt}.{name}.{op}", "indexing", "at", inputs, compute,
                      args={"index": spec, "op": op, "value": val})
    # NaN through minimum.at / maximum.at (propagates), repeated positions
    for dt in ["float32", "float64"]:
        a = np.array([1.0, np.nan, 3.0, -0.0], dtype=dt)
        v = np.array([np.nan, 2.0, 0.0, 5.0, 4.0], dtype=dt)
        i = np.array([0, 1, 3, 2, 2], I)
        for op, uf in [("min", np.minimum), ("max", np.maximum), ("add", np.add),
                       ("multiply", np.multiply), ("set", None)]:
            def compute(a, i, v, uf=uf):
                b = a.copy()
                if uf is None:
                    b[i] = v
                else:
                    uf.at(b, i, v)
                return b
            g.add(f"indexing.at.{dt}.nan.{op}", "indexing", "at", [a, i, v], compute,
                  args={"index": [{"input": 1}], "op": op, "value": {"input": 2}})
    g.add("indexing.at.error.values_shape", "indexing", "at",
          [make((4, 5), "float64"), np.array([0, 1], I), np.ones(3)],
          lambda a, i, v: _set(a, i, v), args={"index": [{"input": 1}], "op": "set",
                                                "value": {"input": 2}})
    g.add("indexing.at.error.out_of_range", "indexing", "at",
          [make((4, 5), "float64"), np.array([0, 4], I), np.ones(1)],
          lambda a, i, v: _set(a, i, v), args={"index": [{"input": 1}], "op": "set",
                                                "value": {"input": 2}})


def _set(a, i, v):
    b = a.copy()
    b[i] = v
    return b


def _put(a, i, v, axis):
    b = a.copy()
    np.put_along_axis(b, i, v, axis=axis)
    return b
