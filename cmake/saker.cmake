# Helpers shared by every module's CMakeLists.txt.

# saker_add_test(NAME SOURCES... [LIBS libs...] [LABELS labels...] [ENV K=V...])
# Builds tests/<NAME> from the sources and registers it with ctest. Tests run
# from the source dir so they can reach ../shared and tests/data by path.
function(saker_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS;ENV;ARGS" ${ARGN})
  add_executable(${name} ${T_SOURCES} ${T_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${T_LIBS})
  add_test(NAME ${name} COMMAND ${name} ${T_ARGS} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "SAKER_BUILD_DIR=${CMAKE_BINARY_DIR};${T_ENV}")
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()

# saker_add_fuzzer(NAME SOURCES... LIBS libs... [CORPUS dir])
# With SAKER_FUZZ (clang), builds a libFuzzer target and a short ctest run
# (fuzz_<NAME>_smoke: 20 s, seeded from CORPUS when given).
function(saker_add_fuzzer name)
  cmake_parse_arguments(F "" "CORPUS;SECONDS" "SOURCES;LIBS" ${ARGN})
  if(NOT SAKER_FUZZ)
    return()
  endif()
  if(NOT F_SECONDS)
    set(F_SECONDS 20)
  endif()
  add_executable(${name} ${F_SOURCES} ${F_UNPARSED_ARGUMENTS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  set(work ${CMAKE_BINARY_DIR}/fuzz/${name}.corpus)
  set(seed_args)
  if(F_CORPUS)
    set(seed_args ${F_CORPUS})
  endif()
  add_test(NAME ${name}_smoke
    COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
      sh -c "mkdir -p '${work}' && exec \"$0\" -max_total_time=${F_SECONDS} -rss_limit_mb=2048 -print_final_stats=1 '${work}' \"$@\""
      $<TARGET_FILE:${name}> ${seed_args}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(${name}_smoke PROPERTIES TIMEOUT 120 LABELS fuzz)
endfunction()

# saker_add_plugin(NAME SOURCES... LIBS libs...): an output plugin .so in
# build/lib/saker/plugins/saker_<NAME>.so, installed next to the others.
function(saker_add_plugin name)
  cmake_parse_arguments(P "" "" "SOURCES;LIBS" ${ARGN})
  add_library(saker_${name} MODULE ${P_SOURCES} ${P_UNPARSED_ARGUMENTS})
  set_target_properties(saker_${name} PROPERTIES PREFIX "" LIBRARY_OUTPUT_DIRECTORY ${SAKER_PLUGIN_OUTPUT_DIR})
  target_include_directories(saker_${name} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(saker_${name} PRIVATE ${P_LIBS})
  install(TARGETS saker_${name} LIBRARY DESTINATION ${SAKER_PLUGIN_INSTALL_DIR})
endfunction()
