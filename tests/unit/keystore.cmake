# The console's local keystore (crypto/Keystore): format, tampering, truncation,
# failed writes, backups. Links libsodium to read the KDF limits it asserts on.
taskdesk_add_test(NAME tst_keystore SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_keystore.cpp
  LIBS taskdesk_crypto PkgConfig::SODIUM LABELS unit TIMEOUT 300)
