#include "profiler/rafter_collector.h"

#include "profiler/collector.hpp"

extern "C" {

int rafter_start(void) {
  try {
    return rafter::collector().start() ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

void rafter_stop(void) {
  try {
    rafter::collector().stop();
  } catch (...) {  // never reaches the program
  }
}

void rafter_flush(void) {
  try {
    rafter::collector().flush();
  } catch (...) {  // never reaches the program
  }
}

}  // extern "C"
