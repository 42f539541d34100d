//! Keeping this library's code in memory for threads that cannot be stopped.
//!
//! A plugin host unloads the plugin's shared library after its last instance is gone. A
//! thread stuck in a piece's user code (a loop that never waits) cannot be stopped safely, so
//! it is left behind; if its code were unmapped under it, the host would crash. Before
//! leaving such a thread behind, [`keep_code_loaded`] takes one more reference to the library
//! that contains this code, with `RTLD_NODELETE`, so it stays mapped for the life of the
//! process. Any thread may call it; it is idempotent.

/// Pins the shared object that contains this function (see the module docs). Does nothing
/// where that cannot be done (a statically linked program has nothing to unload).
pub fn keep_code_loaded() {
    #[cfg(unix)]
    {
        static PINNED: std::sync::Once = std::sync::Once::new();
        PINNED.call_once(|| {
            // SAFETY: dladdr only reads the loader's tables for an address in our own code;
            // dlopen of the path the loader gave us re-opens an object that is already
            // loaded, which only bumps its reference count (the handle is never closed).
            unsafe {
                let mut info: libc::Dl_info = std::mem::zeroed();
                let here = keep_code_loaded as *const libc::c_void;
                if libc::dladdr(here, &mut info) != 0 && !info.dli_fname.is_null() {
                    let handle = libc::dlopen(info.dli_fname, libc::RTLD_NOW | libc::RTLD_NODELETE);
                    if handle.is_null() {
                        log::warn!(
                            "could not keep the plugin's code loaded for a thread left behind"
                        );
                    }
                }
            }
        });
    }
}
