#include <cstring>

#include "verify/backends.hpp"
#include "verify/ed25519_zip215.hpp"
#include "vigil/verify.hpp"

namespace vigil {
namespace {

struct SchemeEntry {
  Scheme scheme;
  std::string_view name;
  ParsedPublicKey::Family family;
};
constexpr SchemeEntry kSchemes[] = {
    {Scheme::kEcdsa, "ecdsa", ParsedPublicKey::Family::kSecp256k1Ecdsa},
    {Scheme::kEcdsaLowS, "ecdsa-lows", ParsedPublicKey::Family::kSecp256k1Ecdsa},
    {Scheme::kEcdsaBitcoin, "ecdsa-bitcoin", ParsedPublicKey::Family::kSecp256k1Ecdsa},
    {Scheme::kSchnorr, "schnorr", ParsedPublicKey::Family::kSecp256k1XOnly},
    {Scheme::kEd25519Strict, "ed25519-strict", ParsedPublicKey::Family::kEd25519},
    {Scheme::kEd25519, "ed25519", ParsedPublicKey::Family::kEd25519},
    {Scheme::kTaprootCommitment, "taproot-commitment", ParsedPublicKey::Family::kSecp256k1XOnly},
};

const SchemeEntry* entry_of(Scheme scheme) {
  for (const auto& e : kSchemes) {
    if (e.scheme == scheme) return &e;
  }
  return nullptr;
}

static_assert(sizeof(secp256k1_pubkey) <= sizeof(ParsedPublicKey::data));
static_assert(sizeof(secp256k1_xonly_pubkey) <= sizeof(ParsedPublicKey::data));

// The key a check verifies against: its pre-parsed key if it has one (which
// must be of the scheme's family), else its bytes parsed now into `scratch`.
const ParsedPublicKey* key_for(const Check& check, ParsedPublicKey::Family family, ParsedPublicKey* scratch) {
  if (check.parsed_key) return check.parsed_key->family == family ? check.parsed_key : nullptr;
  return parse_public_key(check.scheme, check.public_key, scratch) ? scratch : nullptr;
}

}  // namespace

std::string_view scheme_name(Scheme scheme) {
  const SchemeEntry* e = entry_of(scheme);
  return e ? e->name : std::string_view("unknown");
}

std::optional<Scheme> scheme_from_name(std::string_view name) {
  for (const auto& e : kSchemes) {
    if (e.name == name) return e.scheme;
  }
  return std::nullopt;
}

bool scheme_takes_digest(Scheme scheme) {
  return scheme == Scheme::kEcdsa || scheme == Scheme::kEcdsaLowS || scheme == Scheme::kEcdsaBitcoin;
}

bool parse_public_key(Scheme scheme, ByteView encoded, ParsedPublicKey* out) {
  out->family = ParsedPublicKey::Family::kNone;
  const SchemeEntry* e = entry_of(scheme);
  if (!e) return false;
  bool ok = false;
  switch (e->family) {
    case ParsedPublicKey::Family::kSecp256k1Ecdsa:
      ok = cpu::parse_ecdsa_key(encoded, reinterpret_cast<secp256k1_pubkey*>(out->data));
      break;
    case ParsedPublicKey::Family::kSecp256k1XOnly:
      ok = cpu::parse_xonly_key(encoded, reinterpret_cast<secp256k1_xonly_pubkey*>(out->data));
      break;
    case ParsedPublicKey::Family::kEd25519:
      // Both rule sets decode the key inside each verification (they accept
      // different encodings); keep the bytes.
      ok = encoded.size() == 32;
      if (ok) std::memcpy(out->data, encoded.data(), 32);
      break;
    case ParsedPublicKey::Family::kNone:
      break;
  }
  if (ok) out->family = e->family;
  return ok;
}

bool verify_check(const Check& check) {
  const SchemeEntry* e = entry_of(check.scheme);
  if (!e) return false;
  ParsedPublicKey scratch;
  const ParsedPublicKey* key = key_for(check, e->family, &scratch);
  if (!key) return false;
  switch (check.scheme) {
    case Scheme::kEcdsa:
    case Scheme::kEcdsaLowS:
    case Scheme::kEcdsaBitcoin:
      if (check.message.size() != 32) return false;
      return cpu::ecdsa_verify(check.scheme, *reinterpret_cast<const secp256k1_pubkey*>(key->data),
                               check.message.data(), check.signature);
    case Scheme::kSchnorr:
      return cpu::schnorr_verify(*reinterpret_cast<const secp256k1_xonly_pubkey*>(key->data), check.message,
                                 check.signature);
    case Scheme::kEd25519Strict:
      cpu::ensure_sodium();
      return cpu::ed25519_strict_verify(key->data, check.message, check.signature);
    case Scheme::kEd25519:
      return cpu::zip215_verify_var(key->data, check.message, check.signature);
    case Scheme::kTaprootCommitment:
      if (check.message.size() != 32) return false;
      return cpu::taproot_commitment_verify(*reinterpret_cast<const secp256k1_xonly_pubkey*>(key->data),
                                            check.message.data(), check.signature);
  }
  return false;
}

namespace cpu {

Zip215Input zip215_input_of(const Check& check) {
  Zip215Input in;
  ParsedPublicKey scratch;
  if (const ParsedPublicKey* key = key_for(check, ParsedPublicKey::Family::kEd25519, &scratch)) {
    std::memcpy(in.key, key->data, 32);
    in.key_ok = true;
  }
  in.message = check.message;
  in.signature = check.signature;
  return in;
}

}  // namespace cpu
}  // namespace vigil
