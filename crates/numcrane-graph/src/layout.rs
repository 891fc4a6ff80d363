//! Shapes, broadcasting and layouts (index maps).
//!
//! A `Layout` maps a multi-index to an element offset in a buffer: `offset + sum(i_k * stride_k)`
//! with strides counted in elements (negative for flipped axes, zero for broadcast axes). Every
//! view operation (reshape, transpose, slice, flip, broadcast, diagonal) is a pure function from
//! one layout to another, so views never copy and compose by applying one after another. The
//! reference evaluator uses these to read realized buffers in place; the fusion pass composes
//! them into the index maps of its loops.

/// Number of elements of a shape, or None if the product overflows `usize`.
pub fn checked_size(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d))
}

/// Number of elements of a shape (the shape must have been checked when its node was built).
pub fn size_of(shape: &[usize]) -> usize {
    checked_size(shape).unwrap_or(usize::MAX)
}

/// The shape two shapes broadcast to under NumPy's rules, or None if they are incompatible.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let ndim = a.len().max(b.len());
    let mut out = vec![0; ndim];
    for i in 0..ndim {
        let da = if i < ndim - a.len() {
            1
        } else {
            a[i - (ndim - a.len())]
        };
        let db = if i < ndim - b.len() {
            1
        } else {
            b[i - (ndim - b.len())]
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(out)
}

/// Turns a possibly negative axis into `0..ndim`, or None when out of range.
pub fn normalize_axis(axis: isize, ndim: usize) -> Option<usize> {
    let n = ndim as isize;
    let a = if axis < 0 { axis + n } else { axis };
    (0..n).contains(&a).then_some(a as usize)
}

/// C-order (row-major) strides in elements for a shape.
pub fn c_strides(shape: &[usize]) -> Vec<isize> {
    let mut strides = vec![0isize; shape.len()];
    let mut acc = 1isize;
    for i in (0..shape.len()).rev() {
        strides[i] = acc;
        acc = acc.wrapping_mul(shape[i].max(1) as isize);
    }
    strides
}

/// An index map from a multi-index to an element offset.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    /// Length of each axis.
    pub shape: Vec<usize>,
    /// Step in elements along each axis (may be negative or zero).
    pub strides: Vec<isize>,
    /// Offset in elements of the element at index (0, 0, ...).
    pub offset: usize,
}

impl Layout {
    /// The row-major layout of a fresh buffer of this shape.
    pub fn contiguous(shape: &[usize]) -> Layout {
        Layout {
            shape: shape.to_vec(),
            strides: c_strides(shape),
            offset: 0,
        }
    }

    /// Number of dimensions.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Number of elements.
    pub fn size(&self) -> usize {
        size_of(&self.shape)
    }

    /// True if elements are laid out row-major without gaps (the offset may be nonzero).
    pub fn is_c_contiguous(&self) -> bool {
        if self.shape.contains(&0) {
            return true;
        }
        let mut expected = 1isize;
        for i in (0..self.ndim()).rev() {
            if self.shape[i] == 1 {
                continue;
            }
            if self.strides[i] != expected {
                return false;
            }
            expected *= self.shape[i] as isize;
        }
        true
    }

    /// The range of element offsets this layout touches, as (lowest, highest + 1); empty
    /// layouts give (offset, offset).
    pub fn extent(&self) -> (isize, isize) {
        if self.size() == 0 {
            return (self.offset as isize, self.offset as isize);
        }
        let (mut lo, mut hi) = (self.offset as isize, self.offset as isize);
        for (&n, &s) in self.shape.iter().zip(&self.strides) {
            let span = (n as isize - 1) * s;
            if span < 0 {
                lo += span;
            } else {
                hi += span;
            }
        }
        (lo, hi + 1)
    }

    /// Reorders axes: axis `i` of the result is axis `axes[i]` of `self`.
    pub fn permute(&self, axes: &[usize]) -> Layout {
        Layout {
            shape: axes.iter().map(|&a| self.shape[a]).collect(),
            strides: axes.iter().map(|&a| self.strides[a]).collect(),
            offset: self.offset,
        }
    }

    /// Keeps `len` elements of `axis` starting at `start` with step `step`
    /// (`start` must be a valid index when `len > 0`).
    pub fn slice_axis(&self, axis: usize, start: usize, step: isize, len: usize) -> Layout {
        let mut out = self.clone();
        // Wrapping: on a non-empty layout these stay inside its buffer and cannot overflow,
        // but another axis of length 0 (e.g. shape [0, 2^62, 4]) allows strides and offsets
        // that overflow; an empty layout's offset and strides are never used to read.
        if len > 0 {
            out.offset = (self.offset as isize)
                .wrapping_add((start as isize).wrapping_mul(self.strides[axis]))
                as usize;
        }
        out.shape[axis] = len;
        out.strides[axis] = self.strides[axis].wrapping_mul(step);
        out
    }

    /// Reverses an axis.
    pub fn flip(&self, axis: usize) -> Layout {
        let n = self.shape[axis];
        if n == 0 {
            return self.clone();
        }
        self.slice_axis(axis, n - 1, -1, n)
    }

    /// Broadcasts to `shape` (which must be a valid broadcast target of `self.shape`).
    pub fn broadcast_to(&self, shape: &[usize]) -> Layout {
        let lead = shape.len() - self.ndim();
        let mut strides = vec![0isize; shape.len()];
        for i in 0..self.ndim() {
            strides[lead + i] = if self.shape[i] == 1 && shape[lead + i] != 1 {
                0
            } else {
                self.strides[i]
            };
        }
        Layout {
            shape: shape.to_vec(),
            strides,
            offset: self.offset,
        }
    }

    /// The `k`-th diagonal of the last two axes, as a new last axis (NumPy's `diagonal`).
    pub fn diagonal(&self, k: isize) -> Layout {
        let nd = self.ndim();
        let (rows, cols) = (self.shape[nd - 2], self.shape[nd - 1]);
        let (rs, cs) = (self.strides[nd - 2], self.strides[nd - 1]);
        let (r0, c0) = if k >= 0 {
            (0usize, k as usize)
        } else {
            (k.unsigned_abs(), 0usize)
        };
        let len = rows.saturating_sub(r0).min(cols.saturating_sub(c0));
        let mut shape = self.shape[..nd - 2].to_vec();
        let mut strides = self.strides[..nd - 2].to_vec();
        shape.push(len);
        // Wrapping for the same reason as in `slice_axis`: only an empty layout can overflow.
        strides.push(rs.wrapping_add(cs));
        let offset = if len > 0 {
            (self.offset as isize)
                .wrapping_add((r0 as isize).wrapping_mul(rs))
                .wrapping_add((c0 as isize).wrapping_mul(cs)) as usize
        } else {
            self.offset
        };
        Layout {
            shape,
            strides,
            offset,
        }
    }

    /// The same elements seen with another shape of equal size, without copying, when the
    /// strides allow it (NumPy's no-copy reshape); None when a copy is needed.
    pub fn reshape(&self, new_shape: &[usize]) -> Option<Layout> {
        if self.size() == 0 || self.is_c_contiguous() {
            let mut out = Layout::contiguous(new_shape);
            out.offset = self.offset;
            return Some(out);
        }
        // Drop unit axes, then match groups of old axes with groups of new axes whose
        // products agree; each old group must be contiguous within itself.
        let old: Vec<(usize, isize)> = self
            .shape
            .iter()
            .zip(&self.strides)
            .filter(|(&n, _)| n != 1)
            .map(|(&n, &s)| (n, s))
            .collect();
        let mut new_strides = vec![0isize; new_shape.len()];
        let (mut oi, mut ni) = (0usize, 0usize);
        while ni < new_shape.len() {
            if new_shape[ni] == 1 {
                new_strides[ni] = 0;
                ni += 1;
                continue;
            }
            let (o_start, n_start) = (oi, ni);
            let mut o_prod = old.get(oi)?.0;
            let mut n_prod = new_shape[ni];
            oi += 1;
            ni += 1;
            while o_prod != n_prod {
                if o_prod < n_prod {
                    o_prod *= old.get(oi)?.0;
                    oi += 1;
                } else {
                    n_prod *= *new_shape.get(ni)?;
                    ni += 1;
                }
            }
            for k in o_start..oi - 1 {
                if old[k].1 != old[k + 1].1 * old[k + 1].0 as isize {
                    return None;
                }
            }
            // Give the new axes of this group row-major strides ending in the old group's
            // innermost stride.
            let mut stride = old[oi - 1].1;
            for k in (n_start..ni).rev() {
                new_strides[k] = stride;
                stride *= new_shape[k] as isize;
            }
        }
        Some(Layout {
            shape: new_shape.to_vec(),
            strides: new_strides,
            offset: self.offset,
        })
    }

    /// Element offsets in row-major order of the multi-index.
    pub fn offsets(&self) -> Offsets<'_> {
        Offsets::new(self)
    }
}

/// Iterator over a layout's element offsets in row-major index order.
pub struct Offsets<'a> {
    layout: &'a Layout,
    index: Vec<usize>,
    current: isize,
    remaining: usize,
}

impl<'a> Offsets<'a> {
    fn new(layout: &'a Layout) -> Self {
        Offsets {
            layout,
            index: vec![0; layout.ndim()],
            current: layout.offset as isize,
            remaining: layout.size(),
        }
    }
}

impl Iterator for Offsets<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let out = self.current as usize;
        if self.remaining > 0 {
            let shape = &self.layout.shape;
            let strides = &self.layout.strides;
            let mut axis = shape.len();
            while axis > 0 {
                axis -= 1;
                self.index[axis] += 1;
                self.current += strides[axis];
                if self.index[axis] < shape[axis] {
                    break;
                }
                self.current -= strides[axis] * shape[axis] as isize;
                self.index[axis] = 0;
            }
        }
        Some(out)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for Offsets<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Offsets by the definition, for comparison with the incremental iterator.
    fn naive_offsets(l: &Layout) -> Vec<usize> {
        let n = l.size();
        (0..n)
            .map(|mut flat| {
                let mut off = l.offset as isize;
                for ax in (0..l.ndim()).rev() {
                    let i = flat % l.shape[ax];
                    flat /= l.shape[ax];
                    off += i as isize * l.strides[ax];
                }
                off as usize
            })
            .collect()
    }

    #[test]
    fn broadcast_rules() {
        assert_eq!(broadcast_shapes(&[3, 1], &[4]), Some(vec![3, 4]));
        assert_eq!(broadcast_shapes(&[], &[2, 2]), Some(vec![2, 2]));
        assert_eq!(broadcast_shapes(&[0], &[1]), Some(vec![0]));
        assert_eq!(broadcast_shapes(&[2], &[3]), None);
    }

    #[test]
    fn reshape_of_transpose_needs_copy() {
        let t = Layout::contiguous(&[2, 3]).permute(&[1, 0]);
        assert!(t.reshape(&[6]).is_none());
        assert!(t.reshape(&[3, 2, 1]).is_some());
    }

    fn layout_strategy() -> impl Strategy<Value = (Layout, Vec<usize>)> {
        proptest::collection::vec(1usize..5, 0..4).prop_flat_map(|shape| {
            let nd = shape.len();
            (
                Just(shape),
                proptest::collection::vec(any::<bool>(), nd),
                proptest::collection::vec(0usize..2, nd),
                Just((0..nd).collect::<Vec<_>>()).prop_shuffle(),
            )
                .prop_map(|(shape, flips, steps, perm)| {
                    let mut l = Layout::contiguous(&shape);
                    for ax in 0..l.ndim() {
                        if flips[ax] {
                            l = l.flip(ax);
                        }
                        if steps[ax] == 1 && l.shape[ax] > 1 {
                            let len = l.shape[ax].div_ceil(2);
                            l = l.slice_axis(ax, 0, 2, len);
                        }
                    }
                    (l.permute(&perm), shape)
                })
        })
    }

    proptest! {
        #[test]
        fn offsets_match_definition((l, _) in layout_strategy()) {
            prop_assert_eq!(l.offsets().collect::<Vec<_>>(), naive_offsets(&l));
        }

        #[test]
        fn nocopy_reshape_preserves_element_order((l, _) in layout_strategy(), split in 0usize..3) {
            // Reshape to the flat shape and to a shape with extra unit axes: where possible it
            // must visit the same elements in the same order.
            let size = l.size();
            let mut targets = vec![vec![size], vec![1, size, 1]];
            if split > 0 && size % (split + 1) == 0 {
                targets.push(vec![split + 1, size / (split + 1)]);
            }
            for t in targets {
                if let Some(r) = l.reshape(&t) {
                    prop_assert_eq!(r.offsets().collect::<Vec<_>>(), l.offsets().collect::<Vec<_>>());
                }
            }
        }

        #[test]
        fn extent_covers_all_offsets((l, _) in layout_strategy()) {
            let (lo, hi) = l.extent();
            for o in l.offsets() {
                prop_assert!((o as isize) >= lo && (o as isize) < hi);
            }
        }
    }
}
