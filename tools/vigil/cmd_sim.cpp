// vigil sim: writes a simulated regtest chain (see sim_chain.hpp).
#include <chrono>
#include <algorithm>
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "sim_chain.hpp"

namespace vigil::cli {

int run_sim(const SimCommandOptions& o) {
  sim::SimOptions so;
  so.out_dir = o.out_dir;
  so.blocks = o.blocks;
  so.txs_per_block = o.txs_per_block;
  so.seed = o.seed;
  so.forks = o.forks;
  if (o.invalid_at) so.invalid_at = o.invalid_at;
  so.invalid_kind = o.invalid_kind;
  // name:height,...
  for (size_t at = 0; at < o.modules.size();) {
    const size_t comma = std::min(o.modules.find(',', at), o.modules.size());
    const std::string item = o.modules.substr(at, comma - at);
    const size_t colon = item.find(':');
    if (colon == std::string::npos || item.find_first_not_of("0123456789", colon + 1) != std::string::npos || colon + 1 == item.size()) {
      std::fprintf(stderr, "vigil sim: --modules wants name:height,... (got \"%s\")\n", item.c_str());
      return 2;
    }
    so.modules.push_back({static_cast<uint32_t>(std::stoul(item.substr(colon + 1))), {item.substr(0, colon), 1}});
    at = comma + 1;
  }
  for (const std::string& p : o.plugins) {
    const size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "vigil sim: --plugin wants name=path (got \"%s\")\n", p.c_str());
      return 2;
    }
    so.plugins[p.substr(0, eq)] = p.substr(eq + 1);
  }
  so.switch_branches = o.switch_branches;
  const auto t0 = std::chrono::steady_clock::now();
  sim::SimResult r;
  if (Status s = sim::simulate(so, &r); !s.ok()) {
    std::fprintf(stderr, "vigil sim: %s\n", s.ToString().c_str());
    return 2;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("wrote %u blocks (+ genesis), %llu transactions, %llu signatures, %.1f MB in %llu file(s) to %s in %.1f s\n",
              o.blocks, static_cast<unsigned long long>(r.transactions), static_cast<unsigned long long>(r.signatures),
              static_cast<double>(r.bytes) / 1e6, static_cast<unsigned long long>(r.files), o.out_dir.c_str(), seconds);
  std::printf("tip %s; expected outcome: %s (manifest.json)\n", r.tip.c_str(), r.expected_outcome.c_str());
  return 0;
}

}  // namespace vigil::cli
