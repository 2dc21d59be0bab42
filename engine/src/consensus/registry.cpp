// ModuleRegistry: the modules a chain may name, found by name and version.
#include "vigil/consensus.hpp"

namespace vigil {

std::shared_ptr<ModuleRegistry> ModuleRegistry::WithBuiltins() {
  auto r = std::make_shared<ModuleRegistry>();
  for (auto m : {make_pow_module(), make_signet_module(), make_bft_module()})
    if (m) r->add(std::move(m));
  return r;
}

void ModuleRegistry::add(std::shared_ptr<const ConsensusModule> module) { modules_.push_back(std::move(module)); }

Status ModuleRegistry::find(const ModuleId& id, std::shared_ptr<const ConsensusModule>* out) const {
  std::string versions;
  // The last added wins: a plugin loaded for a name shadows an older one.
  for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) {
    if ((*it)->name() != id.name) continue;
    if ((*it)->spec_version() == id.version) {
      *out = *it;
      return Status::Ok();
    }
    versions += (versions.empty() ? "" : ", ") + std::string("v") + std::to_string((*it)->spec_version());
  }
  if (versions.empty()) return Status::NotFound("no consensus module named \"" + id.name + "\" (built in: pow, signet, bft; or a plugin)");
  return Status::FailedPrecondition("consensus module " + id.str() + " is needed; this engine has " + id.name + " " + versions);
}

Status ModuleRegistry::resolve(const ChainParams& params) {
  if (Status s = params.validate(); !s.ok()) return s;
  for (const ModuleActivation& m : params.modules) {
    std::shared_ptr<const ConsensusModule> found;
    if (const auto p = params.plugins.find(m.module.name); p != params.plugins.end()) {
      if (find(m.module, &found).ok()) continue;  // already loaded
      if (Status s = load_plugin(p->second, m.module); !s.ok()) return s;
      continue;
    }
    if (Status s = find(m.module, &found); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ModuleRegistry::modules_for(const ChainParams& params, std::vector<std::shared_ptr<const ConsensusModule>>* out) {
  if (Status s = resolve(params); !s.ok()) return s;
  out->clear();
  for (const ModuleActivation& a : params.modules) {
    out->emplace_back();
    if (Status s = find(a.module, &out->back()); !s.ok()) return s;
  }
  return Status::Ok();
}

Validity ConsensusModule::next_state(const BlockView& block, const BlockContext& ctx, const ModuleWork& work,
                                     Bytes* state_after) const {
  const std::vector<uint8_t> all_valid(work.checks.size(), 1);
  return judge(block, ctx, work, all_valid, state_after);
}

}  // namespace vigil
