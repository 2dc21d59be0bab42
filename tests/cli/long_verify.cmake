# One long differential run (cmake -P): generate COUNT checks of SCHEME with
# vigil_gen_checks, verify them with `vigil verify`, compare the verdicts
# with the oracle's line for line. The seed is VIGIL_TEST_SEED if set, else
# random (printed either way). Files are removed after a pass and kept after
# a failure.
#   -DGEN=... -DVIGIL=... -DSCHEME=... -DCOUNT=... -DWORKDIR=...
foreach(var GEN VIGIL SCHEME COUNT WORKDIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "long_verify.cmake: -D${var}=... is required")
  endif()
endforeach()

if(DEFINED ENV{VIGIL_TEST_SEED})
  set(seed "$ENV{VIGIL_TEST_SEED}")
else()
  string(RANDOM LENGTH 1 ALPHABET 123456789 first)
  string(RANDOM LENGTH 17 ALPHABET 0123456789 rest)
  set(seed "${first}${rest}")
endif()
message(STATUS "${SCHEME}: ${COUNT} checks, VIGIL_TEST_SEED=${seed}")

file(MAKE_DIRECTORY "${WORKDIR}")
set(input "${WORKDIR}/${SCHEME}.checks")
set(expected "${WORKDIR}/${SCHEME}.expected")
set(actual "${WORKDIR}/${SCHEME}.actual")

execute_process(COMMAND "${GEN}" --scheme ${SCHEME} --count ${COUNT} --seed ${seed} --out "${input}" --expected "${expected}"
                RESULT_VARIABLE rc ERROR_VARIABLE gen_err)
message(STATUS "${gen_err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vigil_gen_checks failed (${rc})")
endif()

execute_process(COMMAND "${VIGIL}" verify "${input}" OUTPUT_FILE "${actual}" ERROR_VARIABLE verify_err RESULT_VARIABLE rc)
message(STATUS "${verify_err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vigil verify exited with ${rc}; files kept in ${WORKDIR}")
endif()

execute_process(COMMAND "${GEN}" --compare "${expected}" "${actual}" "${input}" RESULT_VARIABLE rc ERROR_VARIABLE cmp_err)
message(STATUS "${cmp_err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "verdicts differ from the oracle's (seed ${seed}); files kept in ${WORKDIR}")
endif()
file(REMOVE "${input}" "${expected}" "${actual}")
