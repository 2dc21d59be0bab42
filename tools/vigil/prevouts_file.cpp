// The `vigil block check --prevouts` file format.
#include "prevouts_file.hpp"

#include <sstream>

namespace vigil::cli {

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
    const std::optional<Hash256> txid =
        colon == 64 ? hash_from_display_hex(std::string_view(outpoint).substr(0, 64)) : std::nullopt;
    if (!txid) return bad("bad txid");
    OutPoint p;
    p.txid = *txid;
    try {
      size_t used = 0;
      const unsigned long long vout = std::stoull(outpoint.substr(colon + 1), &used);
      if (used != outpoint.size() - colon - 1 || vout > 0xffffffffULL) return bad("bad output index");
      p.index = static_cast<uint32_t>(vout);
      const long long sats = std::stoll(amount, &used);
      if (used != amount.size() || sats < 0 || sats > kMaxMoney) return bad("bad amount");
      Prevout po;
      po.amount = sats;
      if (!from_hex(script, po.script_pubkey)) return bad("bad scriptPubKey hex");
      if (!out->emplace(p, std::move(po)).second) return bad("the same output twice");
    } catch (const std::exception&) {
      return bad("bad number");
    }
  }
  return Status::Ok();
}


}  // namespace vigil::cli
