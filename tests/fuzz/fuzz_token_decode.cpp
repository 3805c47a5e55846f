// libFuzzer target for the token decoder: any input must give a status, never a crash, and an
// ok status only for bytes that really were signed.
//   CXX=clang++ cmake -S . -B build-fuzz -DLINKTRACK_FUZZ=ON -DLINKTRACK_UNIT_ONLY=ON
//   cmake --build build-fuzz --target fuzz_token_decode
//   ./build-fuzz/fuzz_token_decode -max_total_time=60
#include <cstdint>
#include <cstdlib>
#include <string>

#include "token/codec.hpp"
#include "token/payload.hpp"

using namespace linktrack;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static token::TokenCodec codec(std::make_shared<const token::Keyring>(
      std::vector<token::Keyring::Secret>{{1, std::string(32, 'k')}}));
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto d = codec.decode(input, "links.example.com", 1790000000);
  if (d.status == token::DecodeStatus::ok && token::fields_problem(d.fields) &&
      d.fields.kind == token::Kind::click)
    std::abort();                      // a verified click must carry a signable destination
  (void)token::decode_payload(input);  // the payload parser on raw bytes too
  return 0;
}
