/* Calls made from C, where an enum argument may hold any int: the C API
 * must refuse an unknown value with a status (in C++ such a value could not
 * even be formed without undefined behaviour, so the tests call these). */
#include "c_callers.h"

vigil_status c_hash_with_kind(vigil_hasher* hasher, int kind, const uint8_t* message, size_t length, uint8_t* out) {
  const uint8_t* messages[1] = {message};
  const size_t lengths[1] = {length};
  return vigil_hash(hasher, (vigil_hash_kind)kind, messages, lengths, 1, NULL, 0, out);
}

vigil_status c_engine_hashes_with_kind(vigil_engine* engine, int kind, const uint8_t* message, size_t length,
                                       vigil_engine_hash_done done, void* user_data) {
  const uint8_t* messages[1] = {message};
  const size_t lengths[1] = {length};
  return vigil_engine_submit_hashes(engine, 1, (vigil_hash_kind)kind, messages, lengths, 1, NULL, 0, done, user_data);
}

vigil_status c_parse_key_with_scheme(int scheme, const uint8_t* key, size_t key_len, vigil_parsed_key* out) {
  return vigil_parse_public_key((vigil_scheme)scheme, key, key_len, out);
}

const char* c_status_name(int status) { return vigil_status_name((vigil_status)status); }
