# rafter_target_defaults(TARGET): warnings and sanitizers for our own targets only.
add_library(rafter_warnings INTERFACE)
target_compile_options(rafter_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion>)
# GCC 12's -Wrestrict misfires on std::string concatenation under -O3 (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(rafter_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
endif()
if(RAFTER_ENABLE_WERROR)
  target_compile_options(rafter_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()
if(RAFTER_ENABLE_ASAN)
  target_compile_options(rafter_warnings INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=address,undefined -fno-omit-frame-pointer>)
  target_link_options(rafter_warnings INTERFACE -fsanitize=address,undefined)
endif()
