//! The one real-time seam: every audio callback enters the engine through [`block`]: the
//! plugin's `process()` (and so the standalone, which is the same plugin), `--realtime`'s
//! audio-device callback, and the offline renderer's block loop alike.
//!
//! For the length of the call it turns on flush-to-zero and denormals-are-zero, and restores
//! the caller's setting after: denormal numbers in reverb and release tails cost a synth
//! hundreds of cycles a sample, and the same setting on every path keeps offline and
//! real-time renders identical. The rest of the real-time contract (no allocation, freeing,
//! locks, I/O or logging inside) is the callers': the plugin runs under nice-plug's
//! `assert_process_allocs` in its debug tests, and `tests/it/audio_alloc.rs` counts every
//! allocation of `HostedPiece::process` and `BlockRenderer::render`. Any thread may call it.

/// Runs `f` with denormals flushed to zero (see the module docs).
pub fn block<R>(f: impl FnOnce() -> R) -> R {
    let saved = denormals::flush_to_zero();
    let out = f();
    denormals::restore(saved);
    out
}

#[cfg(target_arch = "x86_64")]
mod denormals {
    /// MXCSR's flush-to-zero (bit 15) and denormals-are-zero (bit 6).
    const FTZ_DAZ: u32 = (1 << 15) | (1 << 6);

    pub fn flush_to_zero() -> u32 {
        let mut csr: u32 = 0;
        // SAFETY: stmxcsr/ldmxcsr read and write this thread's SSE control register only.
        unsafe {
            std::arch::asm!("stmxcsr [{}]", in(reg) &mut csr, options(nostack));
            let on = csr | FTZ_DAZ;
            std::arch::asm!("ldmxcsr [{}]", in(reg) &on, options(nostack));
        }
        csr
    }

    pub fn restore(csr: u32) {
        // SAFETY: as above.
        unsafe { std::arch::asm!("ldmxcsr [{}]", in(reg) &csr, options(nostack)) };
    }
}

#[cfg(target_arch = "aarch64")]
mod denormals {
    /// FPCR's flush-to-zero bit.
    const FZ: u64 = 1 << 24;

    pub fn flush_to_zero() -> u64 {
        let fpcr: u64;
        // SAFETY: reading and writing this thread's floating-point control register.
        unsafe {
            std::arch::asm!("mrs {}, fpcr", out(reg) fpcr, options(nomem, nostack));
            std::arch::asm!("msr fpcr, {}", in(reg) fpcr | FZ, options(nomem, nostack));
        }
        fpcr
    }

    pub fn restore(fpcr: u64) {
        // SAFETY: as above.
        unsafe { std::arch::asm!("msr fpcr, {}", in(reg) fpcr, options(nomem, nostack)) };
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
mod denormals {
    pub fn flush_to_zero() {}
    pub fn restore(_: ()) {}
}

#[cfg(test)]
mod tests {
    #[test]
    fn denormals_are_flushed_inside_and_kept_outside() {
        let tiny = std::hint::black_box(f32::MIN_POSITIVE);
        let inside = super::block(|| std::hint::black_box(tiny) / std::hint::black_box(4.0f32));
        let outside = std::hint::black_box(tiny) / std::hint::black_box(4.0f32);
        if cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) {
            assert_eq!(inside, 0.0, "a denormal result is flushed inside the seam");
        }
        assert!(outside > 0.0, "and kept outside it");
    }
}
