// vigil::Hasher's internals, shared with the tests, which build hashers over a
// substitute device (one that runs the kernel code on the host, or one that
// fails on purpose).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "gpu/hash_device.hpp"
#include "vigil/hasher.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil {

struct Hasher::Impl {
  Impl(const HasherOptions& options, std::unique_ptr<gpu::HashDevice> device, std::string cpu_reason);

  const HasherOptions options;
  std::unique_ptr<gpu::HashDevice> device;  // null: CPU only
  std::string cpu_reason;                   // why there is no device, for description()
  WorkerPool pool;
  mutable std::mutex mu;  // serializes calls and guards stats
  HasherStats stats;
};

// A hasher over `device` (null for the CPU), whatever the machine has.
std::unique_ptr<Hasher> make_hasher(const HasherOptions& options, std::unique_ptr<gpu::HashDevice> device);

}  // namespace vigil
