# rafter_target_defaults(TARGET): warnings and sanitizers for our own targets only.
add_library(rafter_warnings INTERFACE)
target_compile_options(rafter_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion>)
if(RAFTER_ENABLE_WERROR)
  target_compile_options(rafter_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()
if(RAFTER_ENABLE_ASAN)
  target_compile_options(rafter_warnings INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=address,undefined -fno-omit-frame-pointer>)
  target_link_options(rafter_warnings INTERFACE -fsanitize=address,undefined)
endif()
