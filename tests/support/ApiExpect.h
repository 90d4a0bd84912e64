#pragma once

#include "HttpClient.h"
#include "JsonPath.h"

#include <QTest>
#include <string>

namespace taskdesk::test {

// The failure text of a status check: where, what was wanted, and the start of what came.
inline std::string describeReply(const Reply& r, int want, int line)
{
    if (r.status == 0)
        return "line " + std::to_string(line) + ": expected HTTP " + std::to_string(want) +
               ", got no response (" + r.error + ")";
    return "line " + std::to_string(line) + ": expected HTTP " + std::to_string(want) + ", got " +
           std::to_string(r.status) + " " + r.body.substr(0, 400);
}

} // namespace taskdesk::test

// Each macro evaluates its request once: a signed request sent twice would be a replay,
// and a POST sent twice would do its work twice.
#define EXPECT_STATUS(reply, code)                                                                           \
    do {                                                                                                     \
        const ::taskdesk::test::Reply statusReply_ = (reply);                                                \
        QVERIFY2(statusReply_.status == (code),                                                              \
                 ::taskdesk::test::describeReply(statusReply_, (code), __LINE__).c_str());                   \
    } while (0)

// The status and the machine-readable error code.
#define EXPECT_ERROR(reply, code, machine)                                                                   \
    do {                                                                                                     \
        const ::taskdesk::test::Reply errorReply_ = (reply);                                                 \
        EXPECT_STATUS(errorReply_, code);                                                                    \
        QCOMPARE(::taskdesk::test::jsonText(::taskdesk::test::jsonPath(errorReply_.json(), "code")),         \
                 std::string(machine));                                                                      \
    } while (0)
