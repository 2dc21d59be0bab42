// vigil script assets: Bitcoin Core's script_assets_test.json format, checked
// as Core's AssetTest (src/test/script_assets_tests.cpp) checks it.
//
// The file is a JSON array of objects {tx, prevouts, index, flags, comment,
// final?, success?, failure?}: `tx` the spending transaction (hex, its
// scriptSigs and witnesses as they are except input `index`'s), `prevouts`
// every input's spent output (hex of a serialized CTxOut: 8-byte amount,
// compact-size script length, script), `flags` Core's flag names comma
// separated, `success` and `failure` each {scriptSig: hex, witness: [hex]}
// for input `index`. As AssetTest: `success` must verify under every flag set
// of ALL_CONSENSUS_FLAGS (the combinations of P2SH, DERSIG, NULLDUMMY,
// CHECKLOCKTIMEVERIFY, CHECKSEQUENCEVERIFY, WITNESS and TAPROOT where WITNESS
// has P2SH and TAPROOT has WITNESS) that is a subset of `flags` (every one
// when `final`), `failure` must fail under every one that is a superset of
// `flags` (none, so nothing is checked, when `flags` has a non-consensus
// flag). A trailing comma after the last object is accepted: Core's own file
// has one.
#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "file_io.hpp"
#include "vigil/script.hpp"
#include "vigil/transaction.hpp"
#include "vigil/tx_builder.hpp"

namespace vigil::cli {
namespace {

using nlohmann::json;
namespace vs = vigil::script;

constexpr const char* kCmd = "script assets";

int error(const std::string& what) {
  std::fprintf(stderr, "vigil %s: %s\n", kCmd, what.c_str());
  return 2;
}

// Core's AllConsensusFlags(), in its order.
std::vector<uint32_t> all_consensus_flags() {
  std::vector<uint32_t> out;
  for (unsigned i = 0; i < 128; ++i) {
    uint32_t f = 0;
    if (i & 1) f |= vs::kVerifyP2SH;
    if (i & 2) f |= vs::kVerifyDerSig;
    if (i & 4) f |= vs::kVerifyNullDummy;
    if (i & 8) f |= vs::kVerifyCheckLockTimeVerify;
    if (i & 16) f |= vs::kVerifyCheckSequenceVerify;
    if (i & 32) f |= vs::kVerifyWitness;
    if (i & 64) f |= vs::kVerifyTaproot;
    if ((f & vs::kVerifyWitness) && !(f & vs::kVerifyP2SH)) continue;
    if ((f & vs::kVerifyTaproot) && !(f & vs::kVerifyWitness)) continue;
    out.push_back(f);
  }
  return out;
}

struct Spend {
  Bytes script_sig;
  std::vector<Bytes> witness;
};

struct Entry {
  OwnedTx tx;
  std::vector<OwnedOut> prevouts;
  size_t index = 0;
  uint32_t flags = 0;
  std::string flags_text;
  std::string comment;
  bool final = false;
  std::optional<Spend> success, failure;
};

// A serialized CTxOut occupying all of `b`.
bool parse_txout(const Bytes& b, OwnedOut* out) {
  if (b.size() < 9) return false;
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= uint64_t{b[i]} << (8 * i);
  size_t pos = 8;
  uint64_t len = b[pos++];
  size_t extra = len == 253 ? 2 : len == 254 ? 4 : len == 255 ? 8 : 0;
  if (extra) {
    if (b.size() - pos < extra) return false;
    len = 0;
    for (size_t i = 0; i < extra; ++i) len |= uint64_t{b[pos + i]} << (8 * i);
    pos += extra;
  }
  if (len != b.size() - pos) return false;
  out->value = static_cast<int64_t>(value);
  out->script.assign(b.begin() + static_cast<std::ptrdiff_t>(pos), b.end());
  return true;
}

bool hex_field(const json& v, Bytes* out) { return v.is_string() && from_hex(v.get_ref<const std::string&>(), *out); }

// Reads entry `obj`; on failure returns why (without the entry's number).
std::string read_spend(const json& obj, const char* half, Spend* out) {
  const std::string h(half);
  if (!obj.is_object()) return "\"" + h + "\" is not an object";
  const auto sig = obj.find("scriptSig");
  if (sig == obj.end()) return "\"" + h + "\" has no \"scriptSig\"";
  if (!hex_field(*sig, &out->script_sig)) return h + ".scriptSig is not a hex string";
  const auto wit = obj.find("witness");
  if (wit == obj.end()) return "\"" + h + "\" has no \"witness\"";
  if (!wit->is_array()) return h + ".witness is not an array";
  for (size_t i = 0; i < wit->size(); ++i) {
    Bytes item;
    if (!hex_field((*wit)[i], &item)) return h + ".witness[" + std::to_string(i) + "] is not a hex string";
    out->witness.push_back(std::move(item));
  }
  return "";
}

std::string read_entry(const json& obj, Entry* e) {
  if (!obj.is_object()) return "not an object";
  for (const char* key : {"tx", "prevouts", "index", "flags"})
    if (!obj.contains(key)) return std::string("missing field \"") + key + "\"";

  Bytes tx_bytes;
  if (!hex_field(obj["tx"], &tx_bytes)) return "\"tx\" is not a hex string";
  Transaction tx;
  if (Status s = parse_transaction(tx_bytes, &tx); !s.ok()) return "\"tx\" is not a transaction: " + s.message();
  e->tx = own(tx);
  for (OwnedIn& in : e->tx.inputs) in.witness.clear();  // as Core, which reads it without witnesses

  const json& prevouts = obj["prevouts"];
  if (!prevouts.is_array()) return "\"prevouts\" is not an array";
  for (size_t i = 0; i < prevouts.size(); ++i) {
    Bytes b;
    OwnedOut out;
    if (!hex_field(prevouts[i], &b)) return "prevouts[" + std::to_string(i) + "] is not a hex string";
    if (!parse_txout(b, &out)) return "prevouts[" + std::to_string(i) + "] is not a serialized output";
    e->prevouts.push_back(std::move(out));
  }
  if (e->prevouts.size() != e->tx.inputs.size())
    return std::to_string(e->prevouts.size()) + " prevouts for " + std::to_string(e->tx.inputs.size()) + " inputs";

  const json& index = obj["index"];
  if (!index.is_number_integer()) return "\"index\" is not an integer";
  if (index.is_number_unsigned() ? index.get<uint64_t>() >= e->tx.inputs.size()
                                 : (index.get<int64_t>() < 0 || static_cast<uint64_t>(index.get<int64_t>()) >= e->tx.inputs.size()))
    return "\"index\" " + index.dump() + " is out of range (" + std::to_string(e->tx.inputs.size()) + " inputs)";
  e->index = static_cast<size_t>(index.get<uint64_t>());

  const json& flags = obj["flags"];
  if (!flags.is_string()) return "\"flags\" is not a string";
  e->flags_text = flags.get<std::string>();
  const std::optional<uint32_t> f = vs::parse_flags(e->flags_text);
  if (!f) return "\"flags\" has an unknown flag: " + e->flags_text;
  e->flags = *f;

  if (const auto c = obj.find("comment"); c != obj.end()) {
    if (!c->is_string()) return "\"comment\" is not a string";
    e->comment = c->get<std::string>();
  }
  if (const auto fin = obj.find("final"); fin != obj.end()) {
    if (!fin->is_boolean()) return "\"final\" is not a boolean";
    e->final = fin->get<bool>();
  }
  for (const char* half : {"success", "failure"}) {
    const auto it = obj.find(half);
    if (it == obj.end()) continue;
    Spend spend;
    if (std::string why = read_spend(*it, half, &spend); !why.empty()) return why;
    (half[0] == 's' ? e->success : e->failure) = std::move(spend);
  }
  return "";
}

// Removes a comma between the last value and the closing bracket of the
// top-level array (outside any string: the character before it is not in one).
void strip_trailing_comma(std::string& text) {
  const size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos || end == 0 || text[end] != ']') return;
  const size_t comma = text.find_last_not_of(" \t\r\n", end - 1);
  if (comma != std::string::npos && text[comma] == ',') text[comma] = ' ';
}

struct HalfResult {
  bool failed = false;
  size_t bad_sets = 0, sets = 0;
  uint32_t first_flags = 0;
  vs::Error first_error = vs::Error::kOk;
};

// Runs one half under every flag set `applies` selects; `expect` is the
// verdict it must get.
template <typename Applies>
HalfResult run_half(const Entry& e, const Spend& spend, bool expect, const std::vector<uint32_t>& all, Applies applies) {
  OwnedTx owned = e.tx;
  owned.inputs[e.index].script_sig = spend.script_sig;
  owned.inputs[e.index].witness = spend.witness;
  const Bytes bytes = serialize(owned);
  Transaction tx;
  HalfResult r;
  if (Status s = parse_transaction(bytes, &tx); !s.ok()) {  // cannot happen: it was built from a parsed one
    r.failed = true;
    r.first_error = vs::Error::kUnknown;
    return r;
  }
  std::vector<SpentOutput> spent;
  for (const OwnedOut& p : e.prevouts) spent.push_back({p.value, ByteView(p.script.data(), p.script.size())});
  const vs::TxContext ctx(tx, std::move(spent));
  vs::ImmediateOracle oracle;
  for (const uint32_t flags : all) {
    if (!applies(flags)) continue;
    ++r.sets;
    vs::Error err = vs::Error::kOk;
    const bool ok = vs::verify_input(ctx, static_cast<uint32_t>(e.index), flags, oracle, &err);
    if (ok == expect) continue;
    if (!r.failed) {
      r.first_flags = flags;
      r.first_error = ok ? vs::Error::kOk : err;
    }
    r.failed = true;
    ++r.bad_sets;
  }
  return r;
}

std::string describe(const char* half, const HalfResult& r) {
  std::string flags = vs::flags_string(r.first_flags);
  if (flags.empty()) flags = "NONE";
  std::string s = std::string(half) + (half[0] == 's' ? " fails" : " passes") + " under " + flags + " (" +
                  std::to_string(r.bad_sets) + " of " + std::to_string(r.sets) + " flag sets): " +
                  std::string(vs::error_name(r.first_error));
  return s;
}

int run(const ScriptAssetsOptions& o) {
  Bytes raw;
  if (Status s = read_all(o.input, &raw); !s.ok()) return error(s.message());
  std::string text(raw.begin(), raw.end());
  raw = {};
  strip_trailing_comma(text);
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  text = {};
  if (doc.is_discarded()) return error(o.input + ": not JSON");
  if (!doc.is_array()) return error(o.input + ": not a JSON array");

  std::vector<Entry> entries(doc.size());
  for (size_t i = 0; i < doc.size(); ++i) {
    if (std::string why = read_entry(doc[i], &entries[i]); !why.empty())
      return error(o.input + ": entry " + std::to_string(i) + ": " + why);
  }

  const std::vector<uint32_t> all = all_consensus_flags();
  size_t failed = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    std::string what;
    if (e.success) {
      const HalfResult r = run_half(e, *e.success, true, all,
                                    [&](uint32_t f) { return e.final || (f & e.flags) == f; });
      if (r.failed) what = describe("success", r);
    }
    if (e.failure) {
      const HalfResult r = run_half(e, *e.failure, false, all,
                                    [&](uint32_t f) { return (f & e.flags) == e.flags; });
      if (r.failed) what += (what.empty() ? "" : "; ") + describe("failure", r);
    }
    if (what.empty()) continue;
    ++failed;
    std::printf("entry %zu (input %zu, flags %s%s) \"%s\": %s\n", i, e.index,
                e.flags_text.empty() ? "NONE" : e.flags_text.c_str(), e.final ? ", final" : "", e.comment.c_str(),
                what.c_str());
  }
  std::printf("%zu entries, %zu failed\n", entries.size(), failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace

int run_script_assets(const ScriptAssetsOptions& options) {
  try {
    return run(options);
  } catch (const std::exception& e) {  // out of memory, or a bug: still an error, never a crash
    return error(std::string("internal error: ") + e.what());
  }
}

}  // namespace vigil::cli
