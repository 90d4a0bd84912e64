#pragma once

#include "SecureBuffer.h"

#include <QString>
#include <optional>

namespace taskdesk::agent {

// Secrets given to taskdesk-agent: from files (preferred: they do not show in `ps` or
// shell history) or the environment, read straight into secure memory. A trailing
// newline (as `echo` writes) is not part of the secret.
class SecretInput
{
public:
    // nullopt with error set when the file cannot be read or is empty.
    static std::optional<crypto::SecureBuffer> fromFile(const QString& path, QString* error);
    // The variable's value (then removed from this process's environment); empty if unset.
    static crypto::SecureBuffer fromEnvironment(const char* name);
    // From text given on the command line (--token): copied, then the argument is wiped.
    static crypto::SecureBuffer fromArgument(QString& value);
};

} // namespace taskdesk::agent
