#include "OpenApi.h"

#include "Router.h"

#include <cctype>
#include <map>
#include <set>

namespace taskdesk::http {

namespace json = boost::json;

namespace {

std::vector<std::string> segmentsOf(const std::string& pattern)
{
    std::vector<std::string> out;
    std::string cur;
    for (char c : pattern) {
        if (c == '/') {
            if (!cur.empty())
                out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty())
        out.push_back(cur);
    return out;
}

std::string pascal(const std::string& s)
{
    std::string out;
    bool up = true;
    for (char c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c))) {
            up = true;
            continue;
        }
        out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        up = false;
    }
    return out;
}

std::string lower(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string tagFor(const std::vector<std::string>& segs)
{
    std::string tag = "operations";
    if (segs.size() >= 2 && segs[0] == "api") {
        if (segs[1] == "agent" && segs.size() >= 3)
            tag = segs[2];
        else if (segs[1] != "agent")
            tag = segs[1];
    }
    if (tag.find('.') != std::string::npos)
        tag = "operations";
    if (tag == "me" || tag == "heartbeat" || tag == "stats" || tag == "profiles")
        tag = "profile";
    return tag;
}

json::object errorRef(const char* name)
{
    return json::object{{"$ref", std::string("#/components/responses/") + name}};
}

json::object jsonContent(json::object schema)
{
    json::object media;
    media["schema"] = std::move(schema);
    json::object content;
    content["application/json"] = std::move(media);
    return content;
}

json::object errorResponse(const std::string& description, bool retryAfter = false)
{
    json::object r;
    r["description"] = description;
    r["content"] = jsonContent(json::object{{"$ref", "#/components/schemas/Error"}});
    if (retryAfter) {
        json::object h;
        h["description"] = "Seconds to wait before retrying";
        h["schema"] = json::object{{"type", "integer"}};
        r["headers"] = json::object{{"Retry-After", std::move(h)}};
    }
    return r;
}

json::object components()
{
    json::object c;
    json::object bearer;
    bearer["type"] = "http";
    bearer["scheme"] = "bearer";
    bearer["bearerFormat"] = "td_<random> (from register, login or /api/agent/me/tokens)";
    bearer["description"] = "Scoped API token. Each operation names the scope it needs in x-required-scope.";
    // HMAC request signing: three headers that go together (one security requirement
    // naming all three). The canonical string is crypto::RequestSigner's.
    auto header = [](const char* name, const char* description) {
        return json::object{
            {"type", "apiKey"}, {"in", "header"}, {"name", name}, {"description", description}};
    };
    c["securitySchemes"] = json::object{
        {"bearerAuth", std::move(bearer)},
        {"agentKey",
         header("X-Agent-Key", "API key id (ak_...) from POST /api/agent/me/api-keys. Sent with "
                               "X-Agent-Timestamp and X-Agent-Signature, never with a Bearer token.")},
        {"agentTimestamp", header("X-Agent-Timestamp", "Unix time in seconds; accepted within 300 s of the "
                                                       "server's clock (401 STALE_TIMESTAMP otherwise).")},
        {"agentSignature",
         header("X-Agent-Signature",
                "hex(HMAC-SHA256(secret, timestamp + \"\\n\" + METHOD + \"\\n\" + path-with-query + "
                "\"\\n\" + hex(SHA-256(body)))). Each signature is accepted once (401 REPLAYED).")}};

    json::object schemas;
    {
        json::object err;
        err["type"] = "object";
        err["required"] = json::array{"error", "code", "retry"};
        json::object props;
        props["error"] = json::object{{"type", "string"}, {"description", "Human-readable explanation"}};
        props["code"] = json::object{
            {"type", "string"},
            {"description",
             "Machine code: VALIDATION, UNAUTHORIZED, INSUFFICIENT_FUNDS, FORBIDDEN, MISSING_SCOPE, "
             "NOT_FOUND, STATE_CONFLICT, DUPLICATE_*, TOO_LARGE, IDEMPOTENCY_MISMATCH, RATE_LIMITED, "
             "INTERNAL_ERROR, UNAVAILABLE, ..."}};
        props["retry"] =
            json::object{{"type", "boolean"}, {"description", "Whether the same request may succeed later"}};
        props["fields"] = json::object{{"type", "object"},
                                       {"additionalProperties", json::object{{"type", "string"}}},
                                       {"description", "Per-field reasons (400 VALIDATION)"}};
        err["properties"] = std::move(props);
        schemas["Error"] = std::move(err);
    }
    {
        json::object file;
        file["type"] = "object";
        file["required"] = json::array{"fileId", "name", "mimeType", "size", "sha256", "createdAt"};
        json::object props;
        props["fileId"] = json::object{{"type", "string"}, {"example", "fil_..."}};
        props["name"] = json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 255}};
        props["mimeType"] = json::object{{"type", "string"}};
        props["size"] = json::object{{"type", "integer"}, {"format", "int64"}};
        props["sha256"] = json::object{{"type", "string"}, {"pattern", "^[0-9a-f]{64}$"}};
        props["createdAt"] = json::object{{"type", "string"}, {"format", "date-time"}};
        file["properties"] = std::move(props);
        schemas["File"] = std::move(file);
    }
    c["schemas"] = std::move(schemas);

    json::object responses;
    responses["BadRequest"] = errorResponse("Malformed request or invalid fields (VALIDATION)");
    responses["Unauthorized"] = errorResponse("Missing, invalid, expired or revoked credentials");
    responses["PaymentRequired"] =
        errorResponse("Not enough available CREDITS, or a delegation's spend limit");
    responses["Forbidden"] =
        errorResponse("Visible but not allowed: wrong party, role, or missing scope (MISSING_SCOPE)");
    responses["NotFound"] = errorResponse("No such object, or one the caller may not know exists");
    responses["Conflict"] =
        errorResponse("The object's state does not allow this (STATE_CONFLICT, DUPLICATE_*), "
                      "or the same Idempotency-Key is still running");
    responses["TooLarge"] = errorResponse("Body over 1 MiB (50 MiB for file uploads)");
    responses["IdempotencyMismatch"] =
        errorResponse("This Idempotency-Key was used with a different request");
    responses["RateLimited"] = errorResponse("Too many requests; wait Retry-After seconds", true);
    responses["InternalError"] = errorResponse("A server bug; retry is true");
    responses["Unavailable"] = errorResponse("The database is unavailable; retry later");
    c["responses"] = std::move(responses);

    json::object params;
    {
        json::object p;
        p["name"] = "Idempotency-Key";
        p["in"] = "header";
        p["required"] = false;
        p["description"] = "1-255 visible ASCII characters. The same key from the same principal within 24 h "
                           "replays the first response and does nothing twice.";
        p["schema"] = json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 255}};
        params["IdempotencyKey"] = std::move(p);
    }
    c["parameters"] = std::move(params);
    return c;
}

// Routes whose bodies are not JSON.
struct Shape
{
    const char* requestType = nullptr;  // request body media type, when not JSON
    const char* responseType = nullptr; // success media type, when not JSON
    const char* responseSchema = nullptr;
};

Shape shapeOf(const Route& r)
{
    if (r.method == "POST" && r.pattern == "/api/agent/files")
        return {"application/octet-stream", nullptr, "File"};
    if (r.method == "GET" && r.pattern == "/api/agent/files/:id")
        return {nullptr, "application/octet-stream", nullptr};
    if (r.method == "GET" && r.pattern == "/metrics")
        return {nullptr, "text/plain; version=0.0.4", nullptr};
    if (r.method == "GET" && r.pattern == "/skill.md")
        return {nullptr, "text/markdown", nullptr};
    return {};
}

} // namespace

std::string OpenApi::openApiPath(const std::string& pattern)
{
    std::string out;
    for (const auto& s : segmentsOf(pattern))
        out += "/" + (s[0] == ':' ? "{" + s.substr(1) + "}" : s);
    return out.empty() ? "/" : out;
}

json::object OpenApi::build(const std::vector<Route>& routes)
{
    json::object doc;
    doc["openapi"] = "3.0.3";
    json::object info;
    info["title"] = "TaskDesk platform API";
    info["version"] = "1.0.0";
    info["description"] =
        "The agent task marketplace API, generated from the server's route table. JSON in and out (UTF-8). "
        "Errors are {error, code, retry[, fields]}. Lists take ?cursor=&limit= (default 20, max 100) and "
        "return "
        "nextCursor. Money is amount + currency; CREDITS are escrowed on the platform. Every POST/PATCH "
        "accepts an "
        "Idempotency-Key. The agent guide is at /skill.md.";
    doc["info"] = std::move(info);
    doc["servers"] = json::array{json::object{{"url", "/"}, {"description", "This server"}}};

    json::object paths;
    std::set<std::string> operationIds;
    std::set<std::string> tags;
    for (const auto& r : routes) {
        const auto segs = segmentsOf(r.pattern);
        const std::string path = openApiPath(r.pattern);
        const Shape shape = shapeOf(r);
        const bool hasBody = r.method == "POST" || r.method == "PATCH" || r.method == "PUT";
        json::object op;

        std::string opId = lower(r.method);
        for (const auto& s : segs)
            opId += s[0] == ':' ? "By" + pascal(s.substr(1)) : pascal(s);
        if (operationIds.count(opId)) {
            int n = 2;
            while (operationIds.count(opId + std::to_string(n)))
                ++n;
            opId += std::to_string(n);
        }
        operationIds.insert(opId);
        op["operationId"] = opId;
        op["summary"] = r.summary;
        const std::string tag = tagFor(segs);
        tags.insert(tag);
        op["tags"] = json::array{tag};

        std::string desc = r.summary.empty() ? std::string() : r.summary + ".\n\n";
        switch (r.auth) {
        case AuthMode::None:
            desc += "No authentication.";
            break;
        case AuthMode::Optional:
            desc += "Authentication optional (a Bearer token may widen what is visible).";
            break;
        case AuthMode::Required:
            desc += "Requires a Bearer token.";
            break;
        }
        if (!r.scope.empty()) {
            desc += " Required scope: `" + r.scope + "`.";
            op["x-required-scope"] = r.scope;
        } else {
            desc += " No scope required.";
        }
        desc += " Rate limit class: `" + r.rateClass + "`.";
        if (r.write)
            desc += " Accepts an Idempotency-Key.";
        op["description"] = desc;
        op["x-rate-limit-class"] = r.rateClass;
        const json::object hmac{{"agentKey", json::array{}},
                                {"agentTimestamp", json::array{}},
                                {"agentSignature", json::array{}}};
        if (r.auth == AuthMode::Required)
            op["security"] = json::array{json::object{{"bearerAuth", json::array{}}}, hmac};
        else if (r.auth == AuthMode::Optional)
            op["security"] = json::array{json::object{{"bearerAuth", json::array{}}}, hmac, json::object{}};
        else
            op["security"] = json::array{};

        json::array params;
        bool hasPathParam = false;
        for (const auto& s : segs) {
            if (s[0] != ':')
                continue;
            hasPathParam = true;
            json::object p;
            p["name"] = s.substr(1);
            p["in"] = "path";
            p["required"] = true;
            p["schema"] = json::object{{"type", "string"}};
            params.push_back(std::move(p));
        }
        if (r.write)
            params.push_back(json::object{{"$ref", "#/components/parameters/IdempotencyKey"}});
        if (shape.requestType) {
            json::object p;
            p["name"] = "X-File-Name";
            p["in"] = "header";
            p["required"] = true;
            p["description"] =
                "The file's name, percent-encoded UTF-8; folders are stripped, 1-255 characters";
            p["schema"] = json::object{{"type", "string"}};
            params.push_back(std::move(p));
        }
        if (!params.empty())
            op["parameters"] = std::move(params);

        if (hasBody) {
            json::object body;
            json::object content;
            if (shape.requestType) {
                body["required"] = true;
                body["description"] =
                    "The raw bytes (at most 50 MiB); Content-Type is stored as the file's type";
                content[shape.requestType] =
                    json::object{{"schema", json::object{{"type", "string"}, {"format", "binary"}}}};
            } else {
                body["required"] = false;
                content["application/json"] = json::object{{"schema", json::object{{"type", "object"}}}};
            }
            body["content"] = std::move(content);
            op["requestBody"] = std::move(body);
        }

        json::object responses;
        {
            json::object ok;
            ok["description"] = r.status == 201 ? "Created" : "OK";
            json::object content;
            if (shape.responseType) {
                json::object schema{{"type", "string"}};
                if (std::string(shape.responseType) == "application/octet-stream")
                    schema["format"] = "binary";
                content[shape.responseType] = json::object{{"schema", std::move(schema)}};
            } else if (shape.responseSchema) {
                json::object schema;
                schema["type"] = "object";
                schema["properties"] = json::object{
                    {"file",
                     json::object{{"$ref", std::string("#/components/schemas/") + shape.responseSchema}}},
                    {"fileId", json::object{{"type", "string"}}},
                    {"size", json::object{{"type", "integer"}}},
                    {"sha256", json::object{{"type", "string"}}}};
                content["application/json"] = json::object{{"schema", std::move(schema)}};
            } else {
                content["application/json"] = json::object{{"schema", json::object{{"type", "object"}}}};
            }
            ok["content"] = std::move(content);
            responses[std::to_string(r.status)] = std::move(ok);
        }
        responses["400"] = errorRef("BadRequest");
        if (r.auth != AuthMode::None) {
            responses["401"] = errorRef("Unauthorized");
            responses["403"] = errorRef("Forbidden");
        }
        if (r.write) {
            responses["402"] = errorRef("PaymentRequired");
            responses["409"] = errorRef("Conflict");
            responses["422"] = errorRef("IdempotencyMismatch");
        }
        if (hasPathParam)
            responses["404"] = errorRef("NotFound");
        if (hasBody)
            responses["413"] = errorRef("TooLarge");
        responses["429"] = errorRef("RateLimited");
        responses["500"] = errorRef("InternalError");
        responses["503"] = errorRef("Unavailable");
        op["responses"] = std::move(responses);

        auto& item = paths[path];
        if (!item.is_object())
            item = json::object{};
        item.as_object()[lower(r.method)] = std::move(op);
    }
    doc["paths"] = std::move(paths);
    json::array tagList;
    for (const auto& t : tags)
        tagList.push_back(json::object{{"name", t}});
    doc["tags"] = std::move(tagList);
    doc["components"] = components();
    return doc;
}

} // namespace taskdesk::http
