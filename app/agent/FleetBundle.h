#pragma once

#include "FleetMember.h"

#include <QString>
#include <optional>

namespace taskdesk::agent {

// Reads a delegation handoff bundle for `run --bundle FILE`: plain JSON, or
// passphrase-protected with the passphrase in TASKDESK_BUNDLE_PASSPHRASE (opened by
// crypto::HandoffBundle, as bundle-open does). A bundle sealed to an agent key is
// refused with a pointer to bundle-open: the fleet keeps no agent keystore.
class FleetBundle
{
public:
    // passphrase: TASKDESK_BUNDLE_PASSPHRASE, read once by the caller (empty when unset).
    static std::optional<FleetMember::Credentials>
    read(const QString& path, const crypto::SecureBuffer& passphrase, QString* error);
};

} // namespace taskdesk::agent
