// An enum and its names declared once. `LIST(X)` names every value as X(name); from it come
// `enum class Type`, `kTypeNames` (in order, for metric labels and messages), `kTypeCount`
// (for arrays indexed by the enum) and `to_string(Type)`. Adding a value is one word in the
// list; nothing that counts or names the values can fall out of step.
#pragma once

#include <cstddef>
#include <iterator>

#define LINKTRACK_ENUM_VALUE_(name) name,
#define LINKTRACK_ENUM_NAME_(name) #name,

#define LINKTRACK_NAMED_ENUM(Type, LIST)                                        \
  enum class Type { LIST(LINKTRACK_ENUM_VALUE_) };                              \
  inline constexpr const char* k##Type##Names[] = {LIST(LINKTRACK_ENUM_NAME_)}; \
  inline constexpr std::size_t k##Type##Count = std::size(k##Type##Names);      \
  constexpr const char* to_string(Type value) {                                 \
    return k##Type##Names[static_cast<std::size_t>(value)];                     \
  }
