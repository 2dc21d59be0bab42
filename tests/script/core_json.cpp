#include "script/core_json.hpp"

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "script/assembler.hpp"
#include "util/test_util.hpp"
#include "vigil/sighash.hpp"

namespace vigil::test {

json load_core_json(const std::string& relative_path) {
  std::ifstream in(data_path(relative_path));
  return json::parse(in);
}

namespace {
bool is_comment_row(const json& row) { return row.is_array() && row.size() == 1 && row[0].is_string(); }
}  // namespace

size_t count_test_rows(const json& file) {
  size_t n = 0;
  for (const json& row : file) n += !is_comment_row(row);
  return n;
}

std::string preceding_comment(const json& file, size_t index) {
  size_t i = index;
  while (i > 0 && !is_comment_row(file[i - 1])) --i;
  size_t begin = i;
  while (begin > 0 && is_comment_row(file[begin - 1])) --begin;
  std::string text;
  for (size_t k = begin; k < i; ++k) {
    if (!text.empty()) text += ' ';
    text += file[k][0].get<std::string>();
  }
  return text;
}

std::string describe_row(size_t index, const json& row, const std::string& comment) {
  return "row " + std::to_string(index) + " (\"" + comment + "\"): " + row.dump();
}

std::optional<int64_t> amount_from_btc(const json& value) {
  // AmountFromValue: a number (or a string) with at most 8 decimals, in
  // MoneyRange. The file's amounts are numbers.
  if (!value.is_number()) return std::nullopt;
  const double btc = value.get<double>();
  const double sat = btc * 1e8;
  const double rounded = std::round(sat);
  if (std::fabs(sat - rounded) > 1e-4) return std::nullopt;  // more than 8 decimals
  if (rounded < 0 || rounded > static_cast<double>(kMaxMoney)) return std::nullopt;
  return static_cast<int64_t>(rounded);
}

uint64_t variation_seed(uint64_t fallback) {
  if (const char* s = std::getenv("VIGIL_TEST_SEED")) return std::strtoull(s, nullptr, 0);
  return fallback;
}

Bytes core_test_internal_key() {
  return hex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
}

OneLeafTree one_leaf_taproot_tree(const Bytes& tapscript, const Bytes& internal_xonly) {
  // The leaf hash is the Merkle root of a one-leaf tree.
  Bytes leaf{script::kTapleafTapscript};
  put_bytes(leaf, tapscript);
  const Hash256 root = tagged_hash("TapLeaf", leaf);
  Bytes tweak_message = internal_xonly;
  tweak_message.insert(tweak_message.end(), root.bytes.begin(), root.bytes.end());
  const Hash256 tweak = tagged_hash("TapTweak", tweak_message);

  static secp256k1_context* const ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  OneLeafTree tree;
  secp256k1_xonly_pubkey internal, output;
  secp256k1_pubkey tweaked;
  int parity = 0;
  if (internal_xonly.size() != 32 || !secp256k1_xonly_pubkey_parse(ctx, &internal, internal_xonly.data()) ||
      !secp256k1_xonly_pubkey_tweak_add(ctx, &tweaked, &internal, tweak.bytes.data()) ||
      !secp256k1_xonly_pubkey_from_pubkey(ctx, &output, &parity, &tweaked)) {
    return tree;  // empty: the caller fails the row
  }
  tree.output_key.resize(32);
  secp256k1_xonly_pubkey_serialize(ctx, tree.output_key.data(), &output);
  tree.control_block.push_back(static_cast<uint8_t>(script::kTapleafTapscript | parity));
  tree.control_block.insert(tree.control_block.end(), internal_xonly.begin(), internal_xonly.end());
  return tree;
}

bool read_script_test(const json& row, size_t index, ScriptTest* out, std::string* why) {
  out->index = index;
  if (!row.is_array() || row.empty()) {
    *why = "not a non-empty array";
    return false;
  }
  size_t pos = 0;
  std::optional<OneLeafTree> tree;
  if (row[0].is_array()) {
    const json& wit = row[0];
    if (wit.empty()) {
      *why = "empty witness array (no amount)";
      return false;
    }
    for (size_t i = 0; i + 1 < wit.size(); ++i) {
      if (!wit[i].is_string()) {
        *why = "witness element " + std::to_string(i) + " is not a string";
        return false;
      }
      const std::string element = wit[i].get<std::string>();
      static const std::string kScriptFlag = "#SCRIPT#";
      if (element.starts_with(kScriptFlag)) {
        const std::optional<Bytes> s = parse_script(element.substr(kScriptFlag.size()));
        if (!s) {
          *why = "witness script does not parse: " + element;
          return false;
        }
        out->witness.push_back(*s);
      } else if (element == "#CONTROLBLOCK#") {
        if (out->witness.empty()) {
          *why = "#CONTROLBLOCK# with no script before it";
          return false;
        }
        tree = one_leaf_taproot_tree(out->witness.back(), core_test_internal_key());
        if (tree->output_key.empty()) {
          *why = "taproot tweak failed";
          return false;
        }
        out->witness.push_back(tree->control_block);
      } else {
        Bytes value;
        if (!from_hex(element, value)) {
          *why = "witness element is not hex: " + element;
          return false;
        }
        out->witness.push_back(std::move(value));
      }
    }
    const std::optional<int64_t> amount = amount_from_btc(wit.back());
    if (!amount) {
      *why = "bad amount " + wit.back().dump();
      return false;
    }
    out->amount = *amount;
    pos = 1;
  }
  if (row.size() < 4 + pos) {
    *why = "fewer than " + std::to_string(4 + pos) + " elements";
    return false;
  }
  for (size_t i = pos; i < pos + 4; ++i) {
    if (!row[i].is_string()) {
      *why = "element " + std::to_string(i) + " is not a string";
      return false;
    }
  }
  if (row.size() > pos + 4 && row[pos + 4].is_string()) out->comment = row[pos + 4].get<std::string>();
  const std::string sig_text = row[pos].get<std::string>();
  const std::optional<Bytes> sig = parse_script(sig_text);
  if (!sig) {
    *why = "scriptSig does not parse: " + sig_text;
    return false;
  }
  out->script_sig = *sig;
  const std::string spk_text = row[pos + 1].get<std::string>();
  if (spk_text == "0x51 0x20 #TAPROOTOUTPUT#") {
    if (!tree) {
      *why = "#TAPROOTOUTPUT# without a #CONTROLBLOCK#";
      return false;
    }
    out->script_pubkey = {0x51, 0x20};
    out->script_pubkey.insert(out->script_pubkey.end(), tree->output_key.begin(), tree->output_key.end());
  } else {
    const std::optional<Bytes> spk = parse_script(spk_text);
    if (!spk) {
      *why = "scriptPubKey does not parse: " + spk_text;
      return false;
    }
    out->script_pubkey = *spk;
  }
  out->flags_text = row[pos + 2].get<std::string>();
  const std::optional<uint32_t> flags = script::parse_flags(out->flags_text);
  if (!flags) {
    *why = "unknown flag in \"" + out->flags_text + "\"";
    return false;
  }
  out->flags = *flags;
  out->expected_error = row[pos + 3].get<std::string>();
  const std::optional<script::Error> error = script::error_from_name(out->expected_error);
  if (!error) {
    *why = "unknown script error \"" + out->expected_error + "\"";
    return false;
  }
  out->expected = *error;
  return true;
}

bool read_tx_test(const json& row, size_t index, TxTest* out, std::string* why) {
  out->index = index;
  if (!row.is_array() || row.size() != 3 || !row[0].is_array() || !row[1].is_string() || !row[2].is_string()) {
    *why = "not [[prevouts...], \"tx\", \"flags\"]";
    return false;
  }
  for (const json& in : row[0]) {
    if (!in.is_array() || in.size() < 3 || in.size() > 4 || !in[0].is_string() || !in[1].is_number_integer() ||
        !in[2].is_string() || (in.size() == 4 && !in[3].is_number_integer())) {
      *why = "bad prevout " + in.dump();
      return false;
    }
    // Txid::FromHex (display order), uint32_t(getInt<int>()): -1 is 0xffffffff.
    const std::optional<Hash256> txid = hash_from_display_hex(in[0].get<std::string>());
    if (!txid) {
      *why = "bad prevout txid " + in[0].dump();
      return false;
    }
    const OutPoint outpoint{*txid, static_cast<uint32_t>(in[1].get<int>())};
    const std::optional<Bytes> spk = parse_script(in[2].get<std::string>());
    if (!spk) {
      *why = "prevout scriptPubKey does not parse: " + in[2].get<std::string>();
      return false;
    }
    TxTest::Prev& prev = out->prevouts[outpoint];  // a repeated outpoint: the last wins, as Core's map
    prev.script_pubkey = *spk;
    if (in.size() == 4) prev.amount = in[3].get<int64_t>();
  }
  out->flags_text = row[2].get<std::string>();
  if (!from_hex(row[1].get<std::string>(), out->raw)) {
    *why = "transaction is not hex";
    return false;
  }
  out->parsed.bytes = out->raw;
  const Status s = parse_transaction(ByteView(out->parsed.bytes.data(), out->parsed.bytes.size()), &out->parsed.tx);
  if (!s.ok()) {
    *why = "transaction does not parse: " + s.ToString();
    return false;
  }
  for (const TxIn& in : out->parsed.tx.inputs) {
    const auto it = out->prevouts.find(in.prevout);
    if (it == out->prevouts.end()) {
      *why = "no prevout given for " + to_display_hex(in.prevout.txid) + ":" + std::to_string(in.prevout.index);
      return false;
    }
    out->spent.push_back(SpentOutput{it->second.amount.value_or(0), ByteView(it->second.script_pubkey)});
  }
  out->ctx = std::make_unique<script::TxContext>(out->parsed.tx, out->spent);
  return true;
}

}  // namespace vigil::test
