# HMAC request signing: API keys, signatures, replays, secrets at rest.
taskdesk_add_api_test(NAME tst_api_hmac SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_hmac.cpp TIMEOUT 600)
