# crypto/: digests, HMAC (RFC 4231 vectors) and request signing, with an independent implementation (Python) as a check.
taskdesk_add_test(NAME tst_crypto SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_crypto.cpp LIBS taskdesk_crypto
                  LABELS unit)
