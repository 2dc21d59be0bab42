/*
 * A C program that links the installed vigil library through its C API
 * (vigil/vigil.h): verifies a batch of signatures -- RFC 8032's first Ed25519
 * test vector under both rule sets, and a corrupted copy -- then hashes the
 * mainnet genesis header and computes a Merkle root; then does the same
 * through the engine (asynchronous submissions with callbacks). Exit 0 when
 * every answer is the expected one.
 *
 * Build it against an installed vigil with CMake (examples/CMakeLists.txt,
 * find_package(vigil)) or with pkg-config:
 *   cc verify_and_hash.c $(pkg-config --cflags --libs vigil) -o verify_and_hash
 */
#include <stdio.h>
#include <string.h>
#include <vigil/vigil.h>

static int from_hex(const char* hex, uint8_t* out, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1) return 0;
    out[i] = (uint8_t)v;
  }
  return 1;
}

/* What the engine's callbacks received. */
struct engine_results {
  uint8_t verdicts[3];
  size_t verdict_count;
  uint8_t hash[32];
  int hashed;
};

static void on_verdicts(void* user, uint64_t owner, vigil_status status, const uint8_t* verdicts, size_t count) {
  struct engine_results* r = (struct engine_results*)user;
  (void)owner;
  if (status == VIGIL_OK && count <= 3) {
    memcpy(r->verdicts, verdicts, count);
    r->verdict_count = count;
  }
}

static void on_hashes(void* user, uint64_t owner, vigil_status status, const uint8_t* hashes, size_t count) {
  struct engine_results* r = (struct engine_results*)user;
  (void)owner;
  if (status == VIGIL_OK && count == 1) {
    memcpy(r->hash, hashes, 32);
    r->hashed = 1;
  }
}

static int check(vigil_status s, const char* what) {
  if (s == VIGIL_OK) return 1;
  fprintf(stderr, "%s: %s: %s\n", what, vigil_status_name(s), vigil_last_error());
  return 0;
}

int main(void) {
  if (vigil_abi_version() != VIGIL_ABI_VERSION) {
    fprintf(stderr, "vigil ABI %u, built against %u\n", vigil_abi_version(), (unsigned)VIGIL_ABI_VERSION);
    return 2;
  }
  printf("vigil %s (C ABI %u)\n", vigil_version_string(), vigil_abi_version());

  /* RFC 8032 section 7.1, TEST 1: empty message. */
  uint8_t key[32], sig[64], bad_sig[64];
  if (!from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", key, 32) ||
      !from_hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
                sig, 64))
    return 2;
  memcpy(bad_sig, sig, 64);
  bad_sig[10] ^= 1;

  vigil_verifier* verifier = NULL;
  if (!check(vigil_verifier_create(NULL, &verifier), "vigil_verifier_create")) return 1;
  char description[128];
  vigil_verifier_describe(verifier, description, sizeof description);
  printf("verifier: %s\n", description);

  const vigil_check checks[3] = {
      {VIGIL_SCHEME_ED25519_STRICT, key, 32, NULL, 0, sig, 64, NULL},
      {VIGIL_SCHEME_ED25519, key, 32, NULL, 0, sig, 64, NULL},
      {VIGIL_SCHEME_ED25519, key, 32, NULL, 0, bad_sig, 64, NULL},
  };
  uint8_t verdicts[3] = {9, 9, 9};
  int ok = check(vigil_verify(verifier, checks, 3, verdicts), "vigil_verify");
  printf("verdicts: %d %d %d (expected 1 1 0)\n", verdicts[0], verdicts[1], verdicts[2]);
  ok = ok && verdicts[0] == 1 && verdicts[1] == 1 && verdicts[2] == 0;
  vigil_verifier_destroy(verifier);

  /* The genesis block's hash and its one-transaction Merkle root. */
  uint8_t header[80], hash[32], root[32];
  if (!from_hex("0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67"
                "768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c",
                header, 80))
    return 2;
  vigil_hasher* hasher = NULL;
  if (!check(vigil_hasher_create(NULL, &hasher), "vigil_hasher_create")) return 1;
  const uint8_t* messages[1] = {header};
  const size_t lengths[1] = {80};
  int mutated = -1;
  ok = ok && check(vigil_hash(hasher, VIGIL_HASH_SHA256D, messages, lengths, 1, NULL, 0, hash), "vigil_hash");
  ok = ok && check(vigil_merkle_root(hasher, header + 36, 1, root, &mutated), "vigil_merkle_root");
  vigil_hasher_destroy(hasher);
  printf("genesis hash: ");
  for (int i = 31; i >= 0; --i) printf("%02x", hash[i]); /* display order: reversed */
  printf("\n");
  uint8_t expected[32];
  from_hex("6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000", expected, 32);
  ok = ok && memcmp(hash, expected, 32) == 0 && memcmp(root, header + 36, 32) == 0 && mutated == 0;

  /* The same checks and hash through the engine: submissions from any thread
   * are merged into batches; destroying the engine delivers everything. */
  vigil_engine* engine = NULL;
  if (!check(vigil_engine_create(NULL, &engine), "vigil_engine_create")) return 1;
  struct engine_results results = {{9, 9, 9}, 0, {0}, 0};
  ok = ok && check(vigil_engine_submit(engine, 1, checks, 3, on_verdicts, &results), "vigil_engine_submit");
  ok = ok && check(vigil_engine_submit_hashes(engine, 2, VIGIL_HASH_SHA256D, messages, lengths, 1, NULL, 0, on_hashes,
                                              &results),
                   "vigil_engine_submit_hashes");
  vigil_engine_destroy(engine);
  printf("engine verdicts: %d %d %d (expected 1 1 0)\n", results.verdicts[0], results.verdicts[1], results.verdicts[2]);
  ok = ok && results.verdict_count == 3 && results.verdicts[0] == 1 && results.verdicts[1] == 1 &&
       results.verdicts[2] == 0 && results.hashed && memcmp(results.hash, expected, 32) == 0;
  printf("%s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
