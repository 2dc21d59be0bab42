// Bitcoin Core's ParseScript (core_read.cpp), the assembly its test vectors
// are written in: decimal numbers (pushed as CScriptNum, OP_N for -1..16),
// 0x... raw bytes inserted as they are, 'text' pushed, opcode names with or
// without OP_.
#pragma once

#include <optional>
#include <string_view>

#include "vigil/bytes.hpp"

namespace vigil::test {

std::optional<Bytes> parse_script(std::string_view text);

}  // namespace vigil::test
