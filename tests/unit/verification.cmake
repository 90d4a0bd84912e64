# Verification engine (JSON Schema subset, regex, sha256). tst_jsonschema runs the draft-7
# JSON-Schema-Test-Suite from $JSON_SCHEMA_TEST_SUITE or /usr/share/json-schema-test-suite/tests/draft7
# (Debian package json-schema-test-suite) and skips those cases when it is absent.
taskdesk_add_test(NAME tst_jsonschema SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_jsonschema.cpp
  LIBS taskdesk_verification taskdesk_crypto Boost::json LABELS unit)
taskdesk_add_test(NAME tst_verification SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_verification.cpp
  LIBS taskdesk_verification taskdesk_crypto Boost::json LABELS unit)
