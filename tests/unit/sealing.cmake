# crypto/ building blocks: known-answer tests (XChaCha20-Poly1305, Ed25519, X25519,
# Argon2id), payload cipher, sealed boxes, grant signatures, secrets at rest, the
# server key file and handoff bundles, from the attacker's side. Links libsodium
# directly for the known-answer checks of the primitive itself.
taskdesk_add_test(NAME tst_sealing SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_sealing.cpp
  LIBS taskdesk_crypto PkgConfig::SODIUM LABELS unit)
