/*
 * Consensus modules as plugins: a shared library that judges blocks for a
 * chain (see vigil/consensus.hpp for the five steps and docs/consensus-plugins.md).
 * The engine loads it by the path its chain configuration names
 * ("plugins": {"name": "path/to/lib.so"}) and refuses it unless it reports
 * this ABI version and the name and spec version the configuration expects.
 *
 * A plugin exports one C function, VIGIL_CONSENSUS_PLUGIN_ENTRY, returning a
 * vigil_consensus_plugin in static storage. The entry point's name and the
 * struct's first two fields never change, so that any engine can read any
 * plugin's abi_version and refuse a mismatch with a clear message.
 *
 * Ownership and lifetimes:
 *   - Everything the host passes (headers, blocks, the context and all it
 *     points to) is valid during the call only; a plugin keeps no pointer.
 *   - declare_work's checks, and the state judge returns, point into memory
 *     the plugin owns; they stay valid until the host calls free_work with
 *     the handle declare_work set. The host calls free_work exactly once
 *     after every declare_work (NULL handles included), after judge when
 *     there is one.
 *   - The steps are called from several threads at once, for different
 *     blocks: keep no mutable global state. Return normally: no longjmp, no
 *     C++ exception, no exit().
 *   - The library stays loaded while the engine can call it.
 *
 * Verdicts: the host zero-fills the vigil_plugin_verdict (invalid, no
 * reason); the plugin sets valid = 1, or leaves it 0 and writes a
 * NUL-terminated reason ("high-hash") and optionally debug text. Any value
 * of valid other than 1 is invalid.
 */
#ifndef VIGIL_CONSENSUS_PLUGIN_H_
#define VIGIL_CONSENSUS_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VIGIL_CONSENSUS_ABI_VERSION 1
#define VIGIL_CONSENSUS_PLUGIN_ENTRY "vigil_consensus_plugin_entry"

#if defined(__GNUC__)
#define VIGIL_CONSENSUS_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define VIGIL_CONSENSUS_PLUGIN_EXPORT
#endif

/* Bits of vigil_plugin_context.rules (the order of vigil::Rule). */
#define VIGIL_RULE_BIP34 (1u << 0)
#define VIGIL_RULE_BIP66 (1u << 1)
#define VIGIL_RULE_BIP65 (1u << 2)
#define VIGIL_RULE_CSV (1u << 3)
#define VIGIL_RULE_SEGWIT (1u << 4)
#define VIGIL_RULE_TAPROOT (1u << 5)

/* The block being judged and the branch it extends. */
typedef struct vigil_plugin_context {
  uint32_t struct_size;  /* sizeof(vigil_plugin_context) as the host knows it */
  uint32_t height;       /* of the block being judged */
  uint32_t module_since; /* height from which this module judges */
  uint32_t rules;        /* VIGIL_RULE_* bits active for this block */
  int32_t check_pow;     /* 0: skip the proof-of-work rules (tests of other rules) */
  const char* chain_id;  /* NUL-terminated */
  /* The state judge() returned for the parent; empty (len 0) at module_since. */
  const uint8_t* module_state;
  size_t module_state_len;
  /* The branch: headers 0 .. chain_size - 1 (chain_size = height, or 0 when
   * the step runs without one). header_at writes the 80-byte serialized
   * header at `height` and returns 1; 0 when height >= chain_size. */
  const void* chain;
  uint32_t chain_size;
  int (*header_at)(const void* chain, uint32_t height, uint8_t out[80]);
} vigil_plugin_context;

typedef struct vigil_plugin_verdict {
  int32_t valid;    /* 1: valid; anything else: invalid */
  char reason[64];  /* NUL-terminated: Bitcoin Core's style, "bad-diffbits" */
  char debug[256];  /* NUL-terminated: what exactly failed, for people */
} vigil_plugin_verdict;

/* One signature check, verified with the block's others. Not vigil.h's
 * vigil_check: this ABI is versioned apart from the C API. */
typedef struct vigil_plugin_check {
  uint32_t scheme; /* a vigil_scheme (vigil.h): 0 ecdsa ... 3 schnorr ... 5 ed25519 */
  const uint8_t* public_key;
  size_t public_key_len;
  const uint8_t* message; /* 32-byte digest for the ecdsa schemes */
  size_t message_len;
  const uint8_t* signature;
  size_t signature_len;
} vigil_plugin_check;

/* What declare_work hands back. */
typedef struct vigil_plugin_work {
  const vigil_plugin_check* checks; /* n_checks of them, plugin-owned */
  size_t n_checks;
  void* handle; /* opaque: passed to judge and free_work */
} vigil_plugin_work;

typedef struct vigil_plugin_bytes {
  const uint8_t* data; /* plugin-owned: valid until free_work */
  size_t len;
} vigil_plugin_bytes;

typedef struct vigil_consensus_plugin {
  uint32_t abi_version; /* VIGIL_CONSENSUS_ABI_VERSION */
  uint32_t struct_size; /* sizeof(vigil_consensus_plugin) */
  const char* name;     /* NUL-terminated, static: the name chains configure */
  uint32_t spec_version;
  int32_t final_when_connected; /* 1: a connected block is never reverted */

  /* 1. The header alone; `hash` is its sha256d (little-endian). */
  void (*check_header)(const uint8_t header[80], const uint8_t hash[32], const vigil_plugin_context* ctx,
                       vigil_plugin_verdict* out);
  /* 2. The header against its branch (ctx->header_at). */
  void (*check_header_context)(const uint8_t header[80], const vigil_plugin_context* ctx,
                               vigil_plugin_verdict* out);
  /* 3. The serialized block's signature checks, into *work (zeroed by the
   *    host); invalid when the block lacks what the module needs. */
  void (*declare_work)(const uint8_t* block, size_t block_len, const vigil_plugin_context* ctx,
                       vigil_plugin_work* work, vigil_plugin_verdict* out);
  /* 4. The verdict given verdicts[i] (1 = valid) for work's check i; when
   *    valid, the module's state after this block in *state_after (zeroed
   *    by the host; may stay empty). */
  void (*judge)(const uint8_t* block, size_t block_len, const vigil_plugin_context* ctx, void* handle,
                const uint8_t* verdicts, size_t n_verdicts, vigil_plugin_bytes* state_after,
                vigil_plugin_verdict* out);
  /* Releases what declare_work allocated; accepts NULL. */
  void (*free_work)(void* handle);
  /* 5. The work this block adds to its branch: 32 bytes, little-endian. */
  void (*block_work)(const uint8_t header[80], const vigil_plugin_context* ctx, uint8_t out[32]);
} vigil_consensus_plugin;

/* The one exported function (named by VIGIL_CONSENSUS_PLUGIN_ENTRY). */
typedef const vigil_consensus_plugin* (*vigil_consensus_plugin_entry_fn)(void);
VIGIL_CONSENSUS_PLUGIN_EXPORT const vigil_consensus_plugin* vigil_consensus_plugin_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_CONSENSUS_PLUGIN_H_ */
