// Names the calling thread as `top -H`, `ps -L`, perf and gdb show it: "lt-writer",
// "lt-io-0", …. Linux keeps 15 bytes; a longer name is cut there.
#pragma once

#include <pthread.h>

#include <string>

namespace linktrack::util {

inline void name_this_thread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace linktrack::util
