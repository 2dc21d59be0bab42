// Reading Bitcoin Core's script_tests.json, tx_valid.json and tx_invalid.json
// exactly as its unit tests do (src/test/script_tests.cpp script_json_test,
// src/test/transaction_tests.cpp tx_valid / tx_invalid).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "script/core_tx.hpp"
#include "vigil/bytes.hpp"
#include "vigil/script.hpp"
#include "vigil/transaction.hpp"

namespace vigil::test {

using nlohmann::json;

json load_core_json(const std::string& relative_path);

// Rows that are tests: every row but the comment-only ones (a single string).
// Counted on its own, apart from the readers below, so that a reader that
// skips rows is caught.
size_t count_test_rows(const json& file);

// The comment rows above row `index` (tx_valid.json and tx_invalid.json
// describe their entries there), skipping the other entries in between,
// joined with spaces.
std::string preceding_comment(const json& file, size_t index);

// The row, its comment (the element after the expected result, if any) and
// its index, for failure messages.
std::string describe_row(size_t index, const json& row, const std::string& comment);

// ---- script_tests.json ------------------------------------------------------

// [[wit..., amount]?, scriptSig, scriptPubKey, flags, expected_error, comment?]
struct ScriptTest {
  size_t index = 0;
  std::string comment;
  std::vector<Bytes> witness;
  int64_t amount = 0;  // satoshis (the witness array's last element, in BTC)
  Bytes script_sig;
  Bytes script_pubkey;
  std::string flags_text;
  uint32_t flags = 0;              // as parsed, before DoTest's CLEANSTACK fix-up
  std::string expected_error;      // the name in the file
  script::Error expected = script::Error::kOk;
};

// Core's row reader: witness elements in hex, or "#SCRIPT# <asm>" (the
// tapscript), or "#CONTROLBLOCK#" (the control block of a one-leaf tree over
// the element before it, internal key key0's x-only key); the scriptPubKey
// "0x51 0x20 #TAPROOTOUTPUT#" is that tree's output. Returns false with
// `why` set for a row Core would report as a bad test.
bool read_script_test(const json& row, size_t index, ScriptTest* out, std::string* why);

// TaprootBuilder().Add(0, script, 0xc0).Finalize(internal): the x-only output
// key and the script's control block (leaf version | parity, internal key).
struct OneLeafTree {
  Bytes output_key;
  Bytes control_block;
};
OneLeafTree one_leaf_taproot_tree(const Bytes& tapscript, const Bytes& internal_xonly);
// XOnlyPubKey(key0.GetPubKey()): key0 is the secret 1, so the key is G's x.
Bytes core_test_internal_key();

// ---- tx_valid.json / tx_invalid.json ------------------------------------------

// [[[prevout hash, prevout index, prevout scriptPubKey, amount?]...],
//  serialized transaction, flags]
struct TxTest {
  size_t index = 0;
  std::string flags_text;
  Bytes raw;
  ParsedTx parsed;
  struct Prev {
    Bytes script_pubkey;
    std::optional<int64_t> amount;
  };
  std::map<OutPoint, Prev> prevouts;
  // Each input's spent output (amount 0 where the file gives none, as
  // CheckTxScripts), and the context built over them.
  std::vector<SpentOutput> spent;
  std::unique_ptr<script::TxContext> ctx;
};
bool read_tx_test(const json& row, size_t index, TxTest* out, std::string* why);

// The seed of the random flag variations: VIGIL_TEST_SEED when set, else the
// fixed `fallback`, so that a run is reproducible; printed by the caller.
uint64_t variation_seed(uint64_t fallback);

// Amounts in BTC as Core's AmountFromValue reads them (8 decimals, in range).
std::optional<int64_t> amount_from_btc(const json& value);

}  // namespace vigil::test
