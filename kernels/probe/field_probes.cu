// One field multiplication or squaring per kernel, per curve, for the
// operation-count model: scripts/kernel_resources.py counts the SASS of each
// (`cuobjdump -sass`) and checks kernels/op_model.hpp against it, and `vigil
// bench` multiplies those costs by the operations one verification does.
// Never launched; the loads and the store around the operation are not
// counted.
#include "ed25519/field.hpp"
#include "secp256k1/field.hpp"

namespace vigil::gpu {

__global__ void probe_secp_fe_mul(secp::Fe* r, const secp::Fe* a, const secp::Fe* b) { *r = secp::fe_mul(*a, *b); }
__global__ void probe_secp_fe_sqr(secp::Fe* r, const secp::Fe* a) { *r = secp::fe_sqr(*a); }
__global__ void probe_ed25519_fe_mul(ed25519::Fe* r, const ed25519::Fe* a, const ed25519::Fe* b) {
  *r = ed25519::fe_mul(*a, *b);
}
__global__ void probe_ed25519_fe_sqr(ed25519::Fe* r, const ed25519::Fe* a) { *r = ed25519::fe_sqr(*a); }

}  // namespace vigil::gpu
