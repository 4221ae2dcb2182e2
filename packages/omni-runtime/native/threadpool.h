// A tiny fork-join pool for two to a few cores. The caller thread takes part in the work. Work is
// split into `parts` fixed contiguous ranges, so which thread runs a range never changes the result.
// Workers spin briefly after a job (ops come back to back) and then sleep.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace omni {

class ThreadPool {
 public:
  explicit ThreadPool(int threads) { resize(threads); }
  ~ThreadPool() { stop(); }

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int threads) {
    std::lock_guard<std::mutex> busy(runMu_);
    stop();
    stopping_ = false;
    for (int i = 1; i < threads; i++) workers_.emplace_back([this] { loop(); });
  }

  // Runs fn(lo, hi) over [0, total) in `parts` fixed ranges (parts clamped to [1, total]); the ranges
  // do not depend on the number of threads, so neither do results that depend on the split.
  void run(int64_t total, int parts, const std::function<void(int64_t, int64_t)>& fn) {
    if (total <= 0) return;
    if (parts > total) parts = static_cast<int>(total);
    if (parts < 1) parts = 1;
    // Inline when single-threaded, or when another JS thread (a worker_thread with its own copy of
    // the engine) is using the pool right now: same ranges, so the same results.
    std::unique_lock<std::mutex> busy(runMu_, std::try_to_lock);
    if (parts == 1 || workers_.empty() || !busy.owns_lock()) {
      for (int p = 0; p < parts; p++) fn(total * p / parts, total * (p + 1) / parts);
      return;
    }
    job_ = &fn;
    total_ = total;
    parts_ = parts;
    done_.store(0, std::memory_order_relaxed);
    next_.store(0, std::memory_order_release);  // publishes job_, total_, parts_, done_
    {
      std::lock_guard<std::mutex> lock(mu_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    work();
    while (done_.load(std::memory_order_acquire) < parts_) pause();
    job_ = nullptr;
  }

 private:
  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  void work() {
    for (;;) {
      int p = next_.fetch_add(1, std::memory_order_acq_rel);
      if (p >= parts_) return;
      int64_t lo = total_ * p / parts_, hi = total_ * (p + 1) / parts_;
      (*job_)(lo, hi);
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void loop() {
    uint64_t seen = generation_.load(std::memory_order_acquire);
    for (;;) {
      bool got = false;
      for (int spin = 0; spin < 2000; spin++) {  // ~50 us: long spins steal the core from the JS thread
        if (generation_.load(std::memory_order_acquire) != seen || stopping_) {
          got = true;
          break;
        }
        pause();
      }
      if (!got) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen || stopping_; });
      }
      if (stopping_) return;
      seen = generation_.load(std::memory_order_acquire);
      work();
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex runMu_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> next_{0};
  std::atomic<int> done_{0};
  const std::function<void(int64_t, int64_t)>* job_ = nullptr;
  int64_t total_ = 0;
  int parts_ = 0;
  volatile bool stopping_ = false;
};

}  // namespace omni
