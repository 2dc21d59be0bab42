// Readers for the two published ZIP-215 vector sets under tests/data/ed25519
// (origins in tests/data/SOURCES.md), shared by the vector test of the
// `ed25519` scheme and the tests of the reference implementation. Each case
// carries the verdict its file gives under ZIP-215; nothing here computes one.
//
//   ed25519-speccheck/cases.txt + results.md   12 edge cases of "Taming the
//       many EdDSAs" (small and mixed order A and R, S >= L, non-canonical A
//       and R). The ZIP-215 verdict is the table's "Zebra" row (ed25519-zebra
//       implements ZIP-215); the "LibSodium" row is kept for the strict rules.
//   ed25519consensus/zip215_test.go            the 196 cases of ed25519-zebra's
//       small-order test (every A and R among 14 encodings of small-order
//       points, 8 canonical and 6 not, S = 0, message "Zcash"); all valid.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "util/test_util.hpp"
#include "vigil/bytes.hpp"

namespace vigil::test::zip215 {

struct Zip215Case {
  std::string id;
  Bytes key, msg, sig;
  bool zip215 = false;                   // the file's ZIP-215 verdict
  std::optional<bool> libsodium_published;  // speccheck only: the table's LibSodium cell
};

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

// results.md: one row per library, "|<name> | V | X | ... |", one cell per
// case. Returns name -> verdict letters.
inline std::map<std::string, std::string> speccheck_results() {
  std::map<std::string, std::string> rows;
  for (const std::string& line : lines_of(read_text(data_path("ed25519/ed25519-speccheck/results.md")))) {
    if (line.size() < 2 || line[0] != '|') continue;
    std::vector<std::string> cells;
    std::string cell;
    for (size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '|') {
        size_t b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
        cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    if (cells.empty()) continue;
    std::string letters;
    for (size_t i = 1; i < cells.size(); ++i) letters += cells[i];
    rows[cells[0]] = letters;
  }
  return rows;
}

// cases.txt: the case count, then "msg=", "pbk=", "sig=" lines per case.
inline std::vector<Zip215Case> load_speccheck() {
  std::vector<Zip215Case> out;
  std::vector<std::string> lines = lines_of(read_text(data_path("ed25519/ed25519-speccheck/cases.txt")));
  if (lines.empty()) {
    ADD_FAILURE() << "cases.txt is empty";
    return out;
  }
  const size_t count = std::stoul(lines[0]);
  std::map<std::string, std::string> results = speccheck_results();
  const std::string zebra = results["Zebra"], sodium = results["LibSodium"];
  EXPECT_EQ(zebra.size(), count) << "results.md Zebra row";
  EXPECT_EQ(sodium.size(), count) << "results.md LibSodium row";
  for (size_t i = 0; i < count; ++i) {
    const size_t at = 1 + 3 * i;
    if (at + 2 >= lines.size() || lines[at].rfind("msg=", 0) != 0 || lines[at + 1].rfind("pbk=", 0) != 0 ||
        lines[at + 2].rfind("sig=", 0) != 0) {
      ADD_FAILURE() << "cases.txt: case " << i << " is not msg=/pbk=/sig=";
      break;
    }
    Zip215Case c;
    c.id = "speccheck case " + std::to_string(i);
    c.msg = hex(lines[at].substr(4));
    c.key = hex(lines[at + 1].substr(4));
    c.sig = hex(lines[at + 2].substr(4));
    if (i < zebra.size()) {
      EXPECT_TRUE(zebra[i] == 'V' || zebra[i] == 'X') << c.id;
      c.zip215 = zebra[i] == 'V';
    }
    if (i < sodium.size()) c.libsodium_published = sodium[i] == 'V';
    out.push_back(std::move(c));
  }
  EXPECT_EQ(out.size(), count);
  return out;
}

// zip215_test.go: after "var cases", each case is a {vk_hex, sig_hex} pair
// of quoted hex strings; the Go test verifies each over "Zcash" and expects
// every one to be valid.
inline std::vector<Zip215Case> load_zip215_small_order() {
  std::vector<Zip215Case> out;
  const std::string text = read_text(data_path("ed25519/ed25519consensus/zip215_test.go"));
  size_t pos = text.find("var cases");
  if (pos == std::string::npos) {
    ADD_FAILURE() << "zip215_test.go has no `var cases`";
    return out;
  }
  EXPECT_NE(text.find("Verify(vk, []byte(\"Zcash\"), sig)"), std::string::npos) << "the message is no longer \"Zcash\"";
  std::vector<std::string> strings;
  for (;;) {
    size_t open = text.find('"', pos);
    if (open == std::string::npos) break;
    size_t close = text.find('"', open + 1);
    if (close == std::string::npos) break;
    strings.push_back(text.substr(open + 1, close - open - 1));
    pos = close + 1;
  }
  EXPECT_EQ(strings.size() % 2, 0u);
  const std::string zcash = "Zcash";
  for (size_t i = 0; i + 1 < strings.size(); i += 2) {
    Zip215Case c;
    c.id = "zip215_test.go case " + std::to_string(i / 2);
    c.key = hex(strings[i]);
    c.sig = hex(strings[i + 1]);
    c.msg.assign(zcash.begin(), zcash.end());
    c.zip215 = true;
    EXPECT_EQ(c.key.size(), 32u) << c.id;
    EXPECT_EQ(c.sig.size(), 64u) << c.id;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace vigil::test::zip215
