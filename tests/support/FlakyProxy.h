#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>
#include <algorithm>
#include <cstdint>

namespace taskdesk::test {

namespace flaky {

// The Content-Length of an HTTP message head, -1 when absent.
inline qsizetype contentLength(const QByteArray& head)
{
    for (const QByteArray& line : head.split('\n')) {
        const QByteArray l = line.trimmed().toLower();
        if (l.startsWith("content-length:"))
            return l.mid(15).trimmed().toLongLong();
    }
    return -1;
}

// Length of the first complete HTTP message in buf, or -1.
inline qsizetype completeMessage(const QByteArray& buf)
{
    const qsizetype end = buf.indexOf("\r\n\r\n");
    if (end < 0)
        return -1;
    const qsizetype len = std::max<qsizetype>(0, contentLength(buf.left(end)));
    return buf.size() >= end + 4 + len ? end + 4 + len : -1;
}

} // namespace flaky

// A tiny HTTP proxy in front of the test server that misbehaves on request:
// answers 503 without forwarding, forwards and then drops the answer (the
// request ran, the client never heard), or never answers. It also serves
// canned answers for given paths and records what it saw.
class FlakyProxy : public QObject
{
    Q_OBJECT
public:
    enum class Action
    {
        Forward,
        Reply503,
        DropAfterForward,
        Blackhole
    };
    struct Seen
    {
        QByteArray method, target, idempotencyKey;
    };

    explicit FlakyProxy(std::uint16_t backendPort) : m_backendPort(backendPort)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &FlakyProxy::onConnection);
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port())); }
    // The next requests get these actions, in order; then Forward.
    void plan(const QList<Action>& actions) { m_plan = actions; }
    // Only requests with this method take actions from the plan (the rest,
    // such as a console's background polls, pass); empty for every request.
    void planOnlyFor(const QByteArray& method) { m_planMethod = method; }
    // The next request whose path starts with prefix gets this answer.
    void cannedOnce(const QByteArray& prefix, int status, const QByteArray& body)
    {
        m_canned.append({prefix, status, body});
    }
    const QList<Seen>& seen() const { return m_seen; }
    QList<Seen> seenFor(const QByteArray& method, const QByteArray& targetPrefix) const
    {
        QList<Seen> out;
        for (const auto& s : m_seen)
            if (s.method == method && s.target.startsWith(targetPrefix))
                out << s;
        return out;
    }

private:
    struct Canned
    {
        QByteArray prefix;
        int status;
        QByteArray body;
    };

    void onConnection()
    {
        while (QTcpSocket* s = m_server.nextPendingConnection()) {
            s->setParent(this);
            connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadable(s); });
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        }
    }

    void onReadable(QTcpSocket* s)
    {
        QByteArray& buf = m_buffers[s];
        buf += s->readAll();
        const qsizetype n = flaky::completeMessage(buf);
        if (n < 0)
            return;
        const QByteArray request = buf.left(n);
        m_buffers.remove(s);
        disconnect(s, &QTcpSocket::readyRead, this, nullptr); // one request per connection
        handle(s, request);
    }

    static void reply(QTcpSocket* s, int status, const QByteArray& reason, const QByteArray& body,
                      const QByteArray& extra = {})
    {
        s->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason +
                 "\r\nContent-Type: application/json\r\n" + extra + "Content-Length: " +
                 QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        s->disconnectFromHost();
    }

    void handle(QTcpSocket* s, const QByteArray& request)
    {
        const qsizetype headEnd = request.indexOf("\r\n\r\n");
        const QList<QByteArray> lines = request.left(headEnd).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        Seen seen{first.value(0), first.value(1), {}};
        QByteArray rewritten = lines.value(0).trimmed() + "\r\n";
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const QByteArray lower = line.toLower();
            if (lower.startsWith("idempotency-key:"))
                seen.idempotencyKey = line.mid(16).trimmed();
            if (lower.startsWith("connection:") || line.isEmpty())
                continue;
            rewritten += line + "\r\n";
        }
        rewritten += "Connection: close\r\n\r\n" + request.mid(headEnd + 4);
        m_seen << seen;

        for (qsizetype i = 0; i < m_canned.size(); ++i) {
            if (seen.target.startsWith(m_canned[i].prefix)) {
                const Canned c = m_canned.takeAt(i);
                reply(s, c.status, "Canned", c.body);
                return;
            }
        }
        const bool planned = m_planMethod.isEmpty() || seen.method == m_planMethod;
        const Action action = m_plan.isEmpty() || !planned ? Action::Forward : m_plan.takeFirst();
        switch (action) {
        case Action::Reply503:
            reply(
                s, 503, "Service Unavailable",
                R"json({"error":"The service is unavailable (test proxy)","code":"UNAVAILABLE","retry":true})json",
                "Retry-After: 1\r\n");
            return;
        case Action::Blackhole:
            return;
        case Action::Forward:
        case Action::DropAfterForward:
            break;
        }
        const bool drop = action == Action::DropAfterForward;
        auto* backend = new QTcpSocket(this);
        auto answer = std::make_shared<QByteArray>();
        auto done = std::make_shared<bool>(false);
        QPointer<QTcpSocket> client(s);
        auto finish = [backend, client, answer, done, drop] {
            if (*done)
                return;
            *done = true;
            if (client) {
                if (drop) {
                    client->abort();
                } else {
                    client->write(*answer);
                    client->disconnectFromHost();
                }
            }
            backend->deleteLater();
        };
        connect(backend, &QTcpSocket::connected, this, [backend, rewritten] { backend->write(rewritten); });
        connect(backend, &QTcpSocket::readyRead, this, [backend, answer, finish] {
            *answer += backend->readAll();
            if (flaky::completeMessage(*answer) >= 0)
                finish();
        });
        connect(backend, &QTcpSocket::disconnected, this, finish);
        connect(backend, &QTcpSocket::errorOccurred, this, finish);
        backend->connectToHost(QHostAddress::LocalHost, m_backendPort);
    }

    QTcpServer m_server;
    std::uint16_t m_backendPort;
    QList<Action> m_plan;
    QByteArray m_planMethod;
    QList<Canned> m_canned;
    QList<Seen> m_seen;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

} // namespace taskdesk::test
