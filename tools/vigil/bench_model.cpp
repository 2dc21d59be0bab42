// Counts field operations by running the GPU kernels' per-thread code on the
// host: this translation unit alone is compiled with VIGIL_COUNT_FIELD_OPS
// (tools/vigil/CMakeLists.txt), which turns on the counting hook of
// kernels/common/op_count.hpp in the field code it includes.
//
// The kernel headers are included here with their namespace renamed
// (vigil -> vigil_counting), so that the counting copies of their inline
// functions are distinct functions, not a second definition of the
// library's (one definition rule). The library prepares each check into the
// wire format, which is the same plain struct under both names.
#ifndef VIGIL_COUNT_FIELD_OPS
#error "bench_model.cpp counts field operations: compile it with VIGIL_COUNT_FIELD_OPS"
#endif
#define vigil vigil_counting
#include "ed25519/b_table.hpp"
#include "ed25519/check.hpp"
#include "secp256k1/check.hpp"
#include "secp256k1/g_tables.hpp"
#undef vigil

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench_model.hpp"
#include "op_model.hpp"

namespace vigil {
// The library's preparation (pipeline/secp_prepare.hpp, pipeline/ed25519_prepare.hpp),
// declared here: their headers would bring the kernel headers under their own name.
namespace secp {
struct SecpCheck;
}
namespace ed25519 {
struct EdCheck;
}
bool secp_kernel_scheme(Scheme scheme);
void prepare_secp_check(const Check& check, secp::SecpCheck* out, uint8_t* arena, uint64_t arena_offset);
void prepare_ed_check(const Check& check, ed25519::EdCheck* out, uint8_t* arena, uint64_t arena_offset);
}  // namespace vigil

namespace vigil::cli::bench {
namespace {

namespace counting = ::vigil_counting;

// Prepares `c` into the library's wire struct, then copies it into the
// counting copy's (the same layout: both are the header's one definition).
template <class Wire, class LibraryWire, class Prepare>
Wire prepared(const Check& c, uint8_t* arena, Prepare prepare) {
  alignas(16) unsigned char bytes[sizeof(Wire)];
  prepare(c, reinterpret_cast<LibraryWire*>(bytes), arena, 0);
  Wire w;
  std::memcpy(&w, bytes, sizeof w);
  return w;
}

// One verification through the kernels' code, as the GPU runs it (the
// preparation on the host, as the Verifier's GPU path does).
bool kernel_verify(const Check& c) {
  std::vector<uint8_t> arena(c.message.size() + 1);
  if (secp_kernel_scheme(c.scheme)) {
    const auto w = prepared<counting::secp::SecpCheck, secp::SecpCheck>(c, arena.data(), prepare_secp_check);
    return counting::secp::verify_secp_check(w, arena.data(), counting::secp::host_g_tables().view());
  }
  const auto w = prepared<counting::ed25519::EdCheck, ed25519::EdCheck>(c, arena.data(), prepare_ed_check);
  return counting::ed25519::verify_ed_check(w, arena.data(), counting::ed25519::host_b_table().data());
}

}  // namespace

Row model_row(const char* name, Scheme scheme, std::span<const Check> valid, const Check& corrupted) {
  const bool ed = scheme == Scheme::kEd25519 || scheme == Scheme::kEd25519Strict;
  counting::op_count::FieldOps& counter = ed ? counting::op_count::ed25519 : counting::op_count::secp;
  const model::FieldCosts& cost = ed ? model::kEd25519Field : model::kSecpField;
  Row r;
  r.group = "verify";
  r.name = std::string("verify/") + name + "/model-h100";
  r.scheme = name;
  r.implementation = "model-h100";
  r.batch = valid.size();
  // First the corrupted check: it also builds the host's tables of G or B
  // (once per process), which must not count as a verification's work.
  r.rejects_corrupted = !kernel_verify(corrupted);
  counter = {};
  for (const Check& c : valid) {
    ++r.items;
    r.valid += kernel_verify(c);
  }
  const counting::op_count::FieldOps ops = counter;
  if (r.items == 0) return r;
  const double n = static_cast<double>(r.items);
  const double muls = static_cast<double>(ops.mul) / n, sqrs = static_cast<double>(ops.sqr) / n;
  const double multiplies = muls * cost.mul.multiplies + sqrs * cost.sqr.multiplies;
  const double instructions = muls * cost.mul.instructions + sqrs * cost.sqr.instructions;
  const double per_clock = model::kH100Sms * model::kH100ClockHz;
  const double by_multiplies = per_clock * model::kMultipliesPerSmClock / multiplies;
  const double by_issue = per_clock * model::kInstructionsPerSmClock / instructions;
  r.items_per_second = std::min(by_multiplies, by_issue);
  char note[400];
  std::snprintf(note, sizeof note,
                "model, not measured: %.0f field mul + %.0f sqr per verification (counted on the host) = %.0f integer "
                "multiplies, %.0f instructions (PTX per op, kernels/op_model.hpp); H100 132 SMs x 1.98 GHz: %.2f M/s by "
                "the multiply pipe (64/clk/SM), %.2f M/s by issue (128/clk/SM); field arithmetic only",
                muls, sqrs, multiplies, instructions, by_multiplies / 1e6, by_issue / 1e6);
  r.note = note;
  return r;
}

}  // namespace vigil::cli::bench
