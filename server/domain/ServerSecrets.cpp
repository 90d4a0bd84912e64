#include "ServerSecrets.h"

#include "Base64.h"
#include "SecretBox.h"
#include "ServerKey.h"

namespace taskdesk::domain {

namespace {
constexpr std::string_view kPrefix = "sb1:";

QByteArrayView viewOf(std::string_view s)
{
    return QByteArrayView(s.data(), qsizetype(s.size()));
}
} // namespace

ServerSecrets::ServerSecrets(crypto::SecureBuffer key) : m_key(std::move(key)) {}

std::shared_ptr<const ServerSecrets> ServerSecrets::load(const std::string& path, std::string* error)
{
    QString why;
    auto key = crypto::ServerKey::loadOrCreate(QString::fromStdString(path), &why);
    if (!key) {
        if (error)
            *error = why.toStdString();
        return nullptr;
    }
    return std::make_shared<const ServerSecrets>(std::move(*key));
}

bool ServerSecrets::isSealed(std::string_view stored)
{
    return stored.substr(0, kPrefix.size()) == kPrefix;
}

std::string ServerSecrets::seal(std::string_view plaintext, std::string_view context) const
{
    const QByteArray blob = crypto::SecretBox::encrypt(m_key, viewOf(plaintext), viewOf(context));
    if (blob.isEmpty())
        throw std::runtime_error("the server key is unusable");
    return std::string(kPrefix) + crypto::Base64::encode(blob).toStdString();
}

std::optional<crypto::SecureBuffer> ServerSecrets::open(std::string_view stored,
                                                        std::string_view context) const
{
    if (!isSealed(stored))
        return crypto::SecureBuffer::copyOf(viewOf(stored));
    const auto blob = crypto::Base64::decode(viewOf(stored.substr(kPrefix.size())));
    if (!blob)
        return std::nullopt;
    return crypto::SecretBox::decrypt(m_key, *blob, viewOf(context));
}

} // namespace taskdesk::domain
