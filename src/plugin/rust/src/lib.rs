//! The Rust plugin: `rust-dashmap`, a `dashmap::DashMap<u64, u64>` iterated with `iter()`.
//! It is written the way a Rust user wraps their own map: implement `mapstress::Map` in safe
//! Rust and list the type in `export_backends!` (src/plugin/README.md, "Rust plugins").

pub mod mapstress;

use dashmap::DashMap;

pub struct DashMapBackend(DashMap<u64, u64>);

impl mapstress::Map for DashMapBackend {
    fn create(capacity_hint: u64) -> Self {
        DashMapBackend(DashMap::with_capacity(capacity_hint as usize))
    }
    fn store(&self, key: u64, value: u64) {
        self.0.insert(key, value);
    }
    fn erase(&self, key: u64) -> bool {
        self.0.remove(&key).is_some()
    }
    fn load(&self, key: u64) -> Option<u64> {
        self.0.get(&key).map(|r| *r.value())
    }
    // iter() holds one shard's read guard at a time, so a writer to that shard waits.
    fn for_each(&self, visit: &mut dyn FnMut(u64, u64) -> bool) {
        for entry in self.0.iter() {
            if visit(*entry.key(), *entry.value()) {
                return;
            }
        }
    }
}

export_backends! {
    DashMapBackend => ("rust-dashmap", "Rust dashmap 5.4 DashMap<u64, u64> (Debian's crate), iterated with iter()", "weak",
        contract: (
            "dashmap 5.4.0, DashMap::iter(): \"Creates an iterator over a DashMap yielding immutable references. Locking behaviour: May deadlock if called when holding a mutable reference into the map.\"; struct DashMap: \"DashMap tries to be very simple to use and to be a direct replacement for RwLock<HashMap<K, V, S>>.\" (src/lib.rs, https://docs.rs/dashmap/5.4.0/dashmap/struct.DashMap.html). The docs say nothing about what an iteration sees under concurrent writes; src/iter.rs holds each shard's read lock (RwLockReadGuard) while it walks that shard and keys never change shard, so each shard is seen at one instant: graded weak (missing, phantom, duplicate, stale_value, unknown_value, stale_read FORBIDDEN; not_snapshot ACCEPTABLE: shards are read at different instants)",
            "every operation may overlap iter(); a write to the shard being iterated waits for the iterator to leave it",
            ""
        )),
}

/// For tests/bench/lang_call_bench.cpp: the same store/load loop, in Rust, on a map made by the
/// plugin's create(); returns the loads that found a key.
#[no_mangle]
pub extern "C" fn mapstress_rust_native_loop(map: *mut std::ffi::c_void, ops: u64) -> u64 {
    // SAFETY: `map` came from this backend's create().
    let m = unsafe { &*(map as *const DashMapBackend) };
    let mut found = 0;
    for i in 0..ops {
        let key = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54;
        if i & 1 == 0 {
            m.0.insert(key, i);
        } else if m.0.get(&key).is_some() {
            found += 1;
        }
    }
    found
}
