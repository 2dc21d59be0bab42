/*
 * vigil's C API: batched signature verification and hashing for node software
 * written in C, Rust, Go or anything with a C FFI.
 *
 * Conventions:
 *   - Objects are opaque handles made by a *_create function and released by
 *     the matching *_destroy (which accepts NULL).
 *   - Every function that can fail returns a vigil_status; VIGIL_OK is 0.
 *     The message of the last failure on this thread is vigil_last_error().
 *   - Byte strings are (pointer, length) pairs; a pointer may be NULL when its
 *     length is 0. Nothing passed in is kept after the call returns.
 *   - No C++ exception crosses this boundary: an unexpected one becomes
 *     VIGIL_INTERNAL (or VIGIL_OUT_OF_MEMORY).
 *   - Options structs start with their own size (set by *_options_init), so a
 *     caller compiled against an older, shorter struct keeps working.
 *   - Handles are safe to use from several threads; calls on one handle are
 *     answered one at a time.
 *
 * ABI: vigil_abi_version() returns VIGIL_ABI_VERSION of the library that is
 * loaded. It changes only when an existing declaration here changes
 * incompatibly; a program should refuse to run when it differs from the
 * VIGIL_ABI_VERSION it was compiled with.
 */
#ifndef VIGIL_VIGIL_H_
#define VIGIL_VIGIL_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VIGIL_ABI_VERSION 1

uint32_t vigil_abi_version(void);
/* "0.1.0": the library's version. Static storage. */
const char* vigil_version_string(void);

typedef enum vigil_status {
  VIGIL_OK = 0,
  VIGIL_INVALID_ARGUMENT = 1, /* the caller passed something malformed */
  VIGIL_NOT_SUPPORTED = 2,    /* the build or the machine cannot do this */
  VIGIL_IO_ERROR = 3,
  VIGIL_CORRUPTION = 4,
  VIGIL_DEVICE_ERROR = 5,     /* a GPU failed or is absent */
  VIGIL_INTERNAL = 6,         /* a bug */
  VIGIL_OUT_OF_MEMORY = 7,
  VIGIL_NOT_FOUND = 8,
  VIGIL_FAILED_PRECONDITION = 9
} vigil_status;

/* "ok", "invalid argument", ...: static storage. */
const char* vigil_status_name(vigil_status status);
/* The message of the most recent failed call on this thread ("" if none).
 * Valid until the next vigil call on this thread. */
const char* vigil_last_error(void);

typedef enum vigil_backend {
  VIGIL_BACKEND_AUTO = 0, /* the GPU when one is usable, else the CPU */
  VIGIL_BACKEND_CPU = 1,
  VIGIL_BACKEND_GPU = 2   /* the GPU, and an error where there is none */
} vigil_backend;

/* ---- Signature verification ------------------------------------------- */

/* The schemes; see vigil/verify.hpp for each one's exact rules. */
typedef enum vigil_scheme {
  VIGIL_SCHEME_ECDSA = 0,          /* strict DER, any S; message = 32-byte digest */
  VIGIL_SCHEME_ECDSA_LOWS = 1,     /* strict DER, high S rejected */
  VIGIL_SCHEME_ECDSA_BITCOIN = 2,  /* Bitcoin consensus: lax DER, S normalized */
  VIGIL_SCHEME_SCHNORR = 3,        /* BIP340 */
  VIGIL_SCHEME_ED25519_STRICT = 4, /* libsodium's crypto_sign_verify_detached */
  VIGIL_SCHEME_ED25519 = 5         /* ZIP-215 */
} vigil_scheme;

/* Parses "ecdsa", "ecdsa-lows", "ecdsa-bitcoin", "schnorr", "ed25519-strict",
 * "ed25519" (name_len bytes). VIGIL_INVALID_ARGUMENT for anything else. */
vigil_status vigil_scheme_from_name(const char* name, size_t name_len, vigil_scheme* out);

/* A public key parsed once and reused by many checks. Plain data: copy it,
 * keep it in arrays; its bytes are opaque. */
typedef struct vigil_parsed_key {
  uint64_t opaque[9];
} vigil_parsed_key;

/* Parses `key` for `scheme`. VIGIL_OK and *out set when the scheme accepts
 * the encoding; VIGIL_INVALID_ARGUMENT when it does not. */
vigil_status vigil_parse_public_key(vigil_scheme scheme, const uint8_t* key, size_t key_len, vigil_parsed_key* out);

/* One check. A key, digest or signature of the wrong length or encoding is an
 * invalid check (verdict 0), not an error. */
typedef struct vigil_check {
  uint32_t scheme; /* a vigil_scheme */
  const uint8_t* public_key;
  size_t public_key_len;
  const uint8_t* message; /* 32-byte digest for the ecdsa schemes */
  size_t message_len;
  const uint8_t* signature;
  size_t signature_len;
  const vigil_parsed_key* parsed_key; /* optional: used instead of public_key when not NULL */
} vigil_check;

typedef struct vigil_verifier_options {
  uint32_t struct_size;    /* sizeof(vigil_verifier_options) */
  uint32_t backend;        /* a vigil_backend; default AUTO */
  int32_t gpu_device;      /* CUDA device index; -1 (default): every usable GPU */
  uint32_t cpu_threads;    /* 0 (default): all hardware threads */
  uint64_t gpu_min_checks; /* smaller batches stay on the CPU; default UINT64_MAX: measured at create */
  uint64_t gpu_max_checks; /* the most checks per GPU call */
} vigil_verifier_options;

void vigil_verifier_options_init(vigil_verifier_options* options);

typedef struct vigil_verifier vigil_verifier;

/* options may be NULL (the defaults). With BACKEND_GPU and no usable GPU:
 * VIGIL_DEVICE_ERROR or VIGIL_NOT_SUPPORTED, and *out is NULL. */
vigil_status vigil_verifier_create(const vigil_verifier_options* options, vigil_verifier** out);
void vigil_verifier_destroy(vigil_verifier* verifier);

/* verdicts[i] = 1 if checks[i] is valid, 0 if not, for i < count. The same
 * verdicts on the GPU and the CPU; a failing GPU call is redone on the CPU. */
vigil_status vigil_verify(vigil_verifier* verifier, const vigil_check* checks, size_t count, uint8_t* verdicts);

/* Writes "gpu (NVIDIA H100 ...)", "cpu", "cpu (auto: no usable GPU: ...)",
 * NUL-terminated and truncated to buffer_len bytes; returns the full length
 * (without the NUL), as snprintf does. */
size_t vigil_verifier_describe(const vigil_verifier* verifier, char* buffer, size_t buffer_len);

typedef struct vigil_verifier_stats {
  uint64_t gpu_calls;
  uint64_t gpu_checks;
  uint64_t cpu_checks;
  uint64_t gpu_fallbacks;    /* GPU calls that failed and were redone on the CPU */
  double gpu_kernel_seconds;
} vigil_verifier_stats;

void vigil_verifier_get_stats(const vigil_verifier* verifier, vigil_verifier_stats* out);

/* ---- The engine: many producers, merged batches -------------------------- */

typedef struct vigil_engine_options {
  uint32_t struct_size;           /* sizeof(vigil_engine_options) */
  vigil_verifier_options verifier; /* how batches are verified */
  uint64_t max_batch_checks;      /* a batch is sent when it holds this many checks (default 65536) */
  uint64_t flush_deadline_us;     /* ... or when its oldest submission has waited this long (default 500) */
  uint64_t max_pending_checks;    /* submit blocks while more would be queued or in flight (default 2^20) */
  /* Added after the first release (a shorter struct_size leaves the defaults).
   * The embedded vigil_verifier_options keeps its size, so options for the
   * engine's verifier that came later are here. */
  uint32_t pipeline_depth;        /* batches verified at once; 0 (default): one per GPU stream, 1 without a GPU */
  uint32_t gpu_streams;           /* CUDA streams per GPU (default 3); must be >= 1 */
  uint32_t hasher_backend;        /* a vigil_backend for hash and Merkle jobs; default AUTO */
} vigil_engine_options;

void vigil_engine_options_init(vigil_engine_options* options);

typedef struct vigil_engine vigil_engine;

/* Receives one submission's result on the engine's thread: status VIGIL_OK and
 * verdicts[i] (1 = valid) for the submission's check i, count of them; or a
 * failure status and no verdicts. The verdicts are valid during the call only.
 * It runs on the engine's delivery thread, in batch order; later batches are
 * verified meanwhile, but their results wait for it. */
typedef void (*vigil_engine_done)(void* user_data, uint64_t owner, vigil_status status, const uint8_t* verdicts,
                                  size_t count);

vigil_status vigil_engine_create(const vigil_engine_options* options, vigil_engine** out);
/* Stops accepting, verifies everything accepted, delivers every result, then
 * frees the engine. Must not be called from a vigil_engine_done callback. */
void vigil_engine_destroy(vigil_engine* engine);

/* Queues `count` checks tagged with `owner`; `done` gets the result. The
 * vigil_check array may be freed when this returns, but the bytes the checks
 * point to must stay valid until `done` has been called. Blocks while the
 * engine is full (backpressure). A failure status means `done` will not be
 * called. An empty submission's `done` runs before this returns. */
vigil_status vigil_engine_submit(vigil_engine* engine, uint64_t owner, const vigil_check* checks, size_t count,
                                 vigil_engine_done done, void* user_data);

/* Sends whatever is queued now, without waiting for the deadline. */
void vigil_engine_flush(vigil_engine* engine);

/* The engine's counters as Prometheus text (names start with "vigil_engine_"),
 * NUL-terminated and truncated to buffer_len; returns the full length. */
size_t vigil_engine_metrics(const vigil_engine* engine, char* buffer, size_t buffer_len);

/* ---- Hashing ------------------------------------------------------------ */

typedef enum vigil_hash_kind {
  VIGIL_HASH_SHA256 = 0,
  VIGIL_HASH_SHA256D = 1, /* SHA-256(SHA-256(m)): txids, block hashes */
  VIGIL_HASH_TAGGED = 2   /* BIP340: SHA-256(SHA-256(tag) || SHA-256(tag) || m) */
} vigil_hash_kind;

typedef struct vigil_hasher_options {
  uint32_t struct_size; /* sizeof(vigil_hasher_options) */
  uint32_t backend;     /* a vigil_backend; default AUTO */
  int32_t gpu_device;   /* CUDA device index; -1 (default): the first usable GPU */
  uint32_t cpu_threads;
  uint64_t gpu_min_items;
} vigil_hasher_options;

void vigil_hasher_options_init(vigil_hasher_options* options);

typedef struct vigil_hasher vigil_hasher;

vigil_status vigil_hasher_create(const vigil_hasher_options* options, vigil_hasher** out);
void vigil_hasher_destroy(vigil_hasher* hasher);

/* out + 32*i = the `kind` hash of message i (messages[i], lengths[i] bytes),
 * for i < count. tag/tag_len: the BIP340 tag for VIGIL_HASH_TAGGED, empty
 * otherwise. */
vigil_status vigil_hash(vigil_hasher* hasher, vigil_hash_kind kind, const uint8_t* const* messages,
                        const size_t* lengths, size_t count, const char* tag, size_t tag_len, uint8_t* out);

/* Bitcoin Merkle root of leaf_count 32-byte leaves (txids in internal byte
 * order): root32 gets the root (all zero for no leaves), *mutated 1 when a
 * level had two equal hashes in a pair position (CVE-2012-2459), else 0. */
vigil_status vigil_merkle_root(vigil_hasher* hasher, const uint8_t* leaves, size_t leaf_count, uint8_t* root32,
                               int* mutated);

/* ---- Hash and Merkle jobs through the engine ----------------------------- */

/* One hash job's result: hashes + 32*i is the hash of message i, count of
 * them (valid during the call only); or a failure status and no hashes. */
typedef void (*vigil_engine_hash_done)(void* user_data, uint64_t owner, vigil_status status, const uint8_t* hashes,
                                       size_t count);
/* One Merkle job's result: root32 (all zero for no leaves) and mutated (1 when
 * a level had two equal hashes in a pair position); on failure root32 is NULL. */
typedef void (*vigil_engine_merkle_done)(void* user_data, uint64_t owner, vigil_status status, const uint8_t* root32,
                                         int mutated);

/* Queues a hash job (as vigil_hash) beside the engine's checks; `done` gets
 * the result on the delivery thread, in batch order. The arrays may be freed
 * when this returns, the message bytes must stay valid until `done` runs. A
 * failure status (a NULL argument, a tag with another kind, shutdown) means
 * `done` will not be called. */
vigil_status vigil_engine_submit_hashes(vigil_engine* engine, uint64_t owner, vigil_hash_kind kind,
                                        const uint8_t* const* messages, const size_t* lengths, size_t count,
                                        const char* tag, size_t tag_len, vigil_engine_hash_done done,
                                        void* user_data);
/* Queues a Merkle job over leaf_count 32-byte leaves (copied: they may be
 * freed when this returns), as vigil_merkle_root. */
vigil_status vigil_engine_submit_merkle(vigil_engine* engine, uint64_t owner, const uint8_t* leaves, size_t leaf_count,
                                        vigil_engine_merkle_done done, void* user_data);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_VIGIL_H_ */
