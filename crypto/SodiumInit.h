#pragma once

namespace taskdesk::crypto::detail {

// sodium_init() once per process (thread-safe, idempotent); throws if libsodium
// cannot initialise, which only happens without a usable randomness source.
void ensureSodium();

} // namespace taskdesk::crypto::detail
