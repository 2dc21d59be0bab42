// The operation-count model's per-operation costs: what one field
// multiplication and one squaring cost on the GPU, counted from the
// instructions nvcc emits for them alone (kernels/probe/field_probes.cu,
// PTX for sm_90: this build machine has no SASS disassembler). `multiplies`
// counts the integer multiply instructions (mul, mad, madc), `instructions`
// every instruction but the probe's loads, stores and return. The test
// kernel_resource_budgets (scripts/kernel_resources.py --check) fails when
// these differ from what the build's nvcc emits, so a change to the field
// code shows here; the GPU suite also records the SASS counts (cuobjdump)
// where the GPU machine has the disassembler.
//
// `vigil bench` multiplies them by the field operations one verification
// does (counted by running the same per-thread code on the host) and
// divides an H100's integer-multiply and issue rates by the result: an
// upper bound of verifications per second that ignores everything but field
// arithmetic, printed as "model" rows beside the measured GPU rows.
#pragma once

namespace vigil::model {

struct FieldOpCost {
  int multiplies;
  int instructions;
};
struct FieldCosts {
  FieldOpCost mul, sqr;
};

inline constexpr FieldCosts kSecpField{{146, 689}, {91, 468}};
inline constexpr FieldCosts kEd25519Field{{146, 680}, {91, 457}};

// NVIDIA H100 SXM (sm_90): 132 SMs at a 1.98 GHz boost clock; per SM and
// clock, 64 32-bit integer multiply-adds (the CUDA programming guide's
// arithmetic throughput table for compute capability 9.0) and 4 warp
// instructions issued (4 schedulers), i.e. 128 thread instructions.
inline constexpr int kH100Sms = 132;
inline constexpr double kH100ClockHz = 1.98e9;
inline constexpr int kMultipliesPerSmClock = 64;
inline constexpr int kInstructionsPerSmClock = 128;

}  // namespace vigil::model
