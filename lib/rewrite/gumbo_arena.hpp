// Gumbo options whose allocations all belong to one arena, freed together when it goes.
// Gumbo leaks a few strings on some malformed input (a dropped duplicate attribute, for one),
// and gumbo_destroy_output cannot reach them; freeing everything at once leaves nothing behind.
#pragma once

#include <gumbo.h>

#include <cstdlib>
#include <new>
#include <vector>

namespace linktrack::rewrite {

class GumboArena {
 public:
  GumboArena() {
    options_.allocator = &GumboArena::allocate;
    options_.deallocator = &GumboArena::release;
    options_.userdata = this;
    options_.max_errors = 0;  // parse errors are not ours to report; recording them is costly
  }
  ~GumboArena() {
    for (void* p : blocks_) std::free(p);
  }
  GumboArena(const GumboArena&) = delete;
  GumboArena& operator=(const GumboArena&) = delete;

  // Parse with these; the output needs no gumbo_destroy_output and dies with the arena.
  const GumboOptions* options() const { return &options_; }

 private:
  static void* allocate(void* self, std::size_t size) {
    void* p = std::malloc(size);
    if (!p) throw std::bad_alloc();
    static_cast<GumboArena*>(self)->blocks_.push_back(p);
    return p;
  }
  static void release(void*, void*) {}  // freed with the arena

  GumboOptions options_ = kGumboDefaultOptions;
  std::vector<void*> blocks_;
};

}  // namespace linktrack::rewrite
