// The `vigil block check --prevouts` file format.
#include "prevouts_file.hpp"

#include <sstream>

namespace vigil::cli {
namespace {

bool parse_hex(std::string_view text, Bytes* out) {
  if (text.size() % 2) return false;
  out->clear();
  for (size_t i = 0; i < text.size(); i += 2) {
    auto nib = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = nib(text[i]), lo = nib(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<uint8_t>(hi * 16 + lo));
  }
  return true;
}

}  // namespace

Status parse_prevouts(const std::string& name, std::string_view text, std::map<OutPoint, Prevout>* out) {
  std::istringstream in{std::string(text)};
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](const char* why) {
      return Status::InvalidArgument(name + ":" + std::to_string(n) + ": " + why + " (want '<txid>:<vout> <amount> <scriptPubKey-hex>')");
    };
    std::istringstream fields(line);
    std::string outpoint, amount, script, extra;
    if (!(fields >> outpoint >> amount >> script) || (fields >> extra)) return bad("not three fields");
    const size_t colon = outpoint.find(':');
    Bytes txid;
    if (colon != 64 || !parse_hex(std::string_view(outpoint).substr(0, 64), &txid)) return bad("bad txid");
    OutPoint p;
    for (size_t i = 0; i < 32; ++i) p.txid.bytes[i] = txid[31 - i];  // display order -> internal
    try {
      size_t used = 0;
      const unsigned long long vout = std::stoull(outpoint.substr(colon + 1), &used);
      if (used != outpoint.size() - colon - 1 || vout > 0xffffffffULL) return bad("bad output index");
      p.index = static_cast<uint32_t>(vout);
      const long long sats = std::stoll(amount, &used);
      if (used != amount.size() || sats < 0 || sats > kMaxMoney) return bad("bad amount");
      Prevout po;
      po.amount = sats;
      if (!parse_hex(script, &po.script_pubkey)) return bad("bad scriptPubKey hex");
      if (!out->emplace(p, std::move(po)).second) return bad("the same output twice");
    } catch (const std::exception&) {
      return bad("bad number");
    }
  }
  return Status::Ok();
}


}  // namespace vigil::cli
