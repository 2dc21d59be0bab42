// The generator of tests/data/script-assets/vigil_assets.json: our own cases
// in Bitcoin Core's script_assets_test.json format (`vigil script assets`),
// made with real keys and signatures (libsecp256k1, through the chain
// simulator's Signer) over vigil/sighash.hpp's signature hashes. Taproot key
// and script paths (control blocks of depth 0 to 128, parity, annex,
// OP_SUCCESSx, OP_CHECKSIGADD, unknown leaf versions and key types, control
// block sizes), P2WSH, nested and native P2WPKH, and legacy spends.
//
// Deterministic: fixed keys, RFC 6979 ECDSA nonces and fixed BIP340
// auxiliary randomness, so the same build makes the same bytes (a test
// checks the committed file against it).
#pragma once

#include <string>

namespace vigil::clitest {

// The whole file: a JSON array, one entry a line.
std::string make_vigil_script_assets();

}  // namespace vigil::clitest
