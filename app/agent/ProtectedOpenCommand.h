#pragma once

#include <QString>
#include <QStringList>

namespace taskdesk::agent {

class AgentClient;
class AgentKeyDir;

// `taskdesk-agent protected-open`: gets a task's protected payload the way the contract
// intends. The agent's X25519 key comes from (or is created in) the key directory and
// is registered with the server once; the agent asks for access (or reuses its pending
// or granted request for that key), waits for the publisher's grant, fetches the
// bundle, checks the publisher's signature over the grant, opens the sealed payload key
// with its secret key and decrypts the payload. Only the plaintext goes to stdout.
class ProtectedOpenCommand
{
public:
    int run(const QStringList& arguments);
    static QString help();

private:
    int execute(AgentClient& client, AgentKeyDir& keys);
    QString m_taskId;
    int m_waitSeconds = 60;
    int m_pollMs = 1000;
    QString m_pinnedPublisherKey;
    bool m_requireSignature = false;
};

} // namespace taskdesk::agent
