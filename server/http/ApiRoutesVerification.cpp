// Routes for trying a verification rule before posting (console extension; see docs/api-notes.md).
#include "Access.h"
#include "Actor.h"
#include "ApiServer.h"
#include "ContractService.h"
#include "DomainError.h"
#include "Input.h"
#include "Verification.h"

namespace taskdesk::http {

namespace json = boost::json;

void ApiServer::registerVerificationRoutes()
{
    Route r;
    r.method = "POST";
    r.pattern = "/api/verification/check";
    r.auth = AuthMode::Required;
    // Nothing is stored: a read transaction, and no Idempotency-Key replay record.
    r.write = false;
    r.scope = "tasks:read";
    r.summary = "Try a verification rule on a sample output: {verification, output} -> {passed, reason}";
    r.handler = [](RouteContext& c, store::Transaction&) -> json::value {
        const auto& a = c.requireActor();
        domain::requireScope(a, "tasks:read");
        const json::object& body = c.body();
        domain::Input in(body);
        const json::value* rule = in.raw("verification");
        if (!rule || rule->is_null()) {
            in.fail("verification", "is required");
        } else if (const std::string reason = domain::checkVerificationRule(*rule); !reason.empty()) {
            // The very check a task post makes, so a rule refused here is refused there too.
            in.fail("verification", reason);
        }
        const json::value* output = in.raw("output");
        if (!output)
            in.fail("output", "is required (null counts as no output)");
        for (const auto& kv : body)
            if (kv.key() != "verification" && kv.key() != "output")
                in.fail(std::string(kv.key()), "is not a member of a verification check");
        in.finish();

        // The output goes through the submission parser and the rule through the store's JSON round
        // trip, exactly as a real submission on a posted task does (ContractService::insertSubmission),
        // so this answer and the one the submission gets cannot disagree.
        domain::SubmissionPackage pkg;
        if (!output->is_null())
            pkg = domain::SubmissionPackage::parse(json::object{{"output", *output}});
        const json::value stored = domain::parseStoredJson(domain::storeJson(*rule));
        const domain::VerificationResult res = domain::runVerification(stored, pkg.output);
        json::object out;
        out["passed"] = res.passed;
        out["reason"] = res.passed ? std::string("the output meets the rule") : res.detail;
        if (const auto* aa = stored.as_object().if_contains("autoAccept"); aa && aa->is_bool())
            out["wouldAutoAccept"] = aa->as_bool() && res.passed;
        return out;
    };
    m_router.add(std::move(r));
}

} // namespace taskdesk::http
