#pragma once

#include <QByteArrayView>
#include <QString>
#include <cstdio>

namespace taskdesk::agent {

// Where taskdesk-agent speaks: results on stdout (so they can be piped), everything
// for the person running it on stderr, prefixed with the program's name.
class Console
{
public:
    static void message(const QString& text)
    {
        std::fprintf(stderr, "taskdesk-agent: %s\n", text.toLocal8Bit().constData());
        std::fflush(stderr);
    }
    static void out(QByteArrayView bytes)
    {
        std::fwrite(bytes.data(), 1, std::size_t(bytes.size()), stdout);
        std::fflush(stdout);
    }
    static void outLine(const QString& text)
    {
        const QByteArray utf8 = text.toUtf8();
        out(utf8);
        out("\n");
    }
};

} // namespace taskdesk::agent
