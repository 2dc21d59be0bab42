// TxContext and TransactionChecker: Bitcoin Core's
// GenericTransactionSignatureChecker (signature hashes, lock times) with the
// verdicts of well-encoded signatures left to a SignatureOracle.
#include "vigil/script.hpp"

#include <algorithm>

namespace vigil::script {

TxContext::TxContext(const Transaction& tx, std::vector<SpentOutput> spent) : tx_(&tx), spent_(std::move(spent)) {}
TxContext::~TxContext() = default;
TxContext::TxContext(TxContext&&) noexcept = default;
TxContext& TxContext::operator=(TxContext&&) noexcept = default;

const SegwitV0Hashes& TxContext::segwit_v0_hashes() const {
  if (!v0_) v0_ = std::make_unique<SegwitV0Hashes>(*tx_);
  return *v0_;
}

const TaprootHashes* TxContext::taproot_hashes() const {
  if (spent_.size() != tx_->inputs.size()) return nullptr;
  if (!taproot_) taproot_ = std::make_unique<TaprootHashes>(*tx_, spent_);
  return taproot_.get();
}

namespace {

// CPubKey::IsValid: the length its first byte announces (33 for 02/03; 65
// for 04, 06 and 07). Whether the point is on the curve is the verdict's.
bool pubkey_length_valid(ByteView key) {
  if (key.empty()) return false;
  const uint8_t h = key[0];
  if (h == 2 || h == 3) return key.size() == 33;
  if (h == 4 || h == 6 || h == 7) return key.size() == 65;
  return false;
}

}  // namespace

bool TransactionChecker::ecdsa_check(ByteView sig, ByteView pubkey, ByteView script_code, SigVersion version,
                                     uint32_t flags, Check* out, Hash256* digest) {
  (void)flags;
  if (!pubkey_length_valid(pubkey) || sig.empty()) return false;
  const int32_t hash_type = sig.back();
  if (memo_.set && memo_.version == version && memo_.hash_type == hash_type && memo_.code_size == script_code.size() &&
      std::equal(script_code.begin(), script_code.end(), memo_.code)) {
    *digest = memo_.digest;
  } else {
    if (version == SigVersion::kWitnessV0) {
      *digest = segwit_v0_sighash(ctx_.tx(), input_, script_code, amount_, hash_type, ctx_.segwit_v0_hashes());
    } else {
      *digest = legacy_sighash(ctx_.tx(), input_, script_code, hash_type);
    }
    memo_.set = script_code.size() <= sizeof memo_.code;
    if (memo_.set) {
      memo_.version = version;
      memo_.hash_type = hash_type;
      memo_.code_size = script_code.size();
      std::copy(script_code.begin(), script_code.end(), memo_.code);
      memo_.digest = *digest;
    }
  }
  // Core's CPubKey::Verify: lax DER, S normalized (any strictness was
  // enforced on the encoding before this point).
  *out = Check{Scheme::kEcdsaBitcoin, pubkey, ByteView(digest->bytes.data(), 32), sig.first(sig.size() - 1), nullptr};
  return true;
}

bool TransactionChecker::check_ecdsa(ByteView sig, ByteView pubkey, ByteView script_code, SigVersion version,
                                     uint32_t flags) {
  Check check;
  Hash256 digest;
  if (!ecdsa_check(sig, pubkey, script_code, version, flags, &check, &digest)) return false;
  return oracle_.verify(check);
}

void TransactionChecker::prefetch_ecdsa(ByteView sig, ByteView pubkey, ByteView script_code, SigVersion version,
                                        uint32_t flags) {
  Check check;
  Hash256 digest;
  if (ecdsa_check(sig, pubkey, script_code, version, flags, &check, &digest)) oracle_.prefetch(check);
}

bool TransactionChecker::check_schnorr(ByteView sig, ByteView pubkey32, SigVersion version, const TapExec& exec,
                                       Error* error) {
  if (sig.size() != 64 && sig.size() != 65) {
    *error = Error::kSchnorrSigSize;
    return false;
  }
  uint8_t hash_type = kSighashDefault;
  if (sig.size() == 65) {
    hash_type = sig[64];
    if (hash_type == kSighashDefault) {
      *error = Error::kSchnorrSigHashtype;
      return false;
    }
  }
  const TaprootHashes* hashes = ctx_.taproot_hashes();
  if (!hashes) {  // Core's HandleMissingData: block validation always has them
    *error = Error::kUnknown;
    return false;
  }
  TapscriptExt ext;
  ext.tapleaf_hash = exec.tapleaf_hash;
  ext.codesep_pos = exec.codesep_pos;
  std::optional<ByteView> annex;
  if (exec.annex_present) annex = exec.annex;
  Hash256 digest;
  if (!taproot_sighash(ctx_.tx(), input_, ctx_.spent(), hash_type, *hashes, annex,
                       version == SigVersion::kTapscript ? &ext : nullptr, &digest)) {
    *error = Error::kSchnorrSigHashtype;
    return false;
  }
  const Check check{Scheme::kSchnorr, pubkey32, ByteView(digest.bytes.data(), 32), sig.first(64), nullptr};
  if (!oracle_.verify(check)) {
    *error = Error::kSchnorrSig;
    return false;
  }
  return true;
}

bool TransactionChecker::check_taproot_commitment(ByteView internal, const Hash256& tweak, ByteView program,
                                                  uint8_t parity) {
  uint8_t output[33];
  std::copy(program.begin(), program.end(), output);  // a 32-byte program (the caller's rule)
  output[32] = parity;
  const Check check{Scheme::kTaprootCommitment, internal, ByteView(tweak.bytes.data(), 32), ByteView(output, 33), nullptr};
  return oracle_.verify(check);
}

bool TransactionChecker::check_lock_time(int64_t lock_time) const {
  constexpr int64_t kThreshold = 500'000'000;
  const int64_t tx_lock = ctx_.tx().locktime;
  // Both heights or both times.
  if (!((tx_lock < kThreshold && lock_time < kThreshold) || (tx_lock >= kThreshold && lock_time >= kThreshold)))
    return false;
  if (lock_time > tx_lock) return false;
  // A final input would let IsFinalTx skip the lock time altogether.
  return ctx_.tx().inputs[input_].sequence != 0xffffffff;
}

bool TransactionChecker::check_sequence(int64_t sequence) const {
  constexpr int64_t kDisable = 1u << 31, kTypeFlag = 1u << 22, kMask = 0x0000ffff;
  const int64_t tx_sequence = ctx_.tx().inputs[input_].sequence;
  // BIP68 applies from version 2, compared unsigned as Core does.
  if (static_cast<uint32_t>(ctx_.tx().version) < 2) return false;
  if (tx_sequence & kDisable) return false;
  const int64_t tx_masked = tx_sequence & (kTypeFlag | kMask);
  const int64_t masked = sequence & (kTypeFlag | kMask);
  if (!((tx_masked < kTypeFlag && masked < kTypeFlag) || (tx_masked >= kTypeFlag && masked >= kTypeFlag))) return false;
  return masked <= tx_masked;
}

}  // namespace vigil::script
