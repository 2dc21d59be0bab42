// The spent-outputs file of `vigil block check --prevouts`: one line per
// output, "<txid-hex>:<vout> <amount-in-satoshis> <scriptPubKey-hex>", the
// txid in display order; blank lines and lines starting '#' are skipped.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "vigil/spends.hpp"
#include "vigil/status.hpp"

namespace vigil::cli {

// Parses `text` (from the file `name`, for messages) into `out`.
// InvalidArgument naming the line for anything malformed, an amount out of
// range or an output given twice.
Status parse_prevouts(const std::string& name, std::string_view text, std::map<OutPoint, Prevout>* out);

}  // namespace vigil::cli
