# Webhooks: CRUD, target checks, the durable outbox, retries, signatures, restarts.
taskdesk_add_api_test(NAME tst_api_webhooks SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_webhooks.cpp TIMEOUT 600)
