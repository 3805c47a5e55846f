// A net header that reaches up to http: the layer check must refuse it (see CMakeLists.txt).
#include "http/handler.hpp"
