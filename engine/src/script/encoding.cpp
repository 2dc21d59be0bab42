// Signature and public key encodings, as Bitcoin Core's interpreter checks
// them before any verification.
#include "script/encoding.hpp"

#include "verify/backends.hpp"

namespace vigil::script {

bool is_valid_signature_encoding(ByteView sig) {
  // 0x30 [total-length] 0x02 [R-length] [R] 0x02 [S-length] [S] [sighash]
  // with minimal lengths and no negative or zero-padded integers.
  if (sig.size() < 9 || sig.size() > 73) return false;
  if (sig[0] != 0x30) return false;
  if (sig[1] != sig.size() - 3) return false;
  const size_t len_r = sig[3];
  if (5 + len_r >= sig.size()) return false;
  const size_t len_s = sig[5 + len_r];
  if (len_r + len_s + 7 != sig.size()) return false;
  if (sig[2] != 0x02) return false;
  if (len_r == 0) return false;
  if (sig[4] & 0x80) return false;
  if (len_r > 1 && sig[4] == 0x00 && !(sig[5] & 0x80)) return false;
  if (sig[len_r + 4] != 0x02) return false;
  if (len_s == 0) return false;
  if (sig[len_r + 6] & 0x80) return false;
  if (len_s > 1 && sig[len_r + 6] == 0x00 && !(sig[len_r + 7] & 0x80)) return false;
  return true;
}

namespace {

// CPubKey::CheckLowS over the signature without its hash type.
bool is_low_s(ByteView der) {
  secp256k1_ecdsa_signature sig;
  if (!cpu::parse_der_lax(der, &sig)) return false;
  return !secp256k1_ecdsa_signature_normalize(cpu::secp_context(), nullptr, &sig);
}

bool is_defined_hashtype(ByteView sig) {
  if (sig.empty()) return false;
  const uint8_t type = sig.back() & ~static_cast<uint8_t>(kSighashAnyoneCanPay);
  return type >= kSighashAll && type <= kSighashSingle;
}

bool compressed_or_uncompressed(ByteView key) {
  if (key.size() < 33) return false;
  if (key[0] == 0x04) return key.size() == 65;
  if (key[0] == 0x02 || key[0] == 0x03) return key.size() == 33;
  return false;
}

bool compressed(ByteView key) { return key.size() == 33 && (key[0] == 0x02 || key[0] == 0x03); }

}  // namespace

bool check_signature_encoding(ByteView sig, uint32_t flags, Error* error) {
  // Empty: the compact way to provide a failing signature.
  if (sig.empty()) return true;
  if ((flags & (kVerifyDerSig | kVerifyLowS | kVerifyStrictEnc)) && !is_valid_signature_encoding(sig)) {
    *error = Error::kSigDer;
    return false;
  }
  if (flags & kVerifyLowS) {
    if (!is_low_s(sig.first(sig.size() - 1))) {
      *error = Error::kSigHighS;
      return false;
    }
  }
  if ((flags & kVerifyStrictEnc) && !is_defined_hashtype(sig)) {
    *error = Error::kSigHashtype;
    return false;
  }
  return true;
}

bool check_pubkey_encoding(ByteView key, uint32_t flags, SigVersion version, Error* error) {
  if ((flags & kVerifyStrictEnc) && !compressed_or_uncompressed(key)) {
    *error = Error::kPubkeyType;
    return false;
  }
  if ((flags & kVerifyWitnessPubkeyType) && version == SigVersion::kWitnessV0 && !compressed(key)) {
    *error = Error::kWitnessPubkeyType;
    return false;
  }
  return true;
}

}  // namespace vigil::script
