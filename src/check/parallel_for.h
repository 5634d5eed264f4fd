// A minimal fork-join loop for the checker's phases: tasks handed out in index order.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mapstress {

// Calls fn(lane, task) for every task in [0, tasks), on min(threads, tasks) threads (lane 0 is
// the caller; lanes are 0..threads-1); each thread takes the next unclaimed task. Returns when
// all are done; the first exception thrown by fn is rethrown here (the other tasks still run).
template <class Fn>
void ParallelFor(size_t threads, size_t tasks, Fn&& fn) {
  if (threads > tasks) threads = tasks;
  if (threads <= 1) {
    for (size_t t = 0; t < tasks; ++t) fn(size_t{0}, t);
    return;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto lane_loop = [&](size_t lane) {
    for (size_t t; (t = next.fetch_add(1, std::memory_order_relaxed)) < tasks;) {
      try {
        fn(lane, t);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t lane = 1; lane < threads; ++lane) pool.emplace_back(lane_loop, lane);
  lane_loop(0);
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace mapstress
