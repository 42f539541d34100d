//! Surviving a process that overflows its stack (or faults on memory some other way).
//!
//! A process runs on a coroutine stack with a guard page below it. Deep recursion touches the
//! guard page and the kernel raises SIGSEGV on the thread. Left alone, that ends the program,
//! and inside a plugin it ends the host. So a thread about to resume a coroutine registers it
//! ([`Guarded::enter`]); a SIGSEGV/SIGBUS handler, running on an alternate signal stack of the
//! thread's own ([`ensure_alt_stack`]), checks that the faulting thread's stack pointer lies in
//! the registered coroutine's stack, and if so makes the coroutine return at once (corosensei's
//! trap handler: the coroutine's stack is reset and it returns to whoever resumed it). The
//! resumer then sees [`Guarded::leave`] report the fault, names the process's clock and
//! carries on. Every other fault goes to the handler that was installed before ours.
//!
//! What this costs: the frames of the abandoned process never run their destructors, so what
//! they held (instrument handles, the session's state) is leaked; a fault while the process
//! held one of the engine's locks would leave it locked. Both beat a crashed host.
//!
//! Linux on x86-64 and aarch64 (elsewhere the guard page still stops the overflow, and the
//! program ends as before). The handler is installed once per process and only reads
//! thread-locals that need no initialisation.

#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
mod imp {
    use corosensei::trap::CoroutineTrapHandler;
    use std::cell::Cell;
    use std::sync::Once;

    /// Size of each thread's alternate signal stack.
    const ALT_STACK: usize = 64 * 1024;

    #[derive(Clone, Copy)]
    struct Active {
        handler: CoroutineTrapHandler<()>,
    }

    /// What the handler found: (fault address, stack pointer at the fault).
    type Fault = (usize, usize);

    /// A thread's alternate signal stack, taken down (and unmapped) when the thread ends:
    /// sessions come and go with their threads, and a mapping left per thread would run the
    /// process out of memory maps.
    struct AltStack {
        base: *mut libc::c_void,
    }

    impl Drop for AltStack {
        fn drop(&mut self) {
            // SAFETY: the stack is this thread's; it is disabled before it is unmapped.
            unsafe {
                let off = libc::stack_t {
                    ss_sp: std::ptr::null_mut(),
                    ss_flags: libc::SS_DISABLE,
                    ss_size: 0,
                };
                libc::sigaltstack(&off, std::ptr::null_mut());
                libc::munmap(self.base, ALT_STACK);
            }
        }
    }

    thread_local! {
        static ACTIVE: Cell<Option<Active>> = const { Cell::new(None) };
        static FAULT: Cell<Option<Fault>> = const { Cell::new(None) };
        static ALT_STACK_SET: Cell<bool> = const { Cell::new(false) };
        static ALT: std::cell::RefCell<Option<AltStack>> = const { std::cell::RefCell::new(None) };
    }

    static INSTALL: Once = Once::new();
    static mut PREVIOUS_SEGV: Option<libc::sigaction> = None;
    static mut PREVIOUS_BUS: Option<libc::sigaction> = None;

    fn install() {
        INSTALL.call_once(|| {
            // SAFETY: sigaction with a zeroed, then filled, struct; the previous actions are
            // written once here, before our handler can run, and only read by it.
            unsafe {
                for (signal, previous) in [
                    (libc::SIGSEGV, &raw mut PREVIOUS_SEGV),
                    (libc::SIGBUS, &raw mut PREVIOUS_BUS),
                ] {
                    let mut action: libc::sigaction = std::mem::zeroed();
                    action.sa_sigaction = handler as *const () as usize;
                    action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
                    libc::sigemptyset(&mut action.sa_mask);
                    let mut old: libc::sigaction = std::mem::zeroed();
                    if libc::sigaction(signal, &action, &mut old) == 0 {
                        *previous = Some(old);
                    }
                }
            }
        });
    }

    /// Gives the calling thread an alternate signal stack (once), so the handler can run
    /// when the thread's own stack is exhausted. A thread that already has one (its own, or
    /// the host's) keeps it.
    pub fn ensure_alt_stack() {
        install();
        if ALT_STACK_SET.with(|s| s.replace(true)) {
            return;
        }
        // SAFETY: reads the thread's current alternate stack; then a private anonymous
        // mapping handed to sigaltstack, taken down again when the thread ends (`AltStack`).
        unsafe {
            let mut current: libc::stack_t = std::mem::zeroed();
            if libc::sigaltstack(std::ptr::null(), &mut current) == 0
                && current.ss_flags & libc::SS_DISABLE == 0
            {
                return;
            }
            let stack = libc::mmap(
                std::ptr::null_mut(),
                ALT_STACK,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if stack == libc::MAP_FAILED {
                return;
            }
            let ss = libc::stack_t {
                ss_sp: stack,
                ss_flags: 0,
                ss_size: ALT_STACK,
            };
            if libc::sigaltstack(&ss, std::ptr::null_mut()) == 0 {
                ALT.with(|a| *a.borrow_mut() = Some(AltStack { base: stack }));
            } else {
                libc::munmap(stack, ALT_STACK);
            }
        }
    }

    pub fn enter(handler: CoroutineTrapHandler<()>) {
        FAULT.with(|f| f.set(None));
        ACTIVE.with(|a| a.set(Some(Active { handler })));
    }

    pub fn leave() -> Option<Fault> {
        ACTIVE.with(|a| a.set(None));
        FAULT.with(|f| f.take())
    }

    #[cfg(target_arch = "x86_64")]
    unsafe fn stack_pointer(context: &libc::ucontext_t) -> usize {
        context.uc_mcontext.gregs[libc::REG_RSP as usize] as usize
    }

    #[cfg(target_arch = "aarch64")]
    unsafe fn stack_pointer(context: &libc::ucontext_t) -> usize {
        context.uc_mcontext.sp as usize
    }

    #[cfg(target_arch = "x86_64")]
    unsafe fn redirect(context: &mut libc::ucontext_t, regs: corosensei::trap::TrapHandlerRegs) {
        let corosensei::trap::TrapHandlerRegs {
            rip,
            rsp,
            rbp,
            rdi,
            rsi,
        } = regs;
        let g = &mut context.uc_mcontext.gregs;
        g[libc::REG_RIP as usize] = rip as i64;
        g[libc::REG_RSP as usize] = rsp as i64;
        g[libc::REG_RBP as usize] = rbp as i64;
        g[libc::REG_RDI as usize] = rdi as i64;
        g[libc::REG_RSI as usize] = rsi as i64;
    }

    #[cfg(target_arch = "aarch64")]
    unsafe fn redirect(context: &mut libc::ucontext_t, regs: corosensei::trap::TrapHandlerRegs) {
        let corosensei::trap::TrapHandlerRegs {
            pc,
            sp,
            x0,
            x1,
            x29,
            lr,
        } = regs;
        let m = &mut context.uc_mcontext;
        m.pc = pc;
        m.sp = sp;
        m.regs[0] = x0;
        m.regs[1] = x1;
        m.regs[29] = x29;
        m.regs[30] = lr;
    }

    extern "C" fn handler(
        signal: libc::c_int,
        info: *mut libc::siginfo_t,
        context: *mut libc::c_void,
    ) {
        // SAFETY: the kernel hands a valid siginfo and ucontext to an SA_SIGINFO handler.
        unsafe {
            let context = &mut *(context as *mut libc::ucontext_t);
            let sp = stack_pointer(context);
            if let Some(active) = ACTIVE.with(|a| a.get()) {
                if active.handler.stack_ptr_in_bounds(sp) {
                    let address = (*info).si_addr() as usize;
                    ACTIVE.with(|a| a.set(None));
                    FAULT.with(|f| f.set(Some((address, sp))));
                    let regs = active.handler.setup_trap_handler(|| ());
                    redirect(context, regs);
                    return;
                }
            }
            chain(
                signal,
                info,
                context as *mut libc::ucontext_t as *mut libc::c_void,
            );
        }
    }

    /// Hands a fault that is not ours to the handler installed before: its own function, or
    /// the default action (the fault then recurs with the default action in place).
    unsafe fn chain(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
        let previous = if signal == libc::SIGBUS {
            PREVIOUS_BUS
        } else {
            PREVIOUS_SEGV
        };
        match previous {
            Some(old) if old.sa_sigaction != libc::SIG_DFL && old.sa_sigaction != libc::SIG_IGN => {
                if old.sa_flags & libc::SA_SIGINFO != 0 {
                    let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                        std::mem::transmute(old.sa_sigaction);
                    f(signal, info, context);
                } else {
                    let f: extern "C" fn(libc::c_int) = std::mem::transmute(old.sa_sigaction);
                    f(signal);
                }
            }
            _ => {
                let mut default: libc::sigaction = std::mem::zeroed();
                default.sa_sigaction = libc::SIG_DFL;
                libc::sigaction(signal, &default, std::ptr::null_mut());
            }
        }
    }
}

#[cfg(not(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
)))]
mod imp {
    pub fn ensure_alt_stack() {}
    pub fn enter(_handler: corosensei::trap::CoroutineTrapHandler<()>) {}
    pub fn leave() -> Option<(usize, usize)> {
        None
    }
}

/// A coroutine resumed under the guard.
pub(crate) struct Guarded;

/// How a guarded coroutine faulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Its stack ran out (the fault lies just below the stack pointer).
    StackOverflow,
    /// Any other invalid memory access.
    InvalidAccess,
}

impl Guarded {
    /// The calling thread is about to resume the coroutine `handler` belongs to.
    pub fn enter(handler: corosensei::trap::CoroutineTrapHandler<()>) {
        imp::ensure_alt_stack();
        imp::enter(handler);
    }

    /// The coroutine has returned or yielded: whether it faulted (it has then returned).
    pub fn leave() -> Option<Fault> {
        imp::leave().map(|(address, sp)| {
            if address <= sp.saturating_add(4096) && sp.saturating_sub(address) < 1 << 20 {
                Fault::StackOverflow
            } else {
                Fault::InvalidAccess
            }
        })
    }
}

/// Runs `f` on a coroutine stack of `stack_bytes` on this thread, under the guard: a stack
/// overflow in it (or any fault) returns an error naming `clock` instead of ending the program.
/// For code that is not a forked process, such as a piece's own function in a plugin.
pub(crate) fn run_guarded<T>(
    clock: &str,
    stack_bytes: usize,
    f: impl FnOnce() -> crate::Result<T>,
) -> crate::Result<T> {
    use corosensei::stack::DefaultStack;
    use corosensei::{ScopedCoroutine, Yielder};
    let stack = DefaultStack::new(stack_bytes).map_err(|e| crate::Error::Resource {
        what: "a stack for the piece",
        reason: e.to_string(),
    })?;
    let mut out = None;
    let fault = {
        let out = &mut out;
        let coroutine = ScopedCoroutine::with_stack(stack, move |_: &Yielder<(), ()>, ()| {
            *out = Some(f());
        });
        coroutine.scope(|mut c| {
            Guarded::enter(c.trap_handler());
            let _ = c.resume(());
            Guarded::leave()
        })
    };
    match (fault, out) {
        (Some(fault), _) => Err(crate::Error::Refused(fault.describe(clock))),
        (None, Some(result)) => result,
        (None, None) => Err(crate::Error::Refused(format!(
            "the code on clock '{clock}' did not finish"
        ))),
    }
}

impl Fault {
    /// What to tell the user, for the process on clock `clock`.
    pub fn describe(self, clock: &str) -> String {
        match self {
            Fault::StackOverflow => format!(
                "the process on clock '{clock}' overflowed its stack (endless or very deep recursion) and was stopped; if the recursion is meant, give processes bigger stacks with SCAMP_PROCESS_STACK_KIB (now {} KiB)",
                super::process::stack_kib()
            ),
            Fault::InvalidAccess => format!(
                "the process on clock '{clock}' made an invalid memory access and was stopped"
            ),
        }
    }
}
