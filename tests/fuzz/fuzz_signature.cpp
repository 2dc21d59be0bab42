// libFuzzer: arbitrary bytes as a signature check of every scheme (the
// first byte picks the scheme, the next the split between key and
// signature): DER parsing (strict and Bitcoin's lax parser), key parsing,
// and verification never crash, and agree with themselves.
#include <cstddef>
#include <cstdint>

#include "vigil/verify.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vigil;
  if (size < 34) return 0;
  // Every signature scheme, and BIP341's commitment check (one value in 7).
  const Scheme scheme = data[0] % 7 == 6 ? Scheme::kTaprootCommitment : kAllSchemes[data[0] % std::size(kAllSchemes)];
  const size_t key_len = data[1] % 70;
  data += 2, size -= 2;
  const ByteView msg(data, 32);
  data += 32, size -= 32;
  if (key_len > size) return 0;
  const Check c{scheme, ByteView(data, key_len), msg, ByteView(data + key_len, size - key_len), nullptr};
  const bool once = verify_check(c);
  if (verify_check(c) != once) __builtin_trap();
  ParsedPublicKey parsed;
  if (parse_public_key(scheme, c.public_key, &parsed)) {
    Check p = c;
    p.parsed_key = &parsed;
    if (verify_check(p) != once) __builtin_trap();  // a pre-parsed key changes nothing
  }
  return 0;
}
