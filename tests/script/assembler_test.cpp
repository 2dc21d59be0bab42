// parse_script against Bitcoin Core's ParseScript (src/core_io.cpp): what it
// assembles each kind of word to, and what it rejects (where Core throws).
#include <gtest/gtest.h>

#include "script/assembler.hpp"
#include "util/test_util.hpp"

namespace vigil::test {
namespace {

std::string assembled(const std::string& text) {
  const std::optional<Bytes> b = parse_script(text);
  return b ? to_hex(*b) : std::string("rejected");
}

TEST(ScriptAssembler, NumbersAsCScriptPushInt64) {
  EXPECT_EQ(assembled("0"), "00");
  EXPECT_EQ(assembled("-0"), "00");
  EXPECT_EQ(assembled("-1"), "4f");
  EXPECT_EQ(assembled("1"), "51");
  EXPECT_EQ(assembled("16"), "60");
  EXPECT_EQ(assembled("0016"), "60");  // ToIntegral takes leading zeros
  EXPECT_EQ(assembled("17"), "0111");
  EXPECT_EQ(assembled("-2"), "0182");
  EXPECT_EQ(assembled("127"), "017f");
  EXPECT_EQ(assembled("128"), "028000");
  EXPECT_EQ(assembled("-128"), "028080");
  EXPECT_EQ(assembled("255"), "02ff00");
  EXPECT_EQ(assembled("2147483647"), "04ffffff7f");
  EXPECT_EQ(assembled("2147483648"), "050000008000");
  EXPECT_EQ(assembled("-2147483648"), "050000008080");
  EXPECT_EQ(assembled("4294967295"), "05ffffffff00");
  EXPECT_EQ(assembled("-4294967295"), "05ffffffff80");
  // Outside -0xFFFFFFFF..0xFFFFFFFF, or not an int64: Core throws.
  EXPECT_EQ(assembled("4294967296"), "rejected");
  EXPECT_EQ(assembled("-4294967296"), "rejected");
  EXPECT_EQ(assembled("99999999999999999999"), "rejected");
  EXPECT_EQ(assembled("-"), "rejected");
  EXPECT_EQ(assembled("--1"), "rejected");
  EXPECT_EQ(assembled("+1"), "rejected");
}

TEST(ScriptAssembler, HexInsertedAsIs) {
  EXPECT_EQ(assembled("0x4c 0x01 0x07"), "4c0107");
  EXPECT_EQ(assembled("0xAbCd"), "abcd");
  EXPECT_EQ(assembled("0x"), "rejected");
  EXPECT_EQ(assembled("0xabc"), "rejected");  // IsHex: even length
  EXPECT_EQ(assembled("0xzz"), "rejected");
  EXPECT_EQ(assembled("0X01"), "rejected");
}

TEST(ScriptAssembler, QuotedTextPushedAsData) {
  EXPECT_EQ(assembled("''"), "00");
  EXPECT_EQ(assembled("'a'"), "0161");  // data, never OP_N
  EXPECT_EQ(assembled("'abc'"), "03616263");
  EXPECT_EQ(assembled("'" + std::string(75, 'x') + "'").substr(0, 2), "4b");
  EXPECT_EQ(assembled("'" + std::string(76, 'x') + "'").substr(0, 4), "4c4c");
  EXPECT_EQ(assembled("'" + std::string(256, 'x') + "'").substr(0, 6), "4d0001");
  EXPECT_EQ(assembled("'"), "rejected");
  EXPECT_EQ(assembled("'a"), "rejected");
}

TEST(ScriptAssembler, OpcodeNamesAsGetOpName) {
  EXPECT_EQ(assembled("ADD OP_ADD"), "9393");
  EXPECT_EQ(assembled("NOP OP_NOP 1ADD RESERVED OP_RESERVED"), "61618b5050");
  EXPECT_EQ(assembled("NOP1 CHECKLOCKTIMEVERIFY CHECKSEQUENCEVERIFY NOP4 NOP10 CHECKSIGADD"), "b0b1b2b3b9ba");
  EXPECT_EQ(assembled("VER VERIF VERNOTIF RESERVED1 RESERVED2 CAT 2MUL"), "626566898a7e8d");
  // Names of opcodes below OP_NOP (but OP_RESERVED), NOP2/NOP3 (GetOpName
  // calls them CHECKLOCKTIMEVERIFY/CHECKSEQUENCEVERIFY), anything above
  // OP_CHECKSIGADD, and lower case: unknown.
  for (const char* w : {"0", "OP_0", "FALSE", "TRUE", "OP_1", "OP_16", "1NEGATE", "OP_1NEGATE", "PUSHDATA1",
                        "OP_PUSHDATA4", "NOP2", "OP_NOP3", "INVALIDOPCODE", "OP_UNKNOWN", "add", "OP_add"}) {
    if (std::string(w) == "0") continue;
    EXPECT_EQ(assembled(w), "rejected") << w;
  }
}

TEST(ScriptAssembler, WordsSplitOnSpaceTabNewline) {
  EXPECT_EQ(assembled(""), "");
  EXPECT_EQ(assembled("   "), "");
  EXPECT_EQ(assembled(" 1  2\t3\n4 "), "51525354");
  EXPECT_EQ(assembled("1\r2"), "rejected");  // \r separates nothing in SplitString(s, " \t\n")
}

}  // namespace
}  // namespace vigil::test
