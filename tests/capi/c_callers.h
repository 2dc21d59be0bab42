/* C functions the C API tests call (see c_callers.c). */
#ifndef VIGIL_TESTS_C_CALLERS_H_
#define VIGIL_TESTS_C_CALLERS_H_

#include "vigil/vigil.h"

#ifdef __cplusplus
extern "C" {
#endif

vigil_status c_hash_with_kind(vigil_hasher* hasher, int kind, const uint8_t* message, size_t length, uint8_t* out);
vigil_status c_engine_hashes_with_kind(vigil_engine* engine, int kind, const uint8_t* message, size_t length,
                                       vigil_engine_hash_done done, void* user_data);
vigil_status c_parse_key_with_scheme(int scheme, const uint8_t* key, size_t key_len, vigil_parsed_key* out);
const char* c_status_name(int status);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_TESTS_C_CALLERS_H_ */
