#pragma once

namespace taskdesk::agent {

// taskdesk-agent's exit codes, documented in --help, so that scripts can tell why a
// command stopped without parsing its messages.
enum ExitCode : int
{
    ExitOk = 0,
    ExitUsage = 1,         // bad or missing arguments
    ExitServer = 2,        // the server could not be reached or refused the request
    ExitDenied = 3,        // the publisher denied (or revoked) access
    ExitBadSignature = 4,  // the publisher's signature over the grant does not verify
    ExitTimedOut = 5,      // the grant did not come within --wait seconds
    ExitLocalKeys = 6,     // the key directory, keystore or passphrase is unusable
    ExitCannotDecrypt = 7, // the sealed key, payload or bundle does not open
};

} // namespace taskdesk::agent
