#include "script/assembler.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string>

#include "vigil/sighash.hpp"

namespace vigil::test {
namespace {

// GetOpName for OP_NOP .. OP_CHECKSIGADD, and OP_RESERVED.
const std::map<std::string, uint8_t>& op_names() {
  static const std::map<std::string, uint8_t> names = [] {
    const char* table[] = {
        "NOP", "VER", "IF", "NOTIF", "VERIF", "VERNOTIF", "ELSE", "ENDIF", "VERIFY", "RETURN", "TOALTSTACK",
        "FROMALTSTACK", "2DROP", "2DUP", "3DUP", "2OVER", "2ROT", "2SWAP", "IFDUP", "DEPTH", "DROP", "DUP", "NIP",
        "OVER", "PICK", "ROLL", "ROT", "SWAP", "TUCK", "CAT", "SUBSTR", "LEFT", "RIGHT", "SIZE", "INVERT", "AND",
        "OR", "XOR", "EQUAL", "EQUALVERIFY", "RESERVED1", "RESERVED2", "1ADD", "1SUB", "2MUL", "2DIV", "NEGATE",
        "ABS", "NOT", "0NOTEQUAL", "ADD", "SUB", "MUL", "DIV", "MOD", "LSHIFT", "RSHIFT", "BOOLAND", "BOOLOR",
        "NUMEQUAL", "NUMEQUALVERIFY", "NUMNOTEQUAL", "LESSTHAN", "GREATERTHAN", "LESSTHANOREQUAL",
        "GREATERTHANOREQUAL", "MIN", "MAX", "WITHIN", "RIPEMD160", "SHA1", "SHA256", "HASH160", "HASH256",
        "CODESEPARATOR", "CHECKSIG", "CHECKSIGVERIFY", "CHECKMULTISIG", "CHECKMULTISIGVERIFY", "NOP1",
        "CHECKLOCKTIMEVERIFY", "CHECKSEQUENCEVERIFY", "NOP4", "NOP5", "NOP6", "NOP7", "NOP8", "NOP9", "NOP10",
        "CHECKSIGADD"};
    std::map<std::string, uint8_t> m;
    uint8_t op = 0x61;
    for (const char* n : table) {
      m[n] = op;
      m[std::string("OP_") + n] = op;
      ++op;
    }
    // GetOpName names 0xb1 and 0xb2 OP_CHECKLOCKTIMEVERIFY and
    // OP_CHECKSEQUENCEVERIFY only: ParseScript takes no NOP2 or NOP3.
    m["RESERVED"] = m["OP_RESERVED"] = 0x50;
    return m;
  }();
  return names;
}

// CScript << int64: OP_N for -1 and 1..16, OP_0 for 0, else the number's push.
void push_int(Bytes& out, int64_t n) {
  if (n == -1 || (n >= 1 && n <= 16)) {
    out.push_back(static_cast<uint8_t>(n + 0x50));
    return;
  }
  if (n == 0) {
    out.push_back(0);
    return;
  }
  Bytes num;
  const bool neg = n < 0;
  uint64_t a = neg ? static_cast<uint64_t>(-n) : static_cast<uint64_t>(n);
  while (a) {
    num.push_back(static_cast<uint8_t>(a & 0xff));
    a >>= 8;
  }
  if (num.back() & 0x80) {
    num.push_back(neg ? 0x80 : 0);
  } else if (neg) {
    num.back() |= 0x80;
  }
  const Bytes p = push_of(num);
  out.insert(out.end(), p.begin(), p.end());
}

}  // namespace

std::optional<Bytes> parse_script(std::string_view text) {
  Bytes out;
  // SplitString(s, " \t\n"): only these three separate words.
  const auto separator = [](char c) { return c == ' ' || c == '\t' || c == '\n'; };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && separator(text[i])) ++i;
    size_t j = i;
    while (j < text.size() && !separator(text[j])) ++j;
    const std::string w(text.substr(i, j - i));
    i = j;
    if (w.empty()) continue;
    const bool digits = std::all_of(w.begin(), w.end(), digit);
    const bool neg_digits = w.size() > 1 && w[0] == '-' && std::all_of(w.begin() + 1, w.end(), digit);
    if (digits || neg_digits) {
      // ToIntegral<int64_t>: the whole word, no overflow; then the range
      // ParseScript allows.
      int64_t n = 0;
      const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), n);
      if (ec != std::errc() || end != w.data() + w.size()) return std::nullopt;
      if (n > int64_t{0xffffffff} || n < -int64_t{0xffffffff}) return std::nullopt;
      push_int(out, n);
    } else if (w.size() > 2 && w[0] == '0' && w[1] == 'x') {
      Bytes raw;
      if (!from_hex(std::string_view(w).substr(2), raw)) return std::nullopt;
      out.insert(out.end(), raw.begin(), raw.end());
    } else if (w.size() >= 2 && w.front() == '\'' && w.back() == '\'') {
      const Bytes value(w.begin() + 1, w.end() - 1);
      const Bytes p = push_of(value);
      out.insert(out.end(), p.begin(), p.end());
    } else if (const auto it = op_names().find(w); it != op_names().end()) {
      out.push_back(it->second);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace vigil::test
