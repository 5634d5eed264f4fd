// Factories for the built-in backends; each is defined in its own file and listed once in
// the table in backend_registry.cpp.
#pragma once

#include "backend/backend.h"

namespace mapstress {

BackendInfo LockedBackend();    // locked_map.cpp
BackendInfo RwLockedBackend();  // rwlocked_map.cpp
BackendInfo ShardedBackend();   // sharded_map.cpp
BackendInfo CowBackend();       // cow_map.cpp
BackendInfo SyncMapBackend();   // sync_map.cpp
BackendInfo UnsafeBackend();    // unsafe_map.cpp

BackendInfo TbbHashBackend();  // tbb_maps.cpp (optional)
BackendInfo TbbHashRawBackend();
BackendInfo TbbUnorderedBackend();
BackendInfo CuckooBackend();      // cuckoo_map.cpp (optional)
BackendInfo UrcuLfhtBackend();    // urcu_lfht_map.cpp (optional)
BackendInfo CdsFeldmanBackend();  // cds_maps.cpp (optional)
BackendInfo CdsSplitListBackend();
BackendInfo CkHsBackend();        // ck_hs_map.cpp (optional)
BackendInfo BoostCfmBackend();    // boost_cfm_map.cpp (optional)
BackendInfo RedisHscanBackend();  // redis_maps.cpp (optional)
BackendInfo RedisHgetallBackend();

// testing_only backends, each with one known bug (faulty_maps.cpp; the first in
// faulty_skip_on_resize_map.cpp).
BackendInfo FaultySkipOnResizeBackend();    // skips keys while the table resizes -> missing
BackendInfo FaultyLingeringEraseBackend();  // shows erased entries for a while -> phantom
BackendInfo FaultyOldVersionBackend();      // returns a value from an older version -> stale_value
BackendInfo FaultyDoubleVisitBackend();     // visits a key twice -> duplicate
BackendInfo FaultyTornValueBackend();       // tears a value -> unknown_value
BackendInfo FaultyEraseResultBackend();     // erase of an absent key reports a removal -> stale_read
BackendInfo FaultyDoubleRemoveBackend();    // two erases both remove one entry -> stale_read
BackendInfo FaultyLaggingReplicaBackend();  // a load sees an older value than one before -> stale_read
BackendInfo FaultyCrashBackend();           // SIGSEGV during a run -> crashed
BackendInfo FaultyHangBackend();            // never returns from an op -> hung

// faulty_narrow_maps.cpp: a slot per key, writers lock a slot, readers take no lock; the bug
// sits between two stores `window` loop steps apart (0 = back to back).
inline constexpr uint32_t kWideWindow = 64;
BackendInfo SlotsBackend();                              // the correct twin (testing only)
BackendInfo FaultyTornStoreBackend(uint32_t window);     // overwrite in two halves -> unknown_value
BackendInfo FaultyEarlyPresentBackend(uint32_t window);  // present before value -> stale_value
BackendInfo FaultyTornStoreBackend();                    // window 0
BackendInfo FaultyTornStoreWideBackend();                // window kWideWindow
BackendInfo FaultyEarlyPresentBackend();                 // window 0
BackendInfo FaultyEarlyPresentWideBackend();             // window kWideWindow

}  // namespace mapstress
