// The simulator: a pool of spendable outputs (first in, first out), blocks of
// one-input transactions signed on all cores, mined at regtest difficulty.
#include "sim_chain.hpp"

#include <deque>
#include <functional>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "sim_keys.hpp"
#include "vigil/bft.hpp"
#include "vigil/signet.hpp"
#include "vigil/block_check.hpp"
#include "vigil/chainstate.hpp"
#include "vigil/hash.hpp"
#include "vigil/script.hpp"
#include "vigil/sighash.hpp"
#include "vigil/tx_builder.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil::cli::sim {
namespace {

constexpr int64_t kFee = 200;
constexpr uint32_t kKeys = 64;  // keys in rotation
constexpr uint32_t kMaturity = 100;
constexpr uint32_t kCsvBlocks = 3;  // the relative lock of the CSV outputs

// What the simulated outputs pay to, in rotation. The first four need only
// the templates; the others need the interpreter: bare 2-of-3 multisig signed
// by its first and last keys (CHECKMULTISIG's key matching), P2WSH 2-of-3,
// a taproot script-path leaf `<A> CHECKSIG <B> CHECKSIGADD <C> CHECKSIGADD
// 2 NUMEQUAL` signed by A and C (B's signature empty), P2SH `<h>
// CHECKLOCKTIMEVERIFY DROP <key> CHECKSIG` with h its creation height and
// P2WSH `3 CHECKSEQUENCEVERIFY DROP <key> CHECKSIG` (BIP68: spent 3 blocks on).
enum class Kind : uint8_t {
  kP2PKH, kP2WPKH, kP2SHMultisig, kP2TR,
  kBareMultisig, kP2WSHMultisig, kP2TRScript, kP2SHCltv, kP2WSHCsv,
};
constexpr uint32_t kKinds = 9;

// Signatures a spend of `kind` makes.
uint32_t signatures_of(Kind kind) {
  switch (kind) {
    case Kind::kP2SHMultisig: case Kind::kBareMultisig: case Kind::kP2WSHMultisig: case Kind::kP2TRScript: return 2;
    default: return 1;
  }
}

struct Utxo {
  OutPoint point;
  int64_t value;
  Kind kind;
  uint32_t key;     // first key index
  uint32_t height;  // of the block that created it
};

void append(Bytes& to, const Bytes& what) { to.insert(to.end(), what.begin(), what.end()); }

Bytes p2sh_of(const Bytes& redeem) {
  const auto h = hash160(ByteView(redeem.data(), redeem.size()));
  Bytes s = {0xa9, 0x14};
  s.insert(s.end(), h.begin(), h.end());
  s.push_back(0x87);
  return s;
}
Bytes p2wsh_of(const Bytes& witness_script) {
  const Hash256 h = sha256(ByteView(witness_script.data(), witness_script.size()));
  Bytes s = {0x00, 0x20};
  s.insert(s.end(), h.bytes.begin(), h.bytes.end());
  return s;
}
// `<lock> <op> DROP <key> CHECKSIG`: `lock` as a script number (CScript() << n).
Bytes locked_script(uint32_t lock, uint8_t op, const Bytes& key) {
  Bytes s = bip34_height_script(lock);
  s.insert(s.end(), {op, 0x75});
  append(s, push_of(ByteView(key.data(), key.size())));
  s.push_back(0xac);
  return s;
}

Bytes p2pkh(const Bytes& key) {
  const auto h = hash160(ByteView(key.data(), key.size()));
  Bytes s = {0x76, 0xa9, 0x14};
  s.insert(s.end(), h.begin(), h.end());
  s.insert(s.end(), {0x88, 0xac});
  return s;
}

class Chain {
 public:
  explicit Chain(const SimOptions& o) : o_(o), rng_(o.seed), pool_threads_(0) {
    for (uint32_t i = 0; i < kKeys; ++i) keys_.push_back(signer_.derive(o.seed, i));
    setup_consensus();
  }

  Status run(SimResult* result);

 private:
  const Signer::Key& key_at(uint32_t k) const { return keys_[k % kKeys]; }
  Bytes redeem(uint32_t k) const {  // 2-of-3 multisig of keys k, k+1, k+2
    Bytes r = {0x52};
    for (uint32_t j = 0; j < 3; ++j) {
      const Bytes& pk = key_at(k + j).compressed;
      r.push_back(33);
      r.insert(r.end(), pk.begin(), pk.end());
    }
    r.insert(r.end(), {0x53, 0xae});
    return r;
  }
  // The tapscript leaf over the x-only keys k, k+1, k+2.
  Bytes tap_leaf(uint32_t k) const {
    Bytes s;
    for (uint32_t j = 0; j < 3; ++j) {
      s.push_back(32);
      s.insert(s.end(), key_at(k + j).xonly.begin(), key_at(k + j).xonly.end());
      s.push_back(j == 0 ? 0xac : 0xba);  // CHECKSIG, then CHECKSIGADD
    }
    s.insert(s.end(), {0x52, 0x9c});  // 2 NUMEQUAL
    return s;
  }
  // BIP341 for the one-leaf tree of tap_leaf(k) over internal key k: the
  // leaf's hash (the tree's root) and the output.
  Hash256 tap_leaf_hash(uint32_t k) const {
    return tapleaf_hash(0xc0, tap_leaf(k));
  }
  Bytes script_for(const Utxo& u) const { return script_for(u.kind, u.key, u.height); }
  // The output script of `kind` for key k, created in block `height`.
  Bytes script_for(Kind kind, uint32_t k, uint32_t height) const {
    const Bytes& pk = keys_[k].compressed;
    switch (kind) {
      case Kind::kP2PKH: return p2pkh(pk);
      case Kind::kP2WPKH: {
        const auto h = hash160(ByteView(pk.data(), pk.size()));
        Bytes s = {0x00, 0x14};
        s.insert(s.end(), h.begin(), h.end());
        return s;
      }
      case Kind::kP2SHMultisig: return p2sh_of(redeem(k));
      case Kind::kP2TR: {
        Bytes s = {0x51, 0x20};
        s.insert(s.end(), keys_[k].output_key.begin(), keys_[k].output_key.end());
        return s;
      }
      case Kind::kBareMultisig: return redeem(k);
      case Kind::kP2WSHMultisig: return p2wsh_of(redeem(k));
      case Kind::kP2TRScript: {
        const Signer::TaprootOutput out = signer_.taproot_output(keys_[k], tap_leaf_hash(k));
        Bytes s = {0x51, 0x20};
        s.insert(s.end(), out.output_key.begin(), out.output_key.end());
        return s;
      }
      case Kind::kP2SHCltv: return p2sh_of(locked_script(height, 0xb1, pk));
      case Kind::kP2WSHCsv: return p2wsh_of(locked_script(kCsvBlocks, 0xb2, pk));
    }
    return {};
  }
  Kind next_kind() { return static_cast<Kind>(kind_counter_++ % kKinds); }
  uint32_t next_key() { return static_cast<uint32_t>(key_counter_++ % kKeys); }

  // Signs input 0 of `tx`, which spends `u` (one-input transactions only).
  void sign(OwnedTx& tx, const Utxo& u) const;
  OwnedTx coinbase(uint32_t height, int64_t value, uint32_t extra) const;
  Bytes finish_block(OwnedBlock& b, const Hash256& prev, uint32_t height);
  // Finishes `b` as `module` would (pow: mined; signet: signed and mined;
  // bft: certified), or, with mined = false, with a hash above the target.
  Bytes finish_as(OwnedBlock& b, const Hash256& prev, uint32_t height, const std::string& module, bool mined);
  void setup_consensus();
  // The bft keys that sign at `height` (set 0, or set 1 once the rotation applies).
  const std::vector<BftKey>& bft_signers(uint32_t height) const {
    return rotate_at_ && height >= *rotate_at_ + 2 ? bft_sets_[1] : bft_sets_[0];
  }
  // Coinbase-only branches at each switch that only the other module accepts.
  uint32_t write_switch_branches(const std::vector<Hash256>& hashes);
  void write(const Bytes& block);

  const SimOptions& o_;
  Signer signer_;
  std::vector<Signer::Key> keys_;
  std::mt19937_64 rng_;
  WorkerPool pool_threads_;
  std::deque<Utxo> pool_;
  std::vector<Utxo> coinbases_;  // by height
  uint64_t kind_counter_ = 0, key_counter_ = 0;
  std::ofstream file_;
  size_t file_bytes_ = 0, file_index_ = 0;
  uint64_t bytes_ = 0, signatures_ = 0, transactions_ = 0;
  ChainParams params_;
  std::vector<BftKey> bft_sets_[2];
  std::optional<uint32_t> rotate_at_;  // the block that announces validator set 1
};

void Chain::setup_consensus() {
  params_ = ChainParams::Regtest();
  params_.chain_id = "vigil-sim";
  params_.coinbase_maturity = kMaturity;
  params_.modules = o_.modules.empty() ? std::vector<ModuleActivation>{{0, {"pow", 1}}} : o_.modules;
  params_.plugins = o_.plugins;
  // Two validator sets of four (stakes 1..4); the second is announced ten
  // blocks into the first bft stretch, when the chain is long enough.
  for (int set = 0; set < 2; ++set)
    for (uint8_t i = 0; i < 4; ++i) {
      std::array<uint8_t, 32> seed{};
      const Hash256 h = sha256(ByteView(reinterpret_cast<const uint8_t*>(&o_.seed), sizeof o_.seed));
      std::copy(h.bytes.begin(), h.bytes.end(), seed.begin());
      seed[0] ^= static_cast<uint8_t>(1 + set * 4 + i);
      bft_sets_[set].push_back(bft_key_from_seed(seed));
    }
  for (size_t i = 0; i < params_.modules.size(); ++i) {
    if (params_.modules[i].module.name != "bft") continue;
    if (params_.bft_validators.empty())
      for (size_t k = 0; k < 4; ++k) params_.bft_validators.push_back({bft_sets_[0][k].public_key, k + 1});
    const uint32_t end = i + 1 < params_.modules.size() ? params_.modules[i + 1].height : o_.blocks + 1;
    const uint32_t r = params_.modules[i].height + 10;
    if (!rotate_at_ && r + 2 < end && r <= o_.blocks) rotate_at_ = r;
  }
  // Signet: a P2WPKH challenge of key 0.
  for (const ModuleActivation& m : params_.modules)
    if (m.module.name == "signet") params_.signet_challenge = script_for(Kind::kP2WPKH, 0, 0);
}

void Chain::sign(OwnedTx& tx, const Utxo& u) const {
  Transaction view;
  const Bytes unsigned_bytes = serialize(tx);
  if (!parse_transaction(ByteView(unsigned_bytes.data(), unsigned_bytes.size()), &view).ok()) return;
  const Bytes spk = script_for(u);
  const Signer::Key& k = keys_[u.key];
  OwnedIn& in = tx.inputs[0];
  auto push = [&](Bytes& script, const Bytes& data) { append(script, push_of(ByteView(data.data(), data.size()))); };
  switch (u.kind) {
    case Kind::kP2PKH: {
      const Bytes sig = signer_.ecdsa(k, legacy_sighash(view, 0, ByteView(spk.data(), spk.size()), kSighashAll), kSighashAll);
      in.script_sig = push_of(ByteView(sig.data(), sig.size()));
      const Bytes pk = push_of(ByteView(k.compressed.data(), 33));
      in.script_sig.insert(in.script_sig.end(), pk.begin(), pk.end());
      break;
    }
    case Kind::kP2WPKH: {
      const SegwitV0Hashes hashes(view);
      const Bytes code = p2pkh(k.compressed);
      in.witness = {signer_.ecdsa(k, segwit_v0_sighash(view, 0, ByteView(code.data(), code.size()), u.value, kSighashAll, hashes), kSighashAll),
                    k.compressed};
      break;
    }
    case Kind::kP2SHMultisig: {
      const Bytes r = redeem(u.key);
      const Hash256 h = legacy_sighash(view, 0, ByteView(r.data(), r.size()), kSighashAll);
      in.script_sig = {0x00};
      for (uint32_t j = 0; j < 2; ++j) {  // keys k and k+1, in the script's order
        const Bytes sig = signer_.ecdsa(keys_[(u.key + j) % kKeys], h, kSighashAll);
        const Bytes push = push_of(ByteView(sig.data(), sig.size()));
        in.script_sig.insert(in.script_sig.end(), push.begin(), push.end());
      }
      const Bytes push = push_of(ByteView(r.data(), r.size()));
      in.script_sig.insert(in.script_sig.end(), push.begin(), push.end());
      break;
    }
    case Kind::kP2TR: {
      const SpentOutput spent{u.value, ByteView(spk.data(), spk.size())};
      const TaprootHashes hashes(view, {&spent, 1});
      Hash256 h;
      taproot_sighash(view, 0, {&spent, 1}, kSighashDefault, hashes, std::nullopt, nullptr, &h);
      in.witness = {signer_.schnorr_keypath(k, h, u.point.index)};
      break;
    }
    case Kind::kBareMultisig: {  // keys k and k+2: key k+1 is passed over
      const Hash256 h = legacy_sighash(view, 0, ByteView(spk.data(), spk.size()), kSighashAll);
      in.script_sig = {0x00};
      push(in.script_sig, signer_.ecdsa(k, h, kSighashAll));
      push(in.script_sig, signer_.ecdsa(key_at(u.key + 2), h, kSighashAll));
      break;
    }
    case Kind::kP2WSHMultisig: {
      const Bytes ws = redeem(u.key);
      const SegwitV0Hashes hashes(view);
      const Hash256 h = segwit_v0_sighash(view, 0, ByteView(ws.data(), ws.size()), u.value, kSighashAll, hashes);
      in.witness = {Bytes{}, signer_.ecdsa(k, h, kSighashAll), signer_.ecdsa(key_at(u.key + 1), h, kSighashAll), ws};
      break;
    }
    case Kind::kP2TRScript: {
      const SpentOutput spent{u.value, ByteView(spk.data(), spk.size())};
      const TaprootHashes hashes(view, {&spent, 1});
      TapscriptExt ext;
      ext.tapleaf_hash = tap_leaf_hash(u.key);
      Hash256 h;
      taproot_sighash(view, 0, {&spent, 1}, kSighashDefault, hashes, std::nullopt, &ext, &h);
      const Signer::TaprootOutput out = signer_.taproot_output(k, ext.tapleaf_hash);
      Bytes control = {static_cast<uint8_t>(0xc0 | (out.odd_y ? 1 : 0))};
      control.insert(control.end(), k.xonly.begin(), k.xonly.end());
      // The stack, bottom first: C's signature, B's (empty), A's on top.
      in.witness = {signer_.schnorr(key_at(u.key + 2).secret, h, u.point.index), Bytes{},
                    signer_.schnorr(k.secret, h, u.point.index), tap_leaf(u.key), control};
      break;
    }
    case Kind::kP2SHCltv: {
      const Bytes r = locked_script(u.height, 0xb1, k.compressed);
      const Bytes sig = signer_.ecdsa(k, legacy_sighash(view, 0, ByteView(r.data(), r.size()), kSighashAll), kSighashAll);
      in.script_sig.clear();
      push(in.script_sig, sig);
      push(in.script_sig, r);
      break;
    }
    case Kind::kP2WSHCsv: {
      const Bytes ws = locked_script(kCsvBlocks, 0xb2, k.compressed);
      const SegwitV0Hashes hashes(view);
      in.witness = {signer_.ecdsa(k, segwit_v0_sighash(view, 0, ByteView(ws.data(), ws.size()), u.value, kSighashAll, hashes), kSighashAll),
                    ws};
      break;
    }
  }
}

OwnedTx Chain::coinbase(uint32_t height, int64_t value, uint32_t extra) const {
  OwnedTx cb;
  cb.version = 2;
  OwnedIn in;
  in.prevout.index = 0xffffffff;
  // BIP34: the height first (as Core writes it: OP_1..OP_16 for the first
  // heights), then an extra nonce.
  in.script_sig = bip34_height_script(height);
  in.script_sig.insert(in.script_sig.end(), {0x04, static_cast<uint8_t>(extra), static_cast<uint8_t>(extra >> 8),
                                             static_cast<uint8_t>(extra >> 16), static_cast<uint8_t>(extra >> 24)});
  in.witness = {Bytes(32, 0)};  // the witness reserved value
  cb.inputs.push_back(in);
  const uint32_t k = height % kKeys;
  cb.outputs.push_back({value, script_for(Kind::kP2WPKH, k, height)});
  Bytes commitment = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
  commitment.resize(38, 0);
  cb.outputs.push_back({0, commitment});
  return cb;
}

// Commitment, Merkle root, header, and what the module scheduled for the
// height needs (mined at regtest difficulty, signed, certified). Returns the bytes.
Bytes Chain::finish_block(OwnedBlock& b, const Hash256& prev, uint32_t height) {
  return finish_as(b, prev, height, params_.module_at(height).module.name, true);
}

Bytes Chain::finish_as(OwnedBlock& b, const Hash256& prev, uint32_t height, const std::string& module, bool mined) {
  b.header.assign(80, 0);
  const uint32_t version = 0x20000000, time = 1296688602 + 600 * height, bits = 0x207fffff;
  for (int i = 0; i < 4; ++i) b.header[i] = static_cast<uint8_t>(version >> (8 * i));
  std::copy(prev.bytes.begin(), prev.bytes.end(), b.header.begin() + 4);
  for (int i = 0; i < 4; ++i) {
    b.header[68 + i] = static_cast<uint8_t>(time >> (8 * i));
    b.header[72 + i] = static_cast<uint8_t>(bits >> (8 * i));
  }
  fix_witness_commitment(b);
  if (module == "bft" && rotate_at_ && height == *rotate_at_) {
    std::vector<Validator> next;
    for (size_t k = 0; k < 4; ++k) next.push_back({bft_sets_[1][k].public_key, k + 1});
    (void)bft_attach_validator_set(b, next);
  }
  if (module == "signet") {
    const std::optional<Hash256> digest = signet_sighash(b, params_.signet_challenge);
    if (digest)
      (void)attach_signet_solution(b, SignetSolution{{}, {signer_.ecdsa(keys_[0], *digest, kSighashAll), keys_[0].compressed}});
  }
  for (uint32_t nonce = 0;; ++nonce) {
    for (int i = 0; i < 4; ++i) b.header[76 + i] = static_cast<uint8_t>(nonce >> (8 * i));
    // A certificate signs the whole header, nonce included: no mining, so
    // the first nonce does unless an unmined block was asked for.
    if (module == "bft") (void)bft_sign_block(b, bft_signers(height), params_.chain_id, height);
    const bool pow_ok = check_proof_of_work(sha256d(ByteView(b.header.data(), 80)), bits, Network::kRegtest);
    if (mined ? (pow_ok || module == "bft") : !pow_ok) break;
  }
  return serialize(b);
}

uint32_t Chain::write_switch_branches(const std::vector<Hash256>& hashes) {
  uint32_t written = 0;
  for (size_t i = 1; i < params_.modules.size(); ++i) {
    const uint32_t h = params_.modules[i].height;
    if (h < 2 || h > o_.blocks) continue;
    const std::string& before = params_.modules[i - 1].module.name;
    const std::string& after = params_.modules[i].module.name;
    // A plugin's rules are its own: no branch is known to be invalid under it.
    if (params_.plugins.count(before) || params_.plugins.count(after)) continue;
    // (a) From block h-1, the old module goes on past the switch: invalid
    // at h. (b) From block h-2, the new module starts a block early: invalid
    // at h-1 (an unmined block where proof of work is still due). Each is one
    // block longer than the chain, so it has more work: a validator tries it
    // first and must fall back.
    for (int branch = 0; branch < 2; ++branch) {
      const std::string& module = branch == 0 ? before : after;
      // Mined only where the missing certificate or solution is what makes
      // it invalid; otherwise unmined, since a certified block that met the
      // target would be valid under pow, and a signet block always is.
      const bool mined = branch == 0 ? (after == "bft" || (after == "signet" && before == "pow")) : before == "bft";
      Hash256 prev = hashes[branch == 0 ? h - 1 : h - 2];
      for (uint32_t height = branch == 0 ? h : h - 1; height <= o_.blocks + 1; ++height) {
        OwnedBlock sib;
        sib.txs.push_back(coinbase(height, block_subsidy(height, Network::kRegtest), 0x5000 + branch));
        const Bytes bytes = finish_as(sib, prev, height, module, mined);
        write(bytes);
        prev = sha256d(ByteView(bytes.data(), 80));
        ++written;
      }
    }
  }
  return written;
}

void Chain::write(const Bytes& block) {
  if (!file_.is_open() || file_bytes_ + block.size() + 8 > o_.max_file_bytes) {
    if (file_.is_open()) file_.close();
    char name[32];
    std::snprintf(name, sizeof name, "blk%05zu.dat", file_index_++);
    file_.open(std::filesystem::path(o_.out_dir) / name, std::ios::binary | std::ios::trunc);
    file_bytes_ = 0;
  }
  const uint8_t magic[4] = {0xfa, 0xbf, 0xb5, 0xda};
  uint8_t len[4];
  for (int i = 0; i < 4; ++i) len[i] = static_cast<uint8_t>(block.size() >> (8 * i));
  file_.write(reinterpret_cast<const char*>(magic), 4);
  file_.write(reinterpret_cast<const char*>(len), 4);
  file_.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(block.size()));
  file_bytes_ += block.size() + 8;
  bytes_ += block.size() + 8;
}

Status Chain::run(SimResult* result) {
  std::error_code ec;
  std::filesystem::create_directories(o_.out_dir, ec);
  if (ec) return Status::IoError("cannot create " + o_.out_dir + ": " + ec.message());
  // The regtest genesis block: Bitcoin's genesis with regtest's time, bits and nonce.
  static const char* kGenesis =
      "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc"
      "3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c0101000000010000000000000000000000000000000000000000000000000000"
      "000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e2062"
      "72696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe55482"
      "71967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d"
      "5fac00000000";
  Bytes genesis;
  if (!from_hex(kGenesis, genesis)) return Status::Internal("sim: bad genesis hex");
  const uint32_t fields[3] = {1296688602, 0x207fffff, 2};
  for (int f = 0; f < 3; ++f)
    for (int i = 0; i < 4; ++i) genesis[68 + 4 * f + i] = static_cast<uint8_t>(fields[f] >> (8 * i));
  write(genesis);
  Hash256 prev = sha256d(ByteView(genesis.data(), 80));
  std::vector<Hash256> hashes{prev};  // the chain's blocks by height

  std::vector<uint32_t> fork_heights;
  for (uint32_t i = 0; i < o_.forks && o_.blocks > 2; ++i) fork_heights.push_back(2 + static_cast<uint32_t>(rng_() % (o_.blocks - 1)));
  nlohmann::json invalid;
  for (uint32_t height = 1; height <= o_.blocks; ++height) {
    OwnedBlock b;
    std::vector<std::pair<OwnedTx, Utxo>> spends;
    std::vector<std::vector<std::pair<Kind, uint32_t>>> meta;  // per spend: each output's kind and key
    auto add_output = [&](OwnedTx& t, int64_t value) {
      const Kind kind = next_kind();
      const uint32_t key = next_key();
      t.outputs.push_back({value, script_for(kind, key, height)});
      meta.back().push_back({kind, key});
    };
    int64_t fees = 0;
    // A matured coinbase fans out into the pool; then one-input spends of
    // pool outputs created in earlier blocks.
    if (height > kMaturity && o_.txs_per_block > 1) {
      const Utxo cb = coinbases_[height - kMaturity];
      const uint32_t fan = std::max<uint32_t>(1, o_.txs_per_block - 1);
      OwnedTx t;
      t.version = 2;
      t.inputs.push_back(OwnedIn{cb.point, {}, 0xffffffff, {}});
      const int64_t each = (cb.value - kFee) / fan;
      meta.emplace_back();
      for (uint32_t j = 0; j < fan && each > kFee * 4; ++j) add_output(t, each);
      if (!t.outputs.empty()) {
        fees += cb.value - each * static_cast<int64_t>(t.outputs.size());
        spends.push_back({std::move(t), cb});
      } else {
        meta.pop_back();
      }
      std::vector<Utxo> locked;  // CSV outputs younger than their lock: back to the front
      while (spends.size() + 1 < o_.txs_per_block && !pool_.empty()) {
        const Utxo u = pool_.front();
        pool_.pop_front();
        if (u.value <= kFee * 2) continue;  // dust: left unspent
        if (u.kind == Kind::kP2WSHCsv && u.height + kCsvBlocks > height) {
          locked.push_back(u);
          continue;
        }
        OwnedTx s;
        s.version = 2;  // BIP68 applies from version 2
        // CLTV: a height lock the block has passed; CSV: the relative lock in
        // the sequence (BIP68); else no lock (and RBF signalled).
        if (u.kind == Kind::kP2SHCltv) s.locktime = height - 1;
        s.inputs.push_back(OwnedIn{u.point, {}, u.kind == Kind::kP2WSHCsv ? kCsvBlocks : 0xfffffffd, {}});
        meta.emplace_back();
        add_output(s, u.value - kFee);
        fees += kFee;
        spends.push_back({std::move(s), u});
      }
      for (auto it = locked.rbegin(); it != locked.rend(); ++it) pool_.push_front(*it);
    }
    pool_threads_.parallel_for(spends.size(), 16, [&](size_t lo, size_t hi) {
      for (size_t k = lo; k < hi; ++k) sign(spends[k].first, spends[k].second);
    });
    b.txs.push_back(coinbase(height, block_subsidy(height, Network::kRegtest) + fees, 0));
    for (auto& [t, u] : spends) b.txs.push_back(std::move(t));
    for (const auto& [t, u] : spends) signatures_ += signatures_of(u.kind);
    // A deliberately invalid block.
    if (o_.invalid_at && *o_.invalid_at == height && b.txs.size() > 1) {
      std::string reason;
      // The reason a script error gives: the interpreter's own verdict on
      // input 0 of b.txs[1 + k], with the reference libraries.
      auto script_reason = [&](size_t k) {
        const Utxo& u = spends[k].second;
        const Bytes raw = serialize(b.txs[1 + k]);
        Transaction tx;
        (void)parse_transaction(raw, &tx);
        const Bytes spk = script_for(u);
        const script::TxContext ctx(tx, {SpentOutput{u.value, spk}});
        script::ImmediateOracle oracle;
        script::Error error = script::Error::kOk;
        (void)script::verify_input(ctx, 0, params_.script_flags(height, Hash256{}), oracle, &error);
        return "mandatory-script-verify-flag-failed (" + std::string(script::error_message(error)) + ")";
      };
      // The first spend of `kind` in the block, re-signed after `change`.
      auto alter_spend = [&](Kind kind, const std::function<void(OwnedTx&, const Utxo&)>& change) -> std::optional<size_t> {
        for (size_t k = 0; k < spends.size(); ++k) {
          if (spends[k].second.kind != kind) continue;
          change(b.txs[1 + k], spends[k].second);
          sign(b.txs[1 + k], spends[k].second);
          return k;
        }
        return std::nullopt;
      };
      if (o_.invalid_kind == "badsig") {
        auto& in = b.txs[1].inputs[0];
        Bytes& sig = in.witness.empty() ? in.script_sig : in.witness[0];
        sig[sig.size() / 2] ^= 1;
        reason = script_reason(0);
      } else if (o_.invalid_kind == "cltv" || o_.invalid_kind == "nonfinal" || o_.invalid_kind == "sequence") {
        // cltv: the lock time below the script's (the script fails);
        // nonfinal: a lock time the block has not passed (IsFinalTx);
        // sequence: a relative lock of 1000 blocks, which the script accepts
        // (1000 >= 3) and BIP68 does not.
        const std::string& what = o_.invalid_kind;
        const std::optional<size_t> k = alter_spend(what == "sequence" ? Kind::kP2WSHCsv : Kind::kP2SHCltv,
                                                    [&](OwnedTx& t, const Utxo& u) {
                                                      if (what == "cltv") t.locktime = u.height - 1;
                                                      if (what == "nonfinal") t.locktime = height;
                                                      if (what == "sequence") t.inputs[0].sequence = 1000;
                                                    });
        if (!k)
          return Status::InvalidArgument("sim: block " + std::to_string(height) + " spends no " +
                                         (what == "sequence" ? "CSV" : "CLTV") + " output for --invalid-kind " + what +
                                         " (more --txs, or a later --invalid-at)");
        reason = what == "cltv" ? script_reason(*k) : "bad-txns-nonfinal";
      } else if (o_.invalid_kind == "overspend") {
        b.txs[1].outputs[0].value += 10 * kCoin;
        reason = "bad-txns-in-belowout";
      } else if (o_.invalid_kind == "doublespend") {
        OwnedTx again = b.txs[1];
        again.locktime = 1;
        b.txs.push_back(again);
        reason = "bad-txns-inputs-missingorspent";
      } else {  // badmerkle: after mining, below
        reason = "bad-txnmrklroot";
      }
      invalid = {{"height", height}, {"reason", reason}, {"kind", o_.invalid_kind}};
    }
    // A stale sibling (coinbase only, another extra nonce) goes first.
    if (std::find(fork_heights.begin(), fork_heights.end(), height) != fork_heights.end()) {
      OwnedBlock stale;
      stale.txs.push_back(coinbase(height, block_subsidy(height, Network::kRegtest), 1 + height));
      write(finish_block(stale, prev, height));
    }
    Bytes bytes = finish_block(b, prev, height);
    if (!invalid.empty() && invalid["height"] == height && o_.invalid_kind == "badmerkle") {
      b.header[36] ^= 1;  // a wrong root, then mined again
      for (uint32_t nonce = 0;; ++nonce) {
        for (int i = 0; i < 4; ++i) b.header[76 + i] = static_cast<uint8_t>(nonce >> (8 * i));
        if (check_proof_of_work(sha256d(ByteView(b.header.data(), 80)), 0x207fffff, Network::kRegtest)) break;
      }
      bytes = serialize(b);
    }
    write(bytes);
    prev = sha256d(ByteView(bytes.data(), 80));
    hashes.push_back(prev);
    if (!invalid.empty() && invalid["height"] == height) invalid["hash"] = to_display_hex(prev);
    transactions_ += b.txs.size();
    // The new outputs, spendable from the next block (coinbases after maturity).
    const Hash256 cb_id = txid(b.txs[0]);
    if (coinbases_.empty()) coinbases_.push_back(Utxo{});  // height 0: the genesis output is unspendable
    coinbases_.push_back(Utxo{OutPoint{cb_id, 0}, b.txs[0].outputs[0].value, Kind::kP2WPKH, height % kKeys, height});
    for (size_t t = 1; t < b.txs.size() && t - 1 < meta.size(); ++t) {
      const Hash256 id = txid(b.txs[t]);
      for (uint32_t j = 0; j < b.txs[t].outputs.size(); ++j)
        pool_.push_back(Utxo{OutPoint{id, j}, b.txs[t].outputs[j].value, meta[t - 1][j].first, meta[t - 1][j].second, height});
    }
  }
  const uint32_t switch_siblings = o_.switch_branches ? write_switch_branches(hashes) : 0;
  file_.close();
  std::ofstream(std::filesystem::path(o_.out_dir) / "chain.json") << params_.ToJson() << "\n";
  nlohmann::json modules = nlohmann::json::array();
  for (const ModuleActivation& m : params_.modules) modules.push_back({{"height", m.height}, {"module", m.module.str()}});
  nlohmann::json manifest = {
      {"chain_config", "chain.json"},
      {"modules", modules},
      {"switch_branch_blocks", switch_siblings},
      {"network", "regtest"},
      {"blocks", o_.blocks},
      {"tip", to_display_hex(prev)},
      {"height", o_.blocks},
      {"transactions", transactions_},
      {"signatures", signatures_},
      {"stale_blocks", fork_heights.size()},
      {"seed", o_.seed},
      {"expected", invalid.empty() ? nlohmann::json{{"outcome", "valid"}, {"tip", to_display_hex(prev)}, {"height", o_.blocks}}
                                   : nlohmann::json{{"outcome", "invalid"}, {"block", invalid}}},
  };
  std::ofstream(std::filesystem::path(o_.out_dir) / "manifest.json") << manifest.dump(2) << "\n";
  result->transactions = transactions_;
  result->signatures = signatures_;
  result->bytes = bytes_;
  result->files = file_index_;
  result->tip = to_display_hex(prev);
  result->expected_outcome = invalid.empty() ? "valid" : "invalid";
  result->switch_siblings = switch_siblings;
  return Status::Ok();
}

}  // namespace

Status simulate(const SimOptions& options, SimResult* result) {
  if (options.txs_per_block == 0) return Status::InvalidArgument("sim: txs_per_block must be >= 1");
  Chain chain(options);
  return chain.run(result);
}

}  // namespace vigil::cli::sim
