//! Zero-copy interop: adopted Vecs, shared and static slices, borrowed slices and raw views
//! out, and (with the `ndarray` feature) ndarray views and conversions.

use numcrane::{array, ix, s, Array, DType};
use std::sync::Arc;

#[test]
fn from_vec_adopts_the_allocation() {
    let v: Vec<f64> = (0..1000).map(|i| i as f64).collect();
    let at = v.as_ptr();
    let a = Array::from_vec(v, [10, 100]);
    assert_eq!(a.as_slice::<f64>().unwrap().as_ptr(), at);
    assert_eq!(a.sum(..).item::<f64>().unwrap(), 499_500.0);
    // An adopted Vec belongs to the array alone: in-place updates write it.
    let mut b = Array::from_vec(vec![1u8, 2, 3], [3]);
    assert!(b.set_in_place(ix![0], 7u8).unwrap());
    assert_eq!(b.to_vec::<u8>().unwrap(), vec![7, 2, 3]);
}

#[test]
fn element_aligned_buffers_run_every_kind_of_kernel() {
    // A Vec<f32> is 4-byte aligned; offset by one element it is certainly not 64-aligned.
    let mut v: Vec<f32> = (0..4097).map(|i| (i % 97) as f32 * 0.5).collect();
    v.remove(0);
    let a = Array::from_vec(v.clone(), [64, 64]);
    let heap = Array::from_vec(v, [64, 64]).copy();
    for (x, y) in [
        (
            (&a * 2.0f32 + 1.0f32).exp().sum(1),
            (&heap * 2.0f32 + 1.0f32).exp().sum(1),
        ),
        (
            numcrane::matmul(&a, &a.transpose()),
            numcrane::matmul(&heap, &heap.transpose()),
        ),
        (
            numcrane::sort(&a, Some(-1)),
            numcrane::sort(&heap, Some(-1)),
        ),
        (
            a.slice(s![.., 3..9]).max(0),
            heap.slice(s![.., 3..9]).max(0),
        ),
    ] {
        assert_eq!(x.to_vec::<f32>().unwrap(), y.to_vec::<f32>().unwrap());
    }
}

#[test]
fn shared_slices_are_never_written() {
    let data: Arc<[i32]> = vec![1, 2, 3, 4].into();
    let mut a = Array::from_shared(data.clone(), [2, 2]);
    assert_eq!(a.as_slice::<i32>().unwrap().as_ptr(), data.as_ptr());
    drop(data);
    // Even as the only holder, the array copies rather than writes shared memory.
    assert!(!a.set_in_place(ix![0, 0], 9).unwrap());
    assert_eq!(a.to_vec::<i32>().unwrap(), vec![9, 2, 3, 4]);
    let wrong = Array::from_shared(Arc::<[i32]>::from(vec![1, 2, 3]), [2, 2]);
    assert!(wrong.eval().is_err());
}

#[test]
fn static_slices_are_borrowed() {
    static TABLE: [u16; 6] = [1, 2, 3, 4, 5, 6];
    let a = Array::from_static(&TABLE, [2, 3]);
    assert_eq!(a.as_slice::<u16>().unwrap().as_ptr(), TABLE.as_ptr());
    assert_eq!(
        a.transpose().to_vec::<u16>().unwrap(),
        vec![1, 4, 2, 5, 3, 6]
    );
    assert!(Array::from_static(&TABLE, [4]).eval().is_err());
}

#[test]
fn raw_views_describe_the_memory() {
    let a = Array::from_vec((0..24i32).collect(), [2, 3, 4])
        .eval()
        .unwrap();
    let v = a.raw_view().unwrap();
    assert_eq!(
        (v.dtype, v.shape.clone(), v.strides.clone()),
        (DType::I32, vec![2, 3, 4], vec![48, 16, 4])
    );
    assert!(!v.writable);
    let r = a.slice(s![1, ..;-1, 1..3]).eval().unwrap();
    let rv = r.raw_view().unwrap();
    assert_eq!(rv.shape, vec![3, 2]);
    assert_eq!(rv.strides, vec![-16, 4]);
    // SAFETY: [i, j] for i < 3, j < 2 is inside the view, at these byte offsets.
    let read = |i: isize, j: isize| unsafe {
        *(rv.ptr.offset(i * rv.strides[0] + j * rv.strides[1]) as *const i32)
    };
    let want = r.to_vec::<i32>().unwrap();
    assert_eq!(
        vec![
            read(0, 0),
            read(0, 1),
            read(1, 0),
            read(1, 1),
            read(2, 0),
            read(2, 1)
        ],
        want
    );
    assert!(array([1.0]).exp().raw_view().is_err(), "not realized");
}

/// The suite always builds numcrane with its `ndarray` feature.
mod nd {
    use super::*;
    use ndarray::{ArrayD, IxDyn};

    #[test]
    fn views_borrow_any_strides() {
        let a = Array::from_vec((0..24i64).collect(), [2, 3, 4])
            .eval()
            .unwrap();
        let base = a.as_slice::<i64>().unwrap().as_ptr();
        for view in [
            a.clone(),
            a.transpose(),
            a.slice(s![.., ..;-1, 1..;2]),
            a.slice(s![1]).broadcast_to(&[5, 3, 4]),
        ] {
            let view = view.eval().unwrap();
            let nd = view.to_ndarray_view::<i64>().unwrap();
            assert_eq!(nd.shape(), view.shape());
            assert_eq!(
                nd.iter().copied().collect::<Vec<_>>(),
                view.to_vec::<i64>().unwrap()
            );
            let span = base as usize..base as usize + 24 * 8;
            assert!(span.contains(&(nd.as_ptr() as usize)), "a view, not a copy");
        }
        assert!(a.to_ndarray_view::<f64>().is_err());
    }

    #[test]
    fn conversions_both_ways() {
        let nd =
            ArrayD::from_shape_vec(IxDyn(&[2, 3]), vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
        let kept = nd.clone();
        let at = nd.as_ptr();
        let a = Array::from_ndarray(nd);
        let nd = kept;
        assert_eq!(
            a.as_slice::<f32>().unwrap().as_ptr(),
            at,
            "a standard layout is adopted"
        );
        let t = Array::from_ndarray(nd.clone().reversed_axes());
        assert_eq!(t.shape(), &[3, 2]);
        assert_eq!(
            t.to_vec::<f32>().unwrap(),
            vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
        );
        assert_eq!(
            a.transpose().to_ndarray::<f32>().unwrap(),
            nd.reversed_axes()
        );
    }
}
