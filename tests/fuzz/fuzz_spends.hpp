// The fuzz targets' spending transactions (fuzz_script, fuzz_deferred):
// a transaction of one to three inputs built from fuzz bytes, each input
// reaching a fuzzed script through one of the output forms a block can hold
// (the script as the output itself, a P2SH redeem script, a P2WSH or
// P2SH-P2WSH witness script, a tapscript leaf behind a real BIP341
// commitment, a taproot key path, a P2WPKH key), so that the deep paths need
// no hash preimage. Scripts and stacks are made of tokens: raw opcodes,
// pushes, small numbers, the public keys of three fixed secret keys, and
// signatures by those keys over the input's real signature hash (optionally
// corrupted), made once the transaction is complete.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <array>
#include <cstring>
#include <optional>
#include <vector>

#include "vigil/hash.hpp"
#include "vigil/script.hpp"
#include "vigil/sighash.hpp"
#include "vigil/transaction.hpp"
#include "vigil/tx_builder.hpp"

namespace vigil::fuzz {

inline constexpr int kKeys = 3;

// The three secret keys (1, 2 and 3 times 0x11..11 in their last byte; any
// valid scalars do) with every encoding the scripts may push.
struct FuzzKeys {
  secp256k1_context* ctx;
  std::array<std::array<uint8_t, 32>, kKeys> secret{};
  std::array<Bytes, kKeys> compressed, uncompressed, xonly;
  std::array<secp256k1_keypair, kKeys> keypair{};

  FuzzKeys() : ctx(secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY)) {
    for (int k = 0; k < kKeys; ++k) {
      secret[k].fill(static_cast<uint8_t>(0x11 * (k + 1)));
      secp256k1_pubkey pub;
      if (!secp256k1_ec_pubkey_create(ctx, &pub, secret[k].data())) __builtin_trap();
      compressed[k] = serialize(pub, SECP256K1_EC_COMPRESSED, 33);
      uncompressed[k] = serialize(pub, SECP256K1_EC_UNCOMPRESSED, 65);
      if (!secp256k1_keypair_create(ctx, &keypair[k], secret[k].data())) __builtin_trap();
      secp256k1_xonly_pubkey x;
      if (!secp256k1_keypair_xonly_pub(ctx, &x, nullptr, &keypair[k])) __builtin_trap();
      xonly[k] = Bytes(32);
      secp256k1_xonly_pubkey_serialize(ctx, xonly[k].data(), &x);
    }
  }
  Bytes serialize(const secp256k1_pubkey& pub, unsigned flags, size_t len) const {
    Bytes out(len);
    secp256k1_ec_pubkey_serialize(ctx, out.data(), &len, &pub, flags);
    return out;
  }
  static const FuzzKeys& get() {
    static const FuzzKeys keys;
    return keys;
  }
};

// Core's IsValidFlagCombination: CLEANSTACK needs P2SH and WITNESS, WITNESS
// needs P2SH (VerifyScript asserts it).
inline bool valid_flag_combination(uint32_t flags) {
  using namespace script;
  if ((flags & kVerifyCleanStack) && (~flags & (kVerifyP2SH | kVerifyWitness))) return false;
  if ((flags & kVerifyWitness) && (~flags & kVerifyP2SH)) return false;
  return true;
}

// How the input reaches its fuzzed script.
enum class Shape : uint8_t { kRaw, kP2SH, kP2WSH, kP2SHP2WSH, kTapscript, kTaprootKey, kP2WPKH };
inline constexpr int kShapeCount = 7;

inline void push(Bytes& script, ByteView data) {
  const Bytes p = push_of(data);
  script.insert(script.end(), p.begin(), p.end());
}

// A stack item before signing: bytes, or a signature still to make.
struct Item {
  Bytes bytes;
  bool signature = false;
  int key = 0;
  uint8_t hash_type = 1;  // taproot: 0 is the 64-byte default
  bool corrupt = false;
};

struct FuzzInput {
  Shape shape = Shape::kRaw;
  Bytes script;              // the fuzzed script (kRaw: the output script itself)
  std::vector<Item> items;   // the stack the spend provides (scriptSig pushes or witness items)
  bool raw_sig_byte = false; // kRaw/kP2SH: a raw opcode in the scriptSig (SIGPUSHONLY)
  uint8_t raw_op = 0;
  uint8_t leaf_version = 0xc0;
  std::vector<Hash256> path;  // tapscript: the control block's Merkle path
  std::optional<Bytes> annex;
  int key = 0;               // kTaprootKey, kP2WPKH
  // Derived: what the output and the spend look like.
  Bytes script_pubkey, redeem, control;
  int64_t amount = 0;
};

inline Bytes script_from(FuzzedDataProvider& fdp, bool tapscript) {
  const FuzzKeys& keys = FuzzKeys::get();
  Bytes s;
  const int tokens = fdp.ConsumeIntegralInRange(0, 24);
  static constexpr uint8_t kSigOps[] = {0xac, 0xad, 0xae, 0xaf, 0xba};  // CHECKSIG(VERIFY), CHECKMULTISIG(VERIFY), CHECKSIGADD
  static constexpr uint8_t kFlowOps[] = {0x63, 0x64, 0x67, 0x68, 0x69, 0x91, 0x75, 0x76, 0x7c, 0x87, 0x88, 0x9c, 0x9d};
  for (int t = 0; t < tokens; ++t) {
    switch (fdp.ConsumeIntegralInRange(0, 5)) {
      case 0: s.push_back(fdp.ConsumeIntegral<uint8_t>()); break;
      case 1: {
        const int k = fdp.ConsumeIntegralInRange(0, kKeys - 1);
        const int form = fdp.ConsumeIntegralInRange(0, 3);
        push(s, tapscript ? (form == 3 ? keys.compressed[k] : keys.xonly[k])
                          : (form == 3 ? keys.uncompressed[k] : form == 2 ? keys.xonly[k] : keys.compressed[k]));
        break;
      }
      case 2: push(s, fdp.ConsumeBytes<uint8_t>(fdp.ConsumeIntegralInRange(0, 80))); break;
      case 3: s.push_back(kSigOps[fdp.ConsumeIntegralInRange<size_t>(0, std::size(kSigOps) - 1)]); break;
      case 4: s.push_back(static_cast<uint8_t>(fdp.ConsumeBool() ? 0x00 : 0x50 + fdp.ConsumeIntegralInRange(1, 16))); break;
      default: s.push_back(kFlowOps[fdp.ConsumeIntegralInRange<size_t>(0, std::size(kFlowOps) - 1)]); break;
    }
  }
  return s;
}

inline std::vector<Item> items_from(FuzzedDataProvider& fdp, bool tapscript) {
  const FuzzKeys& keys = FuzzKeys::get();
  std::vector<Item> items(fdp.ConsumeIntegralInRange(0, 8));
  for (Item& it : items) {
    switch (fdp.ConsumeIntegralInRange(0, 4)) {
      case 0: {
        it.signature = true;
        it.key = fdp.ConsumeIntegralInRange(0, kKeys - 1);
        static constexpr uint8_t kTypes[] = {1, 2, 3, 0x81, 0x82, 0x83, 0};
        it.hash_type = fdp.ConsumeBool() ? kTypes[fdp.ConsumeIntegralInRange<size_t>(0, std::size(kTypes) - 1)]
                                         : fdp.ConsumeIntegral<uint8_t>();
        if (!tapscript && it.hash_type == 0) it.hash_type = 1;
        it.corrupt = fdp.ConsumeIntegralInRange(0, 7) == 0;
        break;
      }
      case 1: break;  // empty
      case 2: it.bytes = fdp.ConsumeBytes<uint8_t>(fdp.ConsumeIntegralInRange(0, 75)); break;
      case 3: it.bytes = tapscript ? keys.xonly[fdp.ConsumeIntegralInRange(0, kKeys - 1)]
                                   : keys.compressed[fdp.ConsumeIntegralInRange(0, kKeys - 1)];
              break;
      default: it.bytes = Bytes{static_cast<uint8_t>(fdp.ConsumeIntegralInRange(0, 3))}; break;
    }
  }
  return items;
}

// The x-only output key of internal key `k` tweaked by `root` (none: key
// path only), its parity, and the tweaked key pair for key-path signing.
inline Bytes output_key(int k, const Hash256* root, int* parity, secp256k1_keypair* tweaked) {
  const FuzzKeys& keys = FuzzKeys::get();
  Bytes data = keys.xonly[k];
  if (root) data.insert(data.end(), root->bytes.begin(), root->bytes.end());
  const Hash256 tweak = tagged_hash("TapTweak", data);
  *tweaked = keys.keypair[k];
  if (!secp256k1_keypair_xonly_tweak_add(keys.ctx, tweaked, tweak.bytes.data())) __builtin_trap();
  secp256k1_xonly_pubkey q;
  if (!secp256k1_keypair_xonly_pub(keys.ctx, &q, parity, tweaked)) __builtin_trap();
  Bytes out(32);
  secp256k1_xonly_pubkey_serialize(keys.ctx, out.data(), &q);
  return out;
}

// The transaction under test and what its inputs spend.
struct FuzzTx {
  std::vector<FuzzInput> inputs;
  OwnedTx owned;
  Bytes serialized;
  Transaction tx;
  std::vector<SpentOutput> spent;
};

// Reads one input's form, script and stack, and derives its output.
inline FuzzInput input_from(FuzzedDataProvider& fdp) {
  FuzzInput in;
  in.shape = static_cast<Shape>(fdp.ConsumeIntegralInRange(0, kShapeCount - 1));
  const bool tap = in.shape == Shape::kTapscript || in.shape == Shape::kTaprootKey;
  in.script = script_from(fdp, in.shape == Shape::kTapscript);
  in.items = items_from(fdp, tap);
  in.amount = fdp.ConsumeIntegralInRange<int64_t>(0, 50 * kCoin);
  in.key = fdp.ConsumeIntegralInRange(0, kKeys - 1);
  if (in.shape == Shape::kRaw || in.shape == Shape::kP2SH) {
    in.raw_sig_byte = fdp.ConsumeIntegralInRange(0, 15) == 0;
    in.raw_op = fdp.ConsumeIntegral<uint8_t>();
  }
  if (tap && fdp.ConsumeIntegralInRange(0, 7) == 0) {
    in.annex = Bytes{0x50};  // BIP341's annex tag
    const Bytes rest = fdp.ConsumeBytes<uint8_t>(fdp.ConsumeIntegralInRange(0, 8));
    in.annex->insert(in.annex->end(), rest.begin(), rest.end());
  }
  const auto sha = [](const Bytes& b) { return sha256(b); };
  const auto p2sh_of = [](const Bytes& redeem) {
    const auto h = hash160(redeem);
    Bytes s{0xa9, 20};
    s.insert(s.end(), h.begin(), h.end());
    s.push_back(0x87);
    return s;
  };
  const auto v0_of = [](ByteView program) {
    Bytes s{0x00, static_cast<uint8_t>(program.size())};
    s.insert(s.end(), program.begin(), program.end());
    return s;
  };
  switch (in.shape) {
    case Shape::kRaw: in.script_pubkey = in.script; break;
    case Shape::kP2SH: in.script_pubkey = p2sh_of(in.script); break;
    case Shape::kP2WSH: in.script_pubkey = v0_of(sha(in.script).bytes); break;
    case Shape::kP2SHP2WSH:
      in.redeem = v0_of(sha(in.script).bytes);
      in.script_pubkey = p2sh_of(in.redeem);
      break;
    case Shape::kP2WPKH: {
      const auto h = hash160(FuzzKeys::get().compressed[in.key]);
      in.script_pubkey = v0_of(ByteView(h.data(), h.size()));
      break;
    }
    case Shape::kTapscript: {
      in.leaf_version = fdp.ConsumeIntegralInRange(0, 7) == 0 ? (fdp.ConsumeIntegral<uint8_t>() & 0xfe) : 0xc0;
      Hash256 root = tapleaf_hash(in.leaf_version, in.script);
      const int nodes = fdp.ConsumeIntegralInRange(0, 2);
      for (int i = 0; i < nodes; ++i) {
        Hash256 node;
        const Bytes b = fdp.ConsumeBytes<uint8_t>(32);
        std::copy(b.begin(), b.end(), node.bytes.begin());
        in.path.push_back(node);
        Bytes pair;
        const bool first = std::lexicographical_compare(root.bytes.begin(), root.bytes.end(), node.bytes.begin(), node.bytes.end());
        pair.insert(pair.end(), (first ? root : node).bytes.begin(), (first ? root : node).bytes.end());
        pair.insert(pair.end(), (first ? node : root).bytes.begin(), (first ? node : root).bytes.end());
        root = tagged_hash("TapBranch", pair);
      }
      int parity = 0;
      secp256k1_keypair unused;
      const Bytes q = output_key(in.key, &root, &parity, &unused);
      in.script_pubkey = Bytes{0x51, 32};
      in.script_pubkey.insert(in.script_pubkey.end(), q.begin(), q.end());
      in.control = Bytes{static_cast<uint8_t>(in.leaf_version | parity)};
      const Bytes& p = FuzzKeys::get().xonly[in.key];
      in.control.insert(in.control.end(), p.begin(), p.end());
      for (const Hash256& n : in.path) in.control.insert(in.control.end(), n.bytes.begin(), n.bytes.end());
      break;
    }
    case Shape::kTaprootKey: {
      int parity = 0;
      secp256k1_keypair unused;
      const Bytes q = output_key(in.key, nullptr, &parity, &unused);
      in.script_pubkey = Bytes{0x51, 32};
      in.script_pubkey.insert(in.script_pubkey.end(), q.begin(), q.end());
      break;
    }
  }
  return in;
}

// The signature an item asks for, over the finished transaction `tx`.
inline Bytes make_signature(const FuzzTx& t, size_t input, const Item& item, const FuzzInput& in) {
  const FuzzKeys& keys = FuzzKeys::get();
  Hash256 digest;
  const bool tap = in.shape == Shape::kTapscript || in.shape == Shape::kTaprootKey;
  if (tap) {
    const TaprootHashes hashes(t.tx, t.spent);
    std::optional<ByteView> annex;
    if (in.annex) annex = ByteView(*in.annex);
    TapscriptExt ext;
    ext.tapleaf_hash = tapleaf_hash(in.leaf_version, in.script);
    if (!taproot_sighash(t.tx, input, t.spent, item.hash_type, hashes, annex,
                         in.shape == Shape::kTapscript ? &ext : nullptr, &digest)) {
      return Bytes(64, 0x5a);  // no message to sign (an undefined type): any 64 bytes
    }
    secp256k1_keypair kp = keys.keypair[item.key];
    if (in.shape == Shape::kTaprootKey) {
      int parity = 0;
      (void)output_key(in.key, nullptr, &parity, &kp);  // the key path signs with the tweaked key
    }
    Bytes sig(64);
    const uint8_t aux[32] = {};
    if (!secp256k1_schnorrsig_sign32(keys.ctx, sig.data(), digest.bytes.data(), &kp, aux)) __builtin_trap();
    if (item.corrupt) sig[5] ^= 1;
    if (item.hash_type != 0) sig.push_back(item.hash_type);
    return sig;
  }
  Bytes code;
  switch (in.shape) {
    case Shape::kRaw: code = in.script_pubkey; break;
    case Shape::kP2WPKH: {
      const auto h = hash160(keys.compressed[in.key]);
      code = Bytes{0x76, 0xa9, 20};
      code.insert(code.end(), h.begin(), h.end());
      code.insert(code.end(), {0x88, 0xac});
      break;
    }
    default: code = in.script; break;
  }
  const bool v0 = in.shape == Shape::kP2WSH || in.shape == Shape::kP2SHP2WSH || in.shape == Shape::kP2WPKH;
  digest = v0 ? segwit_v0_sighash(t.tx, input, code, in.amount, item.hash_type, SegwitV0Hashes(t.tx))
              : legacy_sighash(t.tx, input, code, item.hash_type);
  secp256k1_ecdsa_signature s;
  if (!secp256k1_ecdsa_sign(keys.ctx, &s, digest.bytes.data(), keys.secret[item.key].data(), nullptr, nullptr))
    __builtin_trap();
  Bytes der(72);
  size_t len = der.size();
  secp256k1_ecdsa_signature_serialize_der(keys.ctx, der.data(), &len, &s);
  der.resize(len);
  if (item.corrupt) der[len - 3] ^= 1;
  der.push_back(item.hash_type);
  return der;
}

// Rebuilds t.serialized and t.tx from t.owned; false if it does not parse
// (it always should).
inline bool reparse(FuzzTx& t) {
  t.serialized = serialize(t.owned);
  if (!parse_transaction(t.serialized, &t.tx).ok()) return false;
  t.spent.clear();
  for (const FuzzInput& in : t.inputs) t.spent.push_back(SpentOutput{in.amount, in.script_pubkey});
  return true;
}

// Fills each input's scriptSig and witness from its items, signatures made
// over the transaction as it stands (no signature hash covers a scriptSig or
// witness of the input it signs for, nor other inputs' ones in BIP143/341;
// legacy blanks the other scriptSigs).
inline void fill_spends(FuzzTx& t) {
  std::vector<std::vector<Bytes>> stacks(t.inputs.size());
  for (size_t i = 0; i < t.inputs.size(); ++i)
    for (const Item& it : t.inputs[i].items)
      stacks[i].push_back(it.signature ? make_signature(t, i, it, t.inputs[i]) : it.bytes);
  for (size_t i = 0; i < t.inputs.size(); ++i) {
    const FuzzInput& in = t.inputs[i];
    OwnedIn& o = t.owned.inputs[i];
    switch (in.shape) {
      case Shape::kRaw:
      case Shape::kP2SH:
        for (const Bytes& b : stacks[i]) push(o.script_sig, b);
        if (in.raw_sig_byte) o.script_sig.push_back(in.raw_op);
        if (in.shape == Shape::kP2SH) push(o.script_sig, in.script);
        break;
      case Shape::kP2WSH:
      case Shape::kP2SHP2WSH:
        o.witness = stacks[i];
        o.witness.push_back(in.script);
        if (in.shape == Shape::kP2SHP2WSH) push(o.script_sig, in.redeem);
        break;
      case Shape::kP2WPKH:
        o.witness = stacks[i];
        break;
      case Shape::kTapscript:
        o.witness = stacks[i];
        o.witness.push_back(in.script);
        o.witness.push_back(in.control);
        if (in.annex) o.witness.push_back(*in.annex);
        break;
      case Shape::kTaprootKey:
        o.witness = stacks[i];
        if (in.annex) o.witness.push_back(*in.annex);
        break;
    }
  }
}

// The whole transaction from fuzz bytes; nullopt if the bytes run short of
// one input.
inline std::optional<FuzzTx> tx_from(FuzzedDataProvider& fdp) {
  FuzzTx t;
  static constexpr int32_t kVersions[] = {1, 2, 3, -1};
  t.owned.version = kVersions[fdp.ConsumeIntegralInRange(0, 3)];
  t.owned.locktime = fdp.ConsumeBool() ? fdp.ConsumeIntegralInRange<uint32_t>(0, 1000)
                                       : fdp.ConsumeIntegral<uint32_t>();
  const int n_in = fdp.ConsumeIntegralInRange(1, 3), n_out = fdp.ConsumeIntegralInRange(0, 3);
  for (int i = 0; i < n_out; ++i)
    t.owned.outputs.push_back({fdp.ConsumeIntegralInRange<int64_t>(0, kCoin), fdp.ConsumeBytes<uint8_t>(fdp.ConsumeIntegralInRange(0, 34))});
  for (int i = 0; i < n_in; ++i) {
    if (fdp.remaining_bytes() == 0) return std::nullopt;
    OwnedIn o;
    o.prevout.txid.bytes.fill(static_cast<uint8_t>(0xa0 + i));
    o.prevout.index = static_cast<uint32_t>(i);
    o.sequence = fdp.ConsumeBool() ? 0xffffffff : fdp.ConsumeIntegral<uint32_t>();
    t.owned.inputs.push_back(std::move(o));
    t.inputs.push_back(input_from(fdp));
  }
  if (!reparse(t)) __builtin_trap();  // no scriptSig or witness yet: the sighash view
  fill_spends(t);
  if (!reparse(t)) __builtin_trap();
  return t;
}

}  // namespace vigil::fuzz
