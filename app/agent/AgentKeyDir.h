#pragma once

#include "KeyPairs.h"
#include "SecureBuffer.h"

#include <QString>
#include <optional>

namespace taskdesk::agent {

// The agent's X25519 key pair, kept in a directory of its own (--keystore DIR).
//
// With a passphrase the secret key lives in DIR/agent.keystore (crypto::Keystore:
// Argon2id-derived key, XChaCha20-Poly1305, written atomically, mode 0600) as the
// entry "agent-box-key". Without one it lives in DIR/agent-box.key (text: a header line, "public <b64>",
// "secret <b64>"), mode 0600 in a 0700 directory, unencrypted (and the caller says so on stderr): an
// unattended agent with no secret store has nowhere safer to keep it, and refusing to run would only push
// people to worse places. Once a keystore exists, the plain file is never used or written: a passphrase is
// then required.
class AgentKeyDir
{
public:
    static constexpr const char* kKeystoreFile = "agent.keystore";
    static constexpr const char* kPlainFile = "agent-box.key";
    static constexpr const char* kEntryName = "agent-box-key";

    explicit AgentKeyDir(QString dir);

    enum class Status
    {
        Ok,
        NoKey,          // nothing in DIR and create was false
        NeedPassphrase, // DIR holds a keystore and no passphrase was given
        WrongPassphrase,
        Failed, // unreadable, damaged, or could not be written
    };
    // Loads the key pair; generates and stores one when DIR has none and create is set.
    // passphrase may be null (plain file). error is a sentence for the user.
    Status open(const crypto::SecureBuffer* passphrase, bool create, QString* error);

    const crypto::BoxKeyPair& keyPair() const { return *m_pair; }
    QByteArray publicKeyBase64() const;
    bool created() const { return m_created; }
    bool protectedAtRest() const { return m_protected; }
    QString keystorePath() const;
    QString plainPath() const;

private:
    Status openKeystore(const crypto::SecureBuffer& passphrase, bool create, QString* error);
    Status openPlain(bool create, QString* error);
    bool ensureDir(QString* error) const;
    QString m_dir;
    std::optional<crypto::BoxKeyPair> m_pair;
    bool m_created = false;
    bool m_protected = false;
};

} // namespace taskdesk::agent
