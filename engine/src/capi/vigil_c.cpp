// The C API (vigil/vigil.h) over vigil::Verifier and vigil::Hasher: argument
// checks, conversions, and a catch-all at every entry point so that no C++
// exception crosses into C.
#include "vigil/vigil.h"

#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "vigil/engine.hpp"
#include "vigil/hasher.hpp"
#include "vigil/verifier.hpp"
#include "vigil/version.hpp"

struct vigil_verifier {
  std::unique_ptr<vigil::Verifier> impl;
  std::vector<vigil::Check> checks;  // conversion workspace, kept between calls
  std::mutex mu;                     // guards `checks`; the Verifier serializes itself
};

struct vigil_engine {
  std::unique_ptr<vigil::Engine> impl;
};

struct vigil_hasher {
  std::unique_ptr<vigil::Hasher> impl;
};

namespace {

static_assert(sizeof(vigil_parsed_key) == sizeof(vigil::ParsedPublicKey), "vigil_parsed_key mirrors ParsedPublicKey");
static_assert(alignof(vigil_parsed_key) >= alignof(vigil::ParsedPublicKey));
static_assert(static_cast<int>(vigil::Scheme::kEd25519) == VIGIL_SCHEME_ED25519);
static_assert(static_cast<int>(vigil::Scheme::kEd25519Strict) == VIGIL_SCHEME_ED25519_STRICT);
static_assert(static_cast<int>(vigil::Status::Code::kInternal) == VIGIL_INTERNAL);
static_assert(static_cast<int>(vigil::Status::Code::kNotFound) == VIGIL_NOT_FOUND);
static_assert(static_cast<int>(vigil::Status::Code::kFailedPrecondition) == VIGIL_FAILED_PRECONDITION);

thread_local std::string last_error;

vigil_status fail(vigil_status code, std::string message) {
  last_error = std::move(message);
  return code;
}

vigil_status from_status(const vigil::Status& s) {
  if (s.ok()) return VIGIL_OK;
  return fail(static_cast<vigil_status>(static_cast<int>(s.code())), s.message());
}

// Runs `body` (returning vigil_status), turning any exception into a status.
template <class Body>
vigil_status guarded(const Body& body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(VIGIL_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return fail(VIGIL_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(VIGIL_INTERNAL, "internal error: unknown exception");
  }
}

bool backend_of(uint32_t value, vigil::Backend* out) {
  switch (value) {
    case VIGIL_BACKEND_AUTO: *out = vigil::Backend::kAuto; return true;
    case VIGIL_BACKEND_CPU: *out = vigil::Backend::kCpu; return true;
    case VIGIL_BACKEND_GPU: *out = vigil::Backend::kGpu; return true;
  }
  return false;
}

bool scheme_of(uint32_t value, vigil::Scheme* out) {
  for (vigil::Scheme s : vigil::kAllSchemes) {
    if (static_cast<uint32_t>(s) == value) {
      *out = s;
      return true;
    }
  }
  return false;
}

// A (pointer, length) pair as a view; false for a NULL pointer with a length.
bool view_of(const uint8_t* p, size_t len, vigil::ByteView* out) {
  if (!p && len) return false;
  *out = len ? vigil::ByteView(p, len) : vigil::ByteView();
  return true;
}

// Writes `text` to buffer as snprintf would (truncated, NUL-terminated);
// returns its full length.
size_t copy_out(const std::string& text, char* buffer, size_t buffer_len) {
  if (buffer && buffer_len) {
    const size_t n = text.size() < buffer_len - 1 ? text.size() : buffer_len - 1;
    std::memcpy(buffer, text.data(), n);
    buffer[n] = '\0';
  }
  return text.size();
}

// Converts a caller's checks; false (and last_error set) for a malformed one.
bool convert_checks(const vigil_check* checks, size_t count, std::vector<vigil::Check>* out, vigil_status* error) {
  out->resize(count);
  for (size_t i = 0; i < count; ++i) {
    const vigil_check& c = checks[i];
    vigil::Check& d = (*out)[i];
    if (!scheme_of(c.scheme, &d.scheme)) {
      *error = fail(VIGIL_INVALID_ARGUMENT, "check " + std::to_string(i) + " has an unknown scheme");
      return false;
    }
    if (!view_of(c.public_key, c.public_key_len, &d.public_key) || !view_of(c.message, c.message_len, &d.message) ||
        !view_of(c.signature, c.signature_len, &d.signature)) {
      *error = fail(VIGIL_INVALID_ARGUMENT, "check " + std::to_string(i) + " has a NULL field with a length");
      return false;
    }
    d.parsed_key = reinterpret_cast<const vigil::ParsedPublicKey*>(c.parsed_key);
  }
  return true;
}

// Copies the fields of a caller's options struct that its struct_size covers
// over the defaults: a caller built against an older, shorter struct works.
template <class Options>
bool read_options(const Options* in, Options* out) {
  if (!in) return true;
  if (in->struct_size < sizeof(uint32_t) || in->struct_size > sizeof(Options)) return false;
  std::memcpy(out, in, in->struct_size);
  out->struct_size = sizeof(Options);
  return true;
}

// The C++ verifier options of a caller's C struct (already read through
// read_options); false (and last_error set) for a value out of range.
bool verifier_options_of(const vigil_verifier_options& o, vigil::VerifierOptions* out, vigil_status* error) {
  if (!backend_of(o.backend, &out->backend)) {
    *error = fail(VIGIL_INVALID_ARGUMENT, "bad backend " + std::to_string(o.backend));
    return false;
  }
  if (o.gpu_device < -1) {
    *error = fail(VIGIL_INVALID_ARGUMENT, "gpu_device below -1");
    return false;
  }
  out->gpu_device = o.gpu_device;
  out->cpu_threads = o.cpu_threads;
  out->gpu_min_checks = o.gpu_min_checks;
  out->gpu_max_checks = o.gpu_max_checks;
  return true;
}

// A C enum argument's value as the caller passed it: C callers may pass any
// int, and in C++ reading an enum outside its enumerators' range is
// undefined, so the bytes are read instead.
template <class E>
uint32_t raw(const E& e) {
  static_assert(sizeof(E) == sizeof(uint32_t));
  uint32_t v;
  std::memcpy(&v, &e, sizeof v);
  return v;
}

// A result's status for a C callback.
vigil_status c_status(const vigil::Status& s) {
  return s.ok() ? VIGIL_OK : static_cast<vigil_status>(static_cast<int>(s.code()));
}

// A C hash job's kind and messages; false (and last_error set) for an
// unknown kind or a NULL message with a length.
bool hash_job_of(const char* what, uint32_t kind, const uint8_t* const* messages, const size_t* lengths,
                 size_t count, vigil::HashKind* k, std::vector<vigil::ByteView>* views, vigil_status* error) {
  switch (kind) {
    case VIGIL_HASH_SHA256: *k = vigil::HashKind::kSha256; break;
    case VIGIL_HASH_SHA256D: *k = vigil::HashKind::kSha256d; break;
    case VIGIL_HASH_TAGGED: *k = vigil::HashKind::kTagged; break;
    default: *error = fail(VIGIL_INVALID_ARGUMENT, std::string(what) + ": unknown hash kind"); return false;
  }
  views->resize(count);
  for (size_t i = 0; i < count; ++i) {
    if (!view_of(messages[i], lengths[i], &(*views)[i])) {
      *error = fail(VIGIL_INVALID_ARGUMENT, std::string(what) + ": message " + std::to_string(i) + " is NULL with a length");
      return false;
    }
  }
  return true;
}

std::vector<vigil::Hash256> leaves_of(const uint8_t* leaves, size_t count) {
  std::vector<vigil::Hash256> out(count);
  for (size_t i = 0; i < count; ++i) std::memcpy(out[i].bytes.data(), leaves + 32 * i, 32);
  return out;
}

}  // namespace

extern "C" {

uint32_t vigil_abi_version(void) { return VIGIL_ABI_VERSION; }

const char* vigil_version_string(void) { return VIGIL_VERSION_STRING; }

const char* vigil_status_name(vigil_status status) {
  switch (raw(status)) {
    case VIGIL_OK: return "ok";
    case VIGIL_INVALID_ARGUMENT: return "invalid argument";
    case VIGIL_NOT_SUPPORTED: return "not supported";
    case VIGIL_IO_ERROR: return "I/O error";
    case VIGIL_CORRUPTION: return "corruption";
    case VIGIL_DEVICE_ERROR: return "device error";
    case VIGIL_INTERNAL: return "internal error";
    case VIGIL_NOT_FOUND: return "not found";
    case VIGIL_FAILED_PRECONDITION: return "failed precondition";
    case VIGIL_OUT_OF_MEMORY: return "out of memory";
  }
  return "unknown status";
}

const char* vigil_last_error(void) { return last_error.c_str(); }

vigil_status vigil_scheme_from_name(const char* name, size_t name_len, vigil_scheme* out) {
  return guarded([&] {
    if (!out || (!name && name_len)) return fail(VIGIL_INVALID_ARGUMENT, "vigil_scheme_from_name: NULL argument");
    auto s = vigil::scheme_from_name(std::string_view(name ? name : "", name_len));
    if (!s) return fail(VIGIL_INVALID_ARGUMENT, "unknown scheme '" + std::string(name ? name : "", name_len) + "'");
    *out = static_cast<vigil_scheme>(*s);
    return VIGIL_OK;
  });
}

vigil_status vigil_parse_public_key(vigil_scheme scheme, const uint8_t* key, size_t key_len, vigil_parsed_key* out) {
  return guarded([&] {
    vigil::Scheme s;
    vigil::ByteView k;
    if (!out || !view_of(key, key_len, &k)) return fail(VIGIL_INVALID_ARGUMENT, "vigil_parse_public_key: NULL argument");
    if (!scheme_of(raw(scheme), &s)) return fail(VIGIL_INVALID_ARGUMENT, "vigil_parse_public_key: unknown scheme");
    vigil::ParsedPublicKey parsed;
    const bool ok = vigil::parse_public_key(s, k, &parsed);
    std::memcpy(out, &parsed, sizeof parsed);
    return ok ? VIGIL_OK : fail(VIGIL_INVALID_ARGUMENT, "the scheme rejects this public key");
  });
}

void vigil_verifier_options_init(vigil_verifier_options* options) {
  if (!options) return;
  const vigil::VerifierOptions d;
  *options = vigil_verifier_options{sizeof(vigil_verifier_options), VIGIL_BACKEND_AUTO, d.gpu_device, d.cpu_threads,
                                    d.gpu_min_checks, d.gpu_max_checks};
}

vigil_status vigil_verifier_create(const vigil_verifier_options* options, vigil_verifier** out) {
  return guarded([&] {
    if (!out) return fail(VIGIL_INVALID_ARGUMENT, "vigil_verifier_create: NULL out");
    *out = nullptr;
    vigil_verifier_options o;
    vigil_verifier_options_init(&o);
    if (!read_options(options, &o)) return fail(VIGIL_INVALID_ARGUMENT, "vigil_verifier_create: bad struct_size");
    vigil::VerifierOptions vo;
    vigil_status error = VIGIL_OK;
    if (!verifier_options_of(o, &vo, &error)) return error;
    auto v = std::make_unique<vigil_verifier>();
    if (vigil_status s = from_status(vigil::Verifier::Create(vo, &v->impl)); s != VIGIL_OK) return s;
    *out = v.release();
    return VIGIL_OK;
  });
}

void vigil_verifier_destroy(vigil_verifier* verifier) { delete verifier; }

vigil_status vigil_verify(vigil_verifier* verifier, const vigil_check* checks, size_t count, uint8_t* verdicts) {
  return guarded([&] {
    if (!verifier || (count && (!checks || !verdicts)))
      return fail(VIGIL_INVALID_ARGUMENT, "vigil_verify: NULL argument");
    std::lock_guard lock(verifier->mu);
    std::vector<vigil::Check>& out = verifier->checks;
    vigil_status error = VIGIL_OK;
    if (!convert_checks(checks, count, &out, &error)) return error;
    return from_status(verifier->impl->verify(out, std::span<uint8_t>(verdicts, count)));
  });
}

size_t vigil_verifier_describe(const vigil_verifier* verifier, char* buffer, size_t buffer_len) {
  try {
    return copy_out(verifier ? verifier->impl->description() : std::string("(null verifier)"), buffer, buffer_len);
  } catch (...) {
    return copy_out("", buffer, buffer_len);
  }
}

void vigil_verifier_get_stats(const vigil_verifier* verifier, vigil_verifier_stats* out) {
  if (!out) return;
  *out = vigil_verifier_stats{};
  if (!verifier) return;
  try {
    const vigil::VerifierStats s = verifier->impl->stats();
    *out = vigil_verifier_stats{s.gpu_calls, s.gpu_checks, s.cpu_checks, s.gpu_fallbacks, s.gpu_kernel_seconds};
  } catch (...) {
  }
}

void vigil_engine_options_init(vigil_engine_options* options) {
  if (!options) return;
  const vigil::EngineOptions d;
  vigil_engine_options o{};
  o.struct_size = sizeof o;
  vigil_verifier_options_init(&o.verifier);
  o.max_batch_checks = d.max_batch_checks;
  o.flush_deadline_us = static_cast<uint64_t>(d.flush_deadline.count());
  o.max_pending_checks = d.max_pending_checks;
  o.pipeline_depth = d.pipeline_depth;
  o.gpu_streams = d.verifier.gpu_streams;
  o.hasher_backend = VIGIL_BACKEND_AUTO;
  *options = o;
}

vigil_status vigil_engine_create(const vigil_engine_options* options, vigil_engine** out) {
  return guarded([&] {
    if (!out) return fail(VIGIL_INVALID_ARGUMENT, "vigil_engine_create: NULL out");
    *out = nullptr;
    vigil_engine_options o;
    vigil_engine_options_init(&o);
    if (!read_options(options, &o)) return fail(VIGIL_INVALID_ARGUMENT, "vigil_engine_create: bad struct_size");
    vigil::EngineOptions eo;
    vigil_verifier_options vo;
    vigil_verifier_options_init(&vo);
    if (!read_options(&o.verifier, &vo)) return fail(VIGIL_INVALID_ARGUMENT, "vigil_engine_create: bad verifier.struct_size");
    vigil_status error = VIGIL_OK;
    if (!verifier_options_of(vo, &eo.verifier, &error)) return error;
    if (o.flush_deadline_us > uint64_t{1} << 40) return fail(VIGIL_INVALID_ARGUMENT, "vigil_engine_create: deadline too long");
    eo.max_batch_checks = o.max_batch_checks;
    eo.flush_deadline = std::chrono::microseconds(static_cast<int64_t>(o.flush_deadline_us));
    eo.max_pending_checks = o.max_pending_checks;
    eo.pipeline_depth = o.pipeline_depth;
    eo.verifier.gpu_streams = o.gpu_streams;
    if (!backend_of(o.hasher_backend, &eo.hasher.backend))
      return fail(VIGIL_INVALID_ARGUMENT, "vigil_engine_create: bad hasher_backend " + std::to_string(o.hasher_backend));
    auto e = std::make_unique<vigil_engine>();
    if (vigil_status s = from_status(vigil::Engine::Create(eo, &e->impl)); s != VIGIL_OK) return s;
    *out = e.release();
    return VIGIL_OK;
  });
}

void vigil_engine_destroy(vigil_engine* engine) {
  try {
    delete engine;
  } catch (...) {
  }
}

vigil_status vigil_engine_submit(vigil_engine* engine, uint64_t owner, const vigil_check* checks, size_t count,
                                 vigil_engine_done done, void* user_data) {
  return guarded([&] {
    if (!engine || !done || (count && !checks)) return fail(VIGIL_INVALID_ARGUMENT, "vigil_engine_submit: NULL argument");
    std::vector<vigil::Check> converted;
    vigil_status error = VIGIL_OK;
    if (!convert_checks(checks, count, &converted, &error)) return error;
    return from_status(engine->impl->submit(owner, std::move(converted), [done, user_data](vigil::VerifyResult r) {
      done(user_data, r.owner, c_status(r.status), r.verdicts.data(), r.verdicts.size());
    }));
  });
}

vigil_status vigil_engine_submit_hashes(vigil_engine* engine, uint64_t owner, vigil_hash_kind kind,
                                        const uint8_t* const* messages, const size_t* lengths, size_t count,
                                        const char* tag, size_t tag_len, vigil_engine_hash_done done,
                                        void* user_data) {
  return guarded([&] {
    if (!engine || !done || (count && (!messages || !lengths)) || (!tag && tag_len))
      return fail(VIGIL_INVALID_ARGUMENT, "vigil_engine_submit_hashes: NULL argument");
    vigil::HashKind k;
    std::vector<vigil::ByteView> views;
    vigil_status error = VIGIL_OK;
    if (!hash_job_of("vigil_engine_submit_hashes", raw(kind), messages, lengths, count, &k, &views, &error)) return error;
    return from_status(engine->impl->submit_hashes(
        owner, k, std::move(views),
        [done, user_data](vigil::HashResult r) {
          std::vector<uint8_t> flat(32 * r.hashes.size());
          for (size_t i = 0; i < r.hashes.size(); ++i) std::memcpy(flat.data() + 32 * i, r.hashes[i].bytes.data(), 32);
          done(user_data, r.owner, c_status(r.status), r.status.ok() ? flat.data() : nullptr, r.hashes.size());
        },
        std::string(tag ? tag : "", tag_len)));
  });
}

vigil_status vigil_engine_submit_merkle(vigil_engine* engine, uint64_t owner, const uint8_t* leaves, size_t leaf_count,
                                        vigil_engine_merkle_done done, void* user_data) {
  return guarded([&] {
    if (!engine || !done || (leaf_count && !leaves))
      return fail(VIGIL_INVALID_ARGUMENT, "vigil_engine_submit_merkle: NULL argument");
    if (leaf_count > UINT32_MAX) return fail(VIGIL_INVALID_ARGUMENT, "vigil_engine_submit_merkle: 2^32 leaves or more");
    return from_status(engine->impl->submit_merkle(owner, leaves_of(leaves, leaf_count), [done, user_data](vigil::HashResult r) {
      done(user_data, r.owner, c_status(r.status), r.status.ok() ? r.merkle.root.bytes.data() : nullptr,
           r.merkle.mutated ? 1 : 0);
    }));
  });
}

void vigil_engine_flush(vigil_engine* engine) {
  if (!engine) return;
  try {
    engine->impl->flush();
  } catch (...) {
  }
}

size_t vigil_engine_metrics(const vigil_engine* engine, char* buffer, size_t buffer_len) {
  try {
    return copy_out(engine ? vigil::prometheus_text(engine->impl->stats()) : std::string(), buffer, buffer_len);
  } catch (...) {
    return copy_out("", buffer, buffer_len);
  }
}

void vigil_hasher_options_init(vigil_hasher_options* options) {
  if (!options) return;
  const vigil::HasherOptions d;
  *options = vigil_hasher_options{sizeof(vigil_hasher_options), VIGIL_BACKEND_AUTO, d.gpu_device, d.cpu_threads,
                                  d.gpu_min_items};
}

vigil_status vigil_hasher_create(const vigil_hasher_options* options, vigil_hasher** out) {
  return guarded([&] {
    if (!out) return fail(VIGIL_INVALID_ARGUMENT, "vigil_hasher_create: NULL out");
    *out = nullptr;
    vigil_hasher_options o;
    vigil_hasher_options_init(&o);
    if (!read_options(options, &o)) return fail(VIGIL_INVALID_ARGUMENT, "vigil_hasher_create: bad struct_size");
    vigil::HasherOptions ho;
    if (!backend_of(o.backend, &ho.backend)) return fail(VIGIL_INVALID_ARGUMENT, "vigil_hasher_create: bad backend");
    if (o.gpu_device < -1) return fail(VIGIL_INVALID_ARGUMENT, "vigil_hasher_create: gpu_device below -1");
    ho.gpu_device = o.gpu_device;
    ho.cpu_threads = o.cpu_threads;
    ho.gpu_min_items = o.gpu_min_items;
    auto h = std::make_unique<vigil_hasher>();
    if (vigil_status s = from_status(vigil::Hasher::Create(ho, &h->impl)); s != VIGIL_OK) return s;
    *out = h.release();
    return VIGIL_OK;
  });
}

void vigil_hasher_destroy(vigil_hasher* hasher) { delete hasher; }

vigil_status vigil_hash(vigil_hasher* hasher, vigil_hash_kind kind, const uint8_t* const* messages,
                        const size_t* lengths, size_t count, const char* tag, size_t tag_len, uint8_t* out) {
  return guarded([&] {
    if (!hasher || (count && (!messages || !lengths || !out)) || (!tag && tag_len))
      return fail(VIGIL_INVALID_ARGUMENT, "vigil_hash: NULL argument");
    vigil::HashKind k;
    std::vector<vigil::ByteView> views;
    vigil_status error = VIGIL_OK;
    if (!hash_job_of("vigil_hash", raw(kind), messages, lengths, count, &k, &views, &error)) return error;
    std::vector<vigil::Hash256> hashes(count);
    if (vigil_status s = from_status(hasher->impl->hash(k, views, hashes, std::string_view(tag ? tag : "", tag_len)));
        s != VIGIL_OK)
      return s;
    for (size_t i = 0; i < count; ++i) std::memcpy(out + 32 * i, hashes[i].bytes.data(), 32);
    return VIGIL_OK;
  });
}

vigil_status vigil_merkle_root(vigil_hasher* hasher, const uint8_t* leaves, size_t leaf_count, uint8_t* root32,
                               int* mutated) {
  return guarded([&] {
    if (!hasher || !root32 || !mutated || (leaf_count && !leaves))
      return fail(VIGIL_INVALID_ARGUMENT, "vigil_merkle_root: NULL argument");
    if (leaf_count > UINT32_MAX) return fail(VIGIL_INVALID_ARGUMENT, "vigil_merkle_root: more than 2^32 - 1 leaves");
    const std::vector<vigil::Hash256> in = leaves_of(leaves, leaf_count);
    const uint32_t sizes[1] = {static_cast<uint32_t>(leaf_count)};
    vigil::MerkleResult r;
    if (vigil_status s = from_status(hasher->impl->merkle_roots(in, sizes, std::span<vigil::MerkleResult>(&r, 1)));
        s != VIGIL_OK)
      return s;
    std::memcpy(root32, r.root.bytes.data(), 32);
    *mutated = r.mutated ? 1 : 0;
    return VIGIL_OK;
  });
}

}  // extern "C"
