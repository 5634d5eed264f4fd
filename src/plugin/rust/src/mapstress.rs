//! The mapstress plugin ABI (src/plugin/include/mapstress/plugin.h, ABI 1) as a safe trait.
//!
//! Copy this file into your crate, implement [`Map`] for your map in safe Rust, and list it with
//! [`export_backends!`]; build with `crate-type = ["cdylib"]` and load the library with
//! `mapstress run --plugin target/release/libyour_crate.so`. See src/plugin/README.md, "Rust plugins".
//! All `unsafe` code of a plugin lives here: the map pointer is a `Box<T>` made by `create`.

use std::ffi::c_void;
use std::os::raw::{c_char, c_int};

/// A concurrent map mapstress can test. Every method may be called from many threads at once.
pub trait Map: Send + Sync + Sized + 'static {
    /// A new empty map; `capacity_hint` is the expected number of keys.
    fn create(capacity_hint: u64) -> Self;
    /// Insert or overwrite.
    fn store(&self, key: u64, value: u64);
    /// Remove; true if this call removed the key.
    fn erase(&self, key: u64) -> bool;
    /// The key's value, if present.
    fn load(&self, key: u64) -> Option<u64>;
    /// Call `visit(key, value)` for every entry, on this thread; stop as soon as it returns true.
    fn for_each(&self, visit: &mut dyn FnMut(u64, u64) -> bool);
    /// On each worker thread before its first operation (e.g. to register with an epoch scheme).
    fn thread_attach(&self) {}
    /// On each worker thread after its last operation.
    fn thread_detach(&self) {}
}

/// The C callback mapstress passes to `iterate`.
pub type VisitFn = unsafe extern "C" fn(ctx: *mut c_void, key: u64, value: u64) -> c_int;

/// `struct mapstress_backend` of plugin.h, field for field.
#[repr(C)]
pub struct Backend {
    pub abi: u32,
    pub name: *const c_char,
    pub description: *const c_char,
    pub guarantee: *const c_char,
    pub create: extern "C" fn(u64) -> *mut c_void,
    pub destroy: extern "C" fn(*mut c_void),
    pub thread_attach: Option<extern "C" fn(*mut c_void)>,
    pub thread_detach: Option<extern "C" fn(*mut c_void)>,
    pub store: extern "C" fn(*mut c_void, u64, u64),
    pub erase: extern "C" fn(*mut c_void, u64) -> c_int,
    pub load: extern "C" fn(*mut c_void, u64, *mut u64) -> c_int,
    pub iterate: extern "C" fn(*mut c_void, VisitFn, *mut c_void),
}

// The table only holds pointers to 'static strings and functions.
unsafe impl Sync for Backend {}

/// `struct mapstress_contract` of mapstress/plugin_contract.h (optional): the documented
/// promise with its source, which operations may overlap, and grade overrides such as
/// "duplicate=INTERESTING stale_read=INTERESTING" on top of the guarantee's profile.
#[repr(C)]
pub struct Contract {
    pub promise: *const c_char,
    pub concurrency: *const c_char,
    pub grades: *const c_char,
}
unsafe impl Sync for Contract {}

/// A NULL-terminated list of backends, as `mapstress_backends()` returns it.
#[repr(transparent)]
pub struct BackendList<const N: usize>(pub [*const Backend; N]);
unsafe impl<const N: usize> Sync for BackendList<N> {}

pub const ABI: u32 = 1;

fn map<'a, T: Map>(m: *mut c_void) -> &'a T {
    // SAFETY: `m` came from `create::<T>` and mapstress calls destroy only with nothing in flight.
    unsafe { &*(m as *const T) }
}

pub extern "C" fn create<T: Map>(capacity_hint: u64) -> *mut c_void {
    Box::into_raw(Box::new(T::create(capacity_hint))) as *mut c_void
}
pub extern "C" fn destroy<T: Map>(m: *mut c_void) {
    // SAFETY: see `map`; this is the only owner.
    drop(unsafe { Box::from_raw(m as *mut T) });
}
pub extern "C" fn thread_attach<T: Map>(m: *mut c_void) {
    map::<T>(m).thread_attach()
}
pub extern "C" fn thread_detach<T: Map>(m: *mut c_void) {
    map::<T>(m).thread_detach()
}
pub extern "C" fn store<T: Map>(m: *mut c_void, key: u64, value: u64) {
    map::<T>(m).store(key, value)
}
pub extern "C" fn erase<T: Map>(m: *mut c_void, key: u64) -> c_int {
    map::<T>(m).erase(key) as c_int
}
pub extern "C" fn load<T: Map>(m: *mut c_void, key: u64, value_out: *mut u64) -> c_int {
    match map::<T>(m).load(key) {
        Some(v) => {
            // SAFETY: mapstress passes a valid pointer.
            unsafe { *value_out = v };
            1
        }
        None => 0,
    }
}
pub extern "C" fn iterate<T: Map>(m: *mut c_void, visit: VisitFn, ctx: *mut c_void) {
    // SAFETY: `visit` and `ctx` are valid for the duration of this call, on this thread.
    map::<T>(m).for_each(&mut |k, v| unsafe { visit(ctx, k, v) } != 0)
}

/// The `mapstress_backend` table entry for `T`.
#[macro_export]
macro_rules! backend {
    ($t:ty, $name:literal, $description:literal, $guarantee:literal) => {
        $crate::mapstress::Backend {
            abi: $crate::mapstress::ABI,
            name: concat!($name, "\0").as_ptr() as *const ::std::os::raw::c_char,
            description: concat!($description, "\0").as_ptr() as *const ::std::os::raw::c_char,
            guarantee: concat!($guarantee, "\0").as_ptr() as *const ::std::os::raw::c_char,
            create: $crate::mapstress::create::<$t>,
            destroy: $crate::mapstress::destroy::<$t>,
            thread_attach: Some($crate::mapstress::thread_attach::<$t>),
            thread_detach: Some($crate::mapstress::thread_detach::<$t>),
            store: $crate::mapstress::store::<$t>,
            erase: $crate::mapstress::erase::<$t>,
            load: $crate::mapstress::load::<$t>,
            iterate: $crate::mapstress::iterate::<$t>,
        }
    };
}

/// Exports `mapstress_backends()` (and, with `contracts`, `mapstress_backend_contract()`):
/// ```ignore
/// export_backends! {
///     MyMap => ("my-map", "one line", "weak",
///               contract: ("the promise, quoted, with its source", "what may overlap", "duplicate=INTERESTING")),
/// }
/// ```
#[macro_export]
macro_rules! export_backends {
    ($($t:ty => ($name:literal, $description:literal, $guarantee:literal
                 $(, contract: ($promise:literal, $concurrency:literal, $grades:literal))?)),+ $(,)?) => {
        mod __mapstress_export {
            #[allow(unused_imports)]
            use super::*;
            use $crate::mapstress::{Backend, BackendList, Contract};
            use ::std::os::raw::c_char;
            const COUNT: usize = [$($name),+].len();
            static BACKENDS: [Backend; COUNT] = [$($crate::backend!($t, $name, $description, $guarantee)),+];
            static LIST: BackendList<{ COUNT + 1 }> = {
                let mut list = [::std::ptr::null::<Backend>(); COUNT + 1];
                let mut i = 0;
                while i < COUNT {
                    list[i] = &BACKENDS[i] as *const Backend;
                    i += 1;
                }
                BackendList(list)
            };
            #[no_mangle]
            pub extern "C" fn mapstress_backends() -> *const *const Backend {
                LIST.0.as_ptr()
            }
            #[no_mangle]
            pub extern "C" fn mapstress_backend_contract(name: *const c_char) -> *const Contract {
                if name.is_null() {
                    return ::std::ptr::null();
                }
                // SAFETY: mapstress passes a NUL-terminated backend name.
                let name = unsafe { ::std::ffi::CStr::from_ptr(name) }.to_bytes();
                $($(
                    if name == $name.as_bytes() {
                        static CONTRACT: Contract = Contract {
                            promise: concat!($promise, "\0").as_ptr() as *const c_char,
                            concurrency: concat!($concurrency, "\0").as_ptr() as *const c_char,
                            grades: concat!($grades, "\0").as_ptr() as *const c_char,
                        };
                        return &CONTRACT;
                    }
                )?)+
                let _ = name;
                ::std::ptr::null()
            }
        }
    };
}
