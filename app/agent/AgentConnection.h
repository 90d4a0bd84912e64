#pragma once

#include "AgentClient.h"

#include <QCommandLineParser>
#include <QString>
#include <memory>

namespace taskdesk::agent {

// The options every server-facing command shares, and the client they describe:
//   --server URL, and one of --token T | --token-file F (or TASKDESK_AGENT_TOKEN)
//   | --api-key ak_... --api-secret-file F (HMAC request signing).
class AgentConnection
{
public:
    static void addOptions(QCommandLineParser& parser);
    // nullptr with error set (a sentence for the user) when the options are incomplete.
    static std::unique_ptr<AgentClient> fromParser(const QCommandLineParser& parser, QString* error);
    static QString optionsHelp();
};

} // namespace taskdesk::agent
