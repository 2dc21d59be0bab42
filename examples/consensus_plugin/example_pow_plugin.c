/*
 * An example consensus plugin (vigil/consensus_plugin.h): "examplepow" v1,
 * a fixed-difficulty proof of work.
 *
 *   check_header          nBits must be 0x207fffff ("bad-diffbits") and the
 *                         header's hash at or below its target ("high-hash")
 *   check_header_context  time above the median of the last 11 blocks
 *                         ("time-too-old"), read through the ancestor callback
 *   declare_work          no signature checks
 *   judge                 valid; the state is the number of blocks this
 *                         module has judged (4 bytes, little-endian)
 *   block_work            1 per block; blocks are never final
 *
 * Build:  cc -std=c99 -O2 -shared -fPIC -fvisibility=hidden -I<vigil>/include \
 *            example_pow_plugin.c -o libexamplepow.so
 *
 * EXAMPLE_NAME, EXAMPLE_SPEC_VERSION and EXAMPLE_ABI_VERSION may be defined
 * to build the mismatched libraries the engine's tests refuse, and
 * EXAMPLE_HOSTILE to build one that hands back what the engine must not
 * trust (unterminated strings, lengths past its memory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/consensus_plugin.h"

#ifndef EXAMPLE_NAME
#define EXAMPLE_NAME "examplepow"
#endif
#ifndef EXAMPLE_SPEC_VERSION
#define EXAMPLE_SPEC_VERSION 1
#endif
#ifndef EXAMPLE_ABI_VERSION
#define EXAMPLE_ABI_VERSION VIGIL_CONSENSUS_ABI_VERSION
#endif

#define REQUIRED_BITS 0x207fffffu
#define MEDIAN_SPAN 11

static uint32_t read32(const uint8_t* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void invalid(vigil_plugin_verdict* out, const char* reason, const char* debug) {
  out->valid = 0;
  snprintf(out->reason, sizeof out->reason, "%s", reason);
  snprintf(out->debug, sizeof out->debug, "%s", debug);
}

/* The target of compact `bits` as 32 little-endian bytes; 0 when it is
 * negative or does not fit. */
static int target_from_bits(uint32_t bits, uint8_t target[32]) {
  uint32_t exponent = bits >> 24, mantissa = bits & 0x007fffffu, i;
  memset(target, 0, 32);
  if (bits & 0x00800000u) return 0;
  for (i = 0; i < 3; ++i) {
    uint8_t byte = (uint8_t)(mantissa >> (8 * i));
    long at = (long)exponent - 3 + (long)i; /* byte i of the mantissa lands at 256^(exponent-3+i) */
    if (at >= 32) {
      if (byte != 0) return 0;
    } else if (at >= 0) {
      target[at] = byte;
    }
  }
  return 1;
}

static void check_header(const uint8_t header[80], const uint8_t hash[32], const vigil_plugin_context* ctx,
                         vigil_plugin_verdict* out) {
  uint8_t target[32];
  int i;
  if (!ctx->check_pow) {
    out->valid = 1;
    return;
  }
  if (read32(header + 72) != REQUIRED_BITS || !target_from_bits(REQUIRED_BITS, target)) {
    invalid(out, "bad-diffbits", "examplepow requires nBits 0x207fffff");
    return;
  }
  for (i = 31; i >= 0; --i) { /* compare as little-endian numbers, most significant byte first */
    if (hash[i] != target[i]) {
      if (hash[i] > target[i]) {
        invalid(out, "high-hash", "proof of work failed");
        return;
      }
      break;
    }
  }
  out->valid = 1;
}

static int compare_u32(const void* a, const void* b) {
  uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return (x > y) - (x < y);
}

static void check_header_context(const uint8_t header[80], const vigil_plugin_context* ctx,
                                 vigil_plugin_verdict* out) {
  uint32_t times[MEDIAN_SPAN], n = 0, h, median;
  uint8_t ancestor[80];
  char debug[96];
#ifdef EXAMPLE_HOSTILE
  memset(out->reason, 'x', sizeof out->reason);
  memset(out->debug, 'y', sizeof out->debug);
  out->valid = 2;
  return;
#endif
  /* BIP113: the median of the times of the (up to) 11 blocks before this one. */
  for (h = ctx->chain_size; h > 0 && n < MEDIAN_SPAN; --h) {
    if (!ctx->header_at(ctx->chain, h - 1, ancestor)) {
      invalid(out, "plugin-no-history", "the host did not supply an ancestor");
      return;
    }
    times[n++] = read32(ancestor + 68);
  }
  if (n > 0) {
    qsort(times, n, sizeof times[0], compare_u32);
    median = times[n / 2];
    if (read32(header + 68) <= median) {
      snprintf(debug, sizeof debug, "block's timestamp %lu is not above the median time past %lu",
               (unsigned long)read32(header + 68), (unsigned long)median);
      invalid(out, "time-too-old", debug);
      return;
    }
  }
  out->valid = 1;
}

/* The work handle: the state judge will return, owned until free_work. */
typedef struct example_work {
  uint8_t state[4];
} example_work;

static void declare_work(const uint8_t* block, size_t block_len, const vigil_plugin_context* ctx,
                         vigil_plugin_work* work, vigil_plugin_verdict* out) {
  example_work* w;
  (void)block;
  (void)ctx;
  if (block_len < 80) {
    invalid(out, "bad-blk-length", "shorter than a header");
    return;
  }
  w = (example_work*)calloc(1, sizeof *w);
  if (w == NULL) {
    invalid(out, "plugin-out-of-memory", "");
    return;
  }
  work->checks = NULL;
  work->n_checks = 0;
  work->handle = w;
#ifdef EXAMPLE_HOSTILE
  if (block_len == 81) { /* one check whose message runs far past any memory */
    static const vigil_plugin_check kHuge = {3, NULL, 0, NULL, (size_t)1 << 40, NULL, 0};
    work->checks = &kHuge;
    work->n_checks = 1;
  }
#endif
  out->valid = 1;
}

static void judge(const uint8_t* block, size_t block_len, const vigil_plugin_context* ctx, void* handle,
                  const uint8_t* verdicts, size_t n_verdicts, vigil_plugin_bytes* state_after,
                  vigil_plugin_verdict* out) {
  example_work* w = (example_work*)handle;
  uint32_t count = 0;
  (void)block;
  (void)block_len;
  (void)verdicts;
  if (w == NULL || n_verdicts != 0) {
    invalid(out, "plugin-bad-work", "judge without this plugin's work");
    return;
  }
  if (ctx->module_state_len == 4) {
    count = read32(ctx->module_state);
  } else if (ctx->module_state_len != 0) {
    invalid(out, "bad-module-state", "examplepow's state is 4 bytes");
    return;
  }
  ++count;
  w->state[0] = (uint8_t)count;
  w->state[1] = (uint8_t)(count >> 8);
  w->state[2] = (uint8_t)(count >> 16);
  w->state[3] = (uint8_t)(count >> 24);
  state_after->data = w->state;
  state_after->len = sizeof w->state;
#ifdef EXAMPLE_HOSTILE
  state_after->len = (size_t)-1;
#endif
  out->valid = 1;
}

static void free_work(void* handle) { free(handle); }

static void block_work(const uint8_t header[80], const vigil_plugin_context* ctx, uint8_t out[32]) {
  (void)header;
  (void)ctx;
  memset(out, 0, 32);
  out[0] = 1;
}

static const vigil_consensus_plugin kPlugin = {
    EXAMPLE_ABI_VERSION,  sizeof(vigil_consensus_plugin), EXAMPLE_NAME, EXAMPLE_SPEC_VERSION,
    0 /* not final */,    check_header,                   check_header_context, declare_work,
    judge,                free_work,                      block_work,
};

VIGIL_CONSENSUS_PLUGIN_EXPORT const vigil_consensus_plugin* vigil_consensus_plugin_entry(void) { return &kPlugin; }
