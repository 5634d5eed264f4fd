// What a backend needs to know of a scenario to say whether it can run it.
#pragma once

#include <cstdint>

namespace mapstress {

struct WorkloadTraits {
  uint32_t threads = 0;          // all worker threads
  uint32_t writing_threads = 0;  // threads that store or erase (writer, updater, deleter, toggler, mixed)
  bool erases = false;           // some thread erases (deleter, toggler, mixed with erase > 0)
};

}  // namespace mapstress
