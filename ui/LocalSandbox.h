#pragma once

#include <QJsonObject>
#include <QString>
#include <QUrl>

namespace taskdesk::ui {

// The platform running inside the console process (the "local sandbox"). The
// console talks to it over HTTP like any server; this interface only starts
// it and signs its local operator in. app/ implements it on PlatformServer, so
// ui/ never depends on the server's code.
class LocalSandbox
{
public:
    virtual ~LocalSandbox() = default;
    // Starts it once (later calls are no-ops). False with a reason on failure.
    virtual bool start(QString* error) = 0;
    virtual QUrl baseUrl() const = 0;
    // Where its database lives, to tell the user.
    virtual QString location() const = 0;
    // The operator's register/login answer ({profile, token, tokenValue}),
    // creating the operator the first time; empty with a reason on failure.
    virtual QJsonObject signInOperator(QString* error) = 0;
};

} // namespace taskdesk::ui
