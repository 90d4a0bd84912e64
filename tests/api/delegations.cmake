# Delegated access: linking codes, bundles, scopes, expiry, spend limits, revocation, transfers, audit.
taskdesk_add_api_test(NAME tst_api_delegations SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_delegations.cpp TIMEOUT 600)
