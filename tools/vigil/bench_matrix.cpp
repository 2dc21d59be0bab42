#include "bench_matrix.hpp"

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <sodium.h>
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <filesystem>
#include <thread>

#include "bench_model.hpp"
#include "bench_script.hpp"
#include "sim_chain.hpp"
#include "sim_keys.hpp"
#include "vigil/chainstate.hpp"
#include "vigil/engine.hpp"
#include "vigil/hash.hpp"
#include "vigil/hasher.hpp"
#include "vigil/verifier.hpp"
#include "vigil/worker_pool.hpp"

namespace vigil::cli::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kPool = 1024;  // distinct signatures per scheme, tiled

struct SigSet {
  std::string scheme;
  Scheme vigil_scheme;
  std::vector<Bytes> keys, msgs, sigs;
  std::vector<Check> checks;  // views into the above
};

SigSet make_set(const std::string& name, Scheme scheme, const sim::Signer& signer) {
  SigSet s{name, scheme, {}, {}, {}, {}};
  for (size_t i = 0; i < kPool; ++i) {
    Bytes msg(32);
    for (size_t b = 0; b < 32; ++b) msg[b] = static_cast<uint8_t>(i * 31 + b);
    if (scheme == Scheme::kEd25519 || scheme == Scheme::kEd25519Strict) {
      uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], seed[32] = {};
      for (int b = 0; b < 8; ++b) seed[b] = static_cast<uint8_t>(i >> (8 * b));
      crypto_sign_seed_keypair(pk, sk, seed);
      Bytes sig(crypto_sign_BYTES);
      crypto_sign_detached(sig.data(), nullptr, msg.data(), msg.size(), sk);
      s.keys.emplace_back(pk, pk + 32);
      s.sigs.push_back(sig);
    } else {
      const sim::Signer::Key k = signer.derive(7, i);
      Hash256 digest;
      std::copy(msg.begin(), msg.end(), digest.bytes.begin());
      if (scheme == Scheme::kSchnorr) {
        s.keys.emplace_back(k.output_key.begin(), k.output_key.end());
        s.sigs.push_back(signer.schnorr_keypath(k, digest, i));
      } else {
        s.keys.push_back(k.compressed);
        Bytes der = signer.ecdsa(k, digest, 1);
        der.pop_back();  // the hash type byte
        s.sigs.push_back(der);
      }
    }
    s.msgs.push_back(msg);
  }
  for (size_t i = 0; i < kPool; ++i)
    s.checks.push_back(Check{scheme, ByteView(s.keys[i].data(), s.keys[i].size()), ByteView(s.msgs[i].data(), 32),
                             ByteView(s.sigs[i].data(), s.sigs[i].size()), nullptr});
  return s;
}

Row make_row(std::string group, std::string name, std::string scheme, std::string implementation, uint64_t batch) {
  Row r;
  r.group = std::move(group);
  r.name = std::move(name);
  r.scheme = std::move(scheme);
  r.implementation = std::move(implementation);
  r.batch = batch;
  return r;
}

// Repeats `once` (which processes `items` items and returns how many were
// valid) until `min_seconds` have passed.
Row measure(Row row, double min_seconds, const std::function<uint64_t()>& once) {
  const Clock::time_point t0 = Clock::now();
  do {
    row.valid += once();
    row.items += row.batch;
  } while (std::chrono::duration<double>(Clock::now() - t0).count() < min_seconds);
  row.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  row.items_per_second = static_cast<double>(row.items) / row.seconds;
  return row;
}

// `body(begin, end)` over [0, n) on all hardware threads (a persistent pool,
// so a small batch pays no thread start); returns the sum.
uint64_t on_all_cores(size_t n, const std::function<uint64_t(size_t, size_t)>& body) {
  static WorkerPool pool(0);
  std::atomic<uint64_t> total{0};
  pool.parallel_for(n, 0, [&](size_t b, size_t e) { total += body(b, e); });
  return total.load();
}

// The reference library's own verification of check i (from the encoded inputs).
bool library_verify(const secp256k1_context* ctx, const Check& c) {
  switch (c.scheme) {
    case Scheme::kSchnorr: {
      secp256k1_xonly_pubkey x;
      return secp256k1_xonly_pubkey_parse(ctx, &x, c.public_key.data()) &&
             secp256k1_schnorrsig_verify(ctx, c.signature.data(), c.message.data(), c.message.size(), &x);
    }
    case Scheme::kEd25519Strict:
      return crypto_sign_verify_detached(c.signature.data(), c.message.data(), c.message.size(), c.public_key.data()) == 0;
    default: {
      // Strict DER for every ecdsa scheme (libsecp256k1 has no public lax
      // parser; the signatures here are strict DER, so the work is the same);
      // S normalized where the scheme allows a high S.
      secp256k1_pubkey pk;
      secp256k1_ecdsa_signature sig;
      if (!secp256k1_ec_pubkey_parse(ctx, &pk, c.public_key.data(), c.public_key.size()) ||
          !secp256k1_ecdsa_signature_parse_der(ctx, &sig, c.signature.data(), c.signature.size()))
        return false;
      if (c.scheme != Scheme::kEcdsaLowS) secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);
      return secp256k1_ecdsa_verify(ctx, &sig, c.message.data(), &pk);
    }
  }
}

}  // namespace

Matrix run_matrix(const MatrixOptions& o) {
  Matrix m;
  auto say = [&](const std::string& s) {
    if (o.progress) o.progress(s);
  };
  const double min_s = o.quick ? 0.2 : 1.0;
  if (sodium_init() < 0) m.notes.push_back("libsodium failed to initialize");
  sim::Signer signer;
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);

  // Verifiers: the CPU path, and the GPU path when one opens.
  std::unique_ptr<Verifier> cpu, gpu;
  VerifierOptions vo;
  vo.backend = Backend::kCpu;
  (void)Verifier::Create(vo, &cpu);
  if (o.backend != Backend::kCpu) {
    vo.backend = Backend::kGpu;
    vo.gpu_min_checks = 0;
    const Status s = Verifier::Create(vo, &gpu);
    m.gpu = s.ok() ? gpu->description() : "none (" + s.message() + ")";
  } else {
    m.gpu = "not measured (--backend cpu)";
  }
  const std::vector<uint64_t> sizes = o.quick ? std::vector<uint64_t>{1, 64, 1024}
                                              : std::vector<uint64_t>{1, 16, 256, 4096, 65536};
  const std::pair<const char*, Scheme> schemes[] = {{"ecdsa", Scheme::kEcdsa},
                                                    {"ecdsa-lows", Scheme::kEcdsaLowS},
                                                    {"ecdsa-bitcoin", Scheme::kEcdsaBitcoin},
                                                    {"schnorr", Scheme::kSchnorr},
                                                    {"ed25519-strict", Scheme::kEd25519Strict},
                                                    {"ed25519", Scheme::kEd25519}};
  for (const auto& entry : schemes) {
    // Plain variables: lambdas may not capture structured bindings (C++20, clang 14).
    const char* const name = entry.first;
    const Scheme scheme = entry.second;
    say(std::string("verify ") + name);
    const SigSet set = make_set(name, scheme, signer);
    // One signature corrupted: every row's function must reject it.
    Check corrupted = set.checks[0];
    Bytes bad_sig(corrupted.signature.begin(), corrupted.signature.end());
    bad_sig[bad_sig.size() / 2] ^= 1;
    corrupted.signature = ByteView(bad_sig.data(), bad_sig.size());
    for (uint64_t n : sizes) {
      std::vector<Check> batch(n);
      for (size_t i = 0; i < n; ++i) batch[i] = set.checks[i % kPool];
      std::vector<uint8_t> verdicts(n);
      auto vigil_row = [&](Verifier* v, const char* impl) {
        Row r = make_row("verify", std::string("verify/") + name + "/" + impl + "/" + std::to_string(n), name, impl, n);
        return measure(r, min_s, [&] {
          if (!v->verify(batch, verdicts).ok()) return uint64_t{0};
          return static_cast<uint64_t>(std::count(verdicts.begin(), verdicts.end(), 1));
        });
      };
      auto rejects = [&](Verifier* v) {
        uint8_t verdict = 1;
        return v->verify({&corrupted, 1}, {&verdict, 1}).ok() && verdict == 0;
      };
      if (cpu) {
        m.rows.push_back(vigil_row(cpu.get(), "vigil-cpu"));
        m.rows.back().rejects_corrupted = rejects(cpu.get());
      }
      if (gpu) {
        m.rows.push_back(vigil_row(gpu.get(), "vigil-gpu"));
        m.rows.back().rejects_corrupted = rejects(gpu.get());
      }
      if (scheme == Scheme::kEd25519) continue;  // ZIP-215: no Debian library implements it
      const char* lib = scheme == Scheme::kEd25519Strict ? "libsodium" : "libsecp256k1";
      Row r = make_row("verify", std::string("verify/") + name + "/" + lib + "/" + std::to_string(n), name, lib, n);
      m.rows.push_back(measure(r, min_s, [&] {
        return on_all_cores(n, [&](size_t b, size_t e) {
          uint64_t ok = 0;
          for (size_t i = b; i < e; ++i) ok += library_verify(ctx, batch[i]);
          return ok;
        });
      }));
      m.rows.back().rejects_corrupted = !library_verify(ctx, corrupted);
    }
    // The model's bound for the GPU, beside the measured rows.
    m.rows.push_back(model_row(name, scheme, std::span<const Check>(set.checks).first(std::min<size_t>(set.checks.size(), 16)),
                               corrupted));
  }
  if (std::find_if(m.rows.begin(), m.rows.end(), [](const Row& r) { return r.scheme == "ed25519"; }) != m.rows.end())
    m.notes.push_back("ed25519 (ZIP-215) has no reference-library row: no Debian library implements it");

  // Hashing: 64-byte messages (sha256d, as txids of small transactions) and Merkle roots.
  say("hash");
  std::unique_ptr<Hasher> hcpu, hgpu;
  HasherOptions ho;
  ho.backend = Backend::kCpu;
  (void)Hasher::Create(ho, &hcpu);
  if (gpu) {
    ho.backend = Backend::kGpu;
    ho.gpu_min_items = 0;
    (void)Hasher::Create(ho, &hgpu);
  }
  const uint64_t n_msgs = o.quick ? 1 << 14 : 1 << 20;
  std::vector<Bytes> msgs(n_msgs, Bytes(64));
  for (uint64_t i = 0; i < n_msgs; ++i)
    for (int b = 0; b < 8; ++b) msgs[i][b] = static_cast<uint8_t>(i >> (8 * b));
  std::vector<ByteView> views(msgs.begin(), msgs.end());
  std::vector<Hash256> out(n_msgs);
  const Hash256 first = sha256d(views[0]), last = sha256d(views.back());
  auto hasher_row = [&](Hasher* h, const char* impl) {
    Row r = make_row("hash", std::string("hash/sha256d/") + impl + "/" + std::to_string(n_msgs), "sha256d", impl, n_msgs);
    return measure(r, min_s, [&] {
      if (!h->hash(HashKind::kSha256d, views, out).ok()) return uint64_t{0};
      return out.front() == first && out.back() == last ? n_msgs : 0;  // spot checks
    });
  };
  if (hcpu) m.rows.push_back(hasher_row(hcpu.get(), "vigil-cpu"));
  if (hgpu) m.rows.push_back(hasher_row(hgpu.get(), "vigil-gpu"));
  {
    EVP_MD* sha256_md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    Row r = make_row("hash", "hash/sha256d/openssl/" + std::to_string(n_msgs), "sha256d", "openssl", n_msgs);
    m.rows.push_back(measure(r, min_s, [&] {
      return on_all_cores(n_msgs, [&](size_t b, size_t e) {
        // EVP with the digest fetched once and one context per range:
        // OpenSSL 3's fastest public path.
        uint64_t ok = 0;
        EVP_MD_CTX* c = EVP_MD_CTX_new();
        for (size_t i = b; i < e; ++i) {
          uint8_t h1[32], h2[32];
          unsigned len = 0;
          EVP_DigestInit_ex(c, sha256_md, nullptr);
          EVP_DigestUpdate(c, msgs[i].data(), 64);
          EVP_DigestFinal_ex(c, h1, &len);
          EVP_DigestInit_ex(c, sha256_md, nullptr);
          EVP_DigestUpdate(c, h1, 32);
          EVP_DigestFinal_ex(c, h2, &len);
          ok += (i != 0 || std::equal(h2, h2 + 32, first.bytes.begin()));
        }
        EVP_MD_CTX_free(c);
        return ok;
      });
    }));
    EVP_MD_free(sha256_md);
  }
  const uint64_t leaves = o.quick ? 1 << 14 : 1 << 20;
  std::vector<Hash256> leaf(leaves);
  for (uint64_t i = 0; i < leaves; ++i) leaf[i] = sha256(ByteView(reinterpret_cast<const uint8_t*>(&i), 8));
  const Hash256 want_root = merkle_root(leaf).root;
  const uint32_t sizes_arr[1] = {static_cast<uint32_t>(leaves)};
  for (const auto& entry : {std::pair<Hasher*, const char*>{hcpu.get(), "vigil-cpu"}, {hgpu.get(), "vigil-gpu"}}) {
    Hasher* const h = entry.first;
    const char* const impl = entry.second;
    if (!h) continue;
    Row r = make_row("hash", std::string("merkle/") + impl + "/" + std::to_string(leaves), "merkle", impl, leaves);
    m.rows.push_back(measure(r, min_s, [&] {
      MerkleResult res;
      if (!h->merkle_roots(leaf, sizes_arr, {&res, 1}).ok()) return uint64_t{0};
      return res.root == want_root ? leaves : 0;
    }));
  }

  // The engine end to end: 4 producers, blocks of 512 ECDSA checks.
  say("engine");
  {
    const SigSet set = make_set("ecdsa", Scheme::kEcdsaLowS, signer);
    std::vector<Check> block(512);
    for (size_t i = 0; i < block.size(); ++i) block[i] = set.checks[i % kPool];
    for (const char* impl : {"vigil-cpu", "vigil-gpu"}) {
      const bool on_gpu = std::string(impl) == "vigil-gpu";
      if (on_gpu && !gpu) continue;
      EngineOptions eo;
      eo.verifier.backend = on_gpu ? Backend::kGpu : Backend::kCpu;
      eo.verifier.gpu_min_checks = 0;
      eo.hasher.backend = Backend::kCpu;
      std::unique_ptr<Engine> engine;
      if (!Engine::Create(eo, &engine).ok()) continue;
      Row r = make_row("engine", std::string("engine/ecdsa-lows/") + impl + "/producers:4", "ecdsa-lows", impl, 4 * 4 * 512);
      m.rows.push_back(measure(r, min_s, [&] {
        std::atomic<uint64_t> ok{0};
        std::vector<std::thread> producers;
        for (int p = 0; p < 4; ++p) {
          producers.emplace_back([&, p] {
            std::vector<std::future<VerifyResult>> f;
            for (int b = 0; b < 4; ++b) f.push_back(engine->submit(static_cast<uint64_t>(p * 4 + b), block));
            for (auto& x : f) {
              const VerifyResult res = x.get();
              ok += static_cast<uint64_t>(std::count(res.verdicts.begin(), res.verdicts.end(), 1));
            }
          });
        }
        for (auto& t : producers) t.join();
        return ok.load();
      }));
    }
  }

  // Replay of a simulated chain (signatures per second; the stage shares in the note).
  say("replay");
  {
    sim::SimOptions so;
    so.out_dir = o.scratch_dir + "/chain";
    so.blocks = o.quick ? 120 : 400;
    so.txs_per_block = o.quick ? 40 : 1000;
    sim::SimResult sr;
    if (sim::simulate(so, &sr).ok()) {
      std::vector<Bytes> blocks;  // the chain, in order (no forks)
      for (const auto& e : std::filesystem::directory_iterator(so.out_dir)) {
        if (e.path().filename().string().rfind("blk", 0) != 0) continue;
        std::vector<BlockRecord> recs;
        Bytes contents(std::filesystem::file_size(e.path()));
        std::FILE* f = std::fopen(e.path().c_str(), "rb");
        if (!f || std::fread(contents.data(), 1, contents.size(), f) != contents.size()) continue;
        std::fclose(f);
        if (split_block_file(contents, &recs).ok())
          for (auto& rc : recs) blocks.push_back(std::move(rc.bytes));
      }
      double cpu_replay_seconds = 0;
      for (const char* impl : {"vigil-cpu", "vigil-gpu"}) {
        const bool on_gpu = std::string(impl) == "vigil-gpu";
        if (on_gpu && !gpu) continue;
        Verifier* v = on_gpu ? gpu.get() : cpu.get();
        Hasher* h = on_gpu && hgpu ? hgpu.get() : hcpu.get();
        ChainStateOptions co;
        co.store.path = o.scratch_dir + "/data-" + impl;
        co.store.sync = false;
        co.network = Network::kRegtest;
        std::filesystem::remove_all(co.store.path);
        std::unique_ptr<ChainState> chain;
        if (!v || !h || !ChainState::Open(co, v, h, &chain).ok()) continue;
        Row r = make_row("replay", std::string("replay/sim-") + std::to_string(so.blocks) + "x" + std::to_string(so.txs_per_block) +
                            "/" + impl,
              "replay", impl, 0);
        const Clock::time_point t0 = Clock::now();
        ConnectReport::Stages st;
        for (size_t i = 0; i < blocks.size(); i += 16) {
          std::vector<ByteView> group;
          for (size_t k = i; k < std::min(blocks.size(), i + 16); ++k) group.emplace_back(blocks[k].data(), blocks[k].size());
          std::vector<ConnectReport> reports;
          (void)chain->connect_blocks(group, &reports);  // stale fork blocks simply do not follow; none here
          for (const ConnectReport& rep : reports) {
            r.items += rep.signatures;
            r.valid += rep.validity.valid ? rep.signatures : 0;
            st += rep.seconds;
          }
        }
        r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        if (!on_gpu) cpu_replay_seconds = r.seconds;
        r.batch = blocks.size();
        r.items_per_second = static_cast<double>(r.items) / r.seconds;
        const double total = st.parse + st.rules + st.coins + st.sighash + st.verify + st.write;
        char note[200];
        std::snprintf(note, sizeof note, "%zu blocks, %.1f blocks/s; stages: verify %.0f%%, coins %.0f%%, write %.0f%%, other %.0f%%",
                      blocks.size(), static_cast<double>(blocks.size()) / r.seconds, 100 * st.verify / total,
                      100 * st.coins / total, 100 * st.write / total,
                      100 * (st.parse + st.rules + st.sighash) / total);
        r.note = note;
        r.stage_seconds = {{"parse", st.parse}, {"hashes+rules", st.rules}, {"coins", st.coins},
                           {"sighash", st.sighash}, {"verify", st.verify}, {"write", st.write}};
        m.rows.push_back(r);
      }
      say("script");
      add_script_rows(blocks, min_s, cpu_replay_seconds, m);
    } else {
      m.notes.push_back("the simulated chain could not be written: no replay rows");
    }
  }
  secp256k1_context_destroy(ctx);
  return m;
}

}  // namespace vigil::cli::bench
