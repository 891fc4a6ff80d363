//! Spot checks against values NumPy 2.4 printed for seed 12345 (the full golden comparison of
//! every method is the workspace's tests/random.rs). Floats are compared as bits.

use numcrane_random::{Generator, IntDType, Pcg64, SeedSequence};

#[test]
fn seed_sequence_pool_and_state() {
    // np.random.SeedSequence(12345).pool / .generate_state(4) / .generate_state(2, np.uint64)
    let ss = SeedSequence::new(12345);
    assert_eq!(ss.pool(), [0xf293d734, 0xfd668225, 0xf94ff895, 0x872090a0]);
    assert_eq!(
        ss.generate_state_u32(4),
        vec![0xa03d837c, 0xb5ae6482, 0xfa1f7a2f, 0xbbe2996f]
    );
    assert_eq!(
        ss.generate_state_u64(2),
        vec![0xb5ae6482a03d837c, 0xbbe2996ffa1f7a2f]
    );
    // A seed longer than the pool: SeedSequence(2**140 + 17).pool
    let big = SeedSequence::from_words(&[17, 0, 0, 0, 1 << 12]);
    assert_eq!(big.pool(), [0x15fe29ea, 0x2872870a, 0x3c5e416c, 0x1a2e7bcc]);
}

#[test]
fn seed_sequence_with_spawn_key() {
    // np.random.SeedSequence(7, spawn_key=(3,)).pool
    let ss = SeedSequence::with_spawn_key(&[7], &[3]);
    assert_eq!(ss.pool(), [0x7d5e5649, 0x5b4d2706, 0x1e81c756, 0x2c9ba8c4]);
    // spawn numbers children on from where the last call stopped.
    let mut parent = SeedSequence::new(7);
    let first = parent.spawn(4);
    let next = parent.spawn(1);
    assert_eq!(first[3], ss);
    assert_eq!(next[0], SeedSequence::with_spawn_key(&[7], &[4]));
}

#[test]
fn pcg64_raw_and_advance() {
    // np.random.PCG64(12345).random_raw(3)
    let mut b = Pcg64::new(12345);
    assert_eq!(
        [b.next_u64(), b.next_u64(), b.next_u64()],
        [0x3a32b18db2ffc19d, 0x51171315c9e4c4de, 0xcc2024823444efd9]
    );
    // PCG64(12345).advance(1000).random_raw() equals the 1001st draw.
    let mut jumped = Pcg64::new(12345);
    jumped.advance(1000);
    let mut walked = Pcg64::new(12345);
    for _ in 0..1000 {
        walked.next_u64();
    }
    assert_eq!(jumped.next_u64(), 0x30629a81af27f64a);
    assert_eq!(walked.next_u64(), 0x30629a81af27f64a);
}

#[test]
fn pcg64_state_after_seeding() {
    // default_rng(12345).bit_generator.state
    let s = Pcg64::new(12345).state();
    assert_eq!(s.state, 33261208707367790463622745601869196757);
    assert_eq!(s.inc, 268209174141567072605526753992732310247);
    assert!(!s.has_uint32);
}

#[test]
fn first_values_of_the_generator() {
    let mut g = Generator::seeded(12345);
    let r: Vec<u64> = g.random(2).iter().map(|v| v.to_bits()).collect();
    assert_eq!(r, vec![0x3fcd1958c6d97fe0, 0x3fd445c4c5727930]);
    let f: Vec<u32> = g.random_f32(3).iter().map(|v| v.to_bits()).collect();
    assert_eq!(f, vec![0x3e5113bc, 0x3f4c2024, 0x3f2486e9]);

    let mut g = Generator::seeded(12345);
    let n: Vec<u64> = g.standard_normal(3).iter().map(|v| v.to_bits()).collect();
    assert_eq!(
        n,
        vec![0xbff6c7fcc2ecc744, 0x3ff4383b54eb0649, 0xbfebdc76014d359e]
    );
    let e: Vec<u64> = g
        .standard_exponential(2)
        .iter()
        .map(|v| v.to_bits())
        .collect();
    assert_eq!(e, vec![0x3fdac9aa49a5a25b, 0x3fe05a802b679694]);
    assert_eq!(
        g.integers(0, 100, 5, IntDType::I64, false).unwrap(),
        vec![83, 33, 56, 59, 21]
    );
}

#[test]
fn errors_name_the_method() {
    let mut g = Generator::seeded(1);
    let e = g.normal(0.0, -1.0, 2).unwrap_err();
    assert_eq!(e.to_string(), "normal: scale < 0");
    let e = g.choice_indices(3, 4, false, None).unwrap_err();
    assert_eq!(e.op, "choice");
}

#[test]
fn mt19937_reference_outputs() {
    // The reference init_genrand(5489) stream starts 3499211612, 581869302, 3890346734
    // (mt19937ar.c); NumPy's legacy seeding is that routine.
    let mut mt = numcrane_random::Mt19937::new(5489);
    assert_eq!(
        [mt.next_u32(), mt.next_u32(), mt.next_u32()],
        [3499211612, 581869302, 3890346734]
    );
}
